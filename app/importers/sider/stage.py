"""Temporary tables that hold SIDER's rows between reading and writing.

Reading streams each file once and sends its preferred-term rows here in chunks, so the
import's memory does not grow with the release (only its drugs' names and the term vocabulary
stay in Python); writing then turns them into records and evidence with a few set-based
statements (write.py). The tables are temporary: they live in the importing connection only
and are dropped on the way out, whatever happens.
"""

import contextlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Boolean, Column, Float, Index, Integer, MetaData, String, Table
from sqlalchemy.orm import Session

from app.db_bulk import write_rows

CHUNK = 5000
_metadata = MetaData()
# (drug, label term, PT) as the side-effect and frequency files list them; repeats allowed.
PAIRS = Table(
    "sider_stage_pair",
    _metadata,
    Column("cid", Integer, nullable=False),
    Column("label", String(8), nullable=False),
    Column("cui", String(8), nullable=False),
    Index("ix_sider_stage_pair_cid", "cid"),  # records and evidence are written by drug range
    prefixes=["TEMPORARY"],
)
# Frequency rows in file order (seq), each with the CIOMS band of the row alone.
FREQUENCIES = Table(
    "sider_stage_freq",
    _metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("cid", Integer, nullable=False),
    Column("label", String(8), nullable=False),
    Column("cui", String(8), nullable=False),
    Column("band", String(40), nullable=False),
    Column("text", String(100)),
    Column("lower", Float, nullable=False),
    Column("upper", Float, nullable=False),
    Column("placebo", Boolean, nullable=False),
    Index("ix_sider_stage_freq_cid", "cid"),
    prefixes=["TEMPORARY"],
)
INDICATIONS = Table(
    "sider_stage_indication",
    _metadata,
    Column("cid", Integer, nullable=False),
    Column("cui", String(8), nullable=False),
    Column("name", String(300), nullable=False),
    prefixes=["TEMPORARY"],
)
# The terms as found on labels (SIDER's label concepts) with their names.
LABELS = Table(
    "sider_stage_label",
    _metadata,
    Column("cui", String(8), primary_key=True),
    Column("name", String(100), nullable=False),
    prefixes=["TEMPORARY"],
)
# After matching: compound -> drug, term -> effect (and the term's context).
DRUG_MAP = Table(
    "sider_stage_drug",
    _metadata,
    Column("cid", Integer, primary_key=True, autoincrement=False),
    Column("drug_id", Integer, nullable=False),
    prefixes=["TEMPORARY"],
)
EFFECT_MAP = Table(
    "sider_stage_effect",
    _metadata,
    Column("cui", String(8), primary_key=True),
    Column("effect_id", Integer, nullable=False),
    Column("context", String(40), nullable=False),
    prefixes=["TEMPORARY"],
)
TABLES = (PAIRS, FREQUENCIES, INDICATIONS, LABELS, DRUG_MAP, EFFECT_MAP)


class Stage:
    """Buffered inserts into the staging tables."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._pending: dict[str, list[dict[str, Any]]] = {t.name: [] for t in TABLES}
        self.frequency_rows = 0

    def add(self, table: Table, row: dict[str, Any]) -> None:
        pending = self._pending[table.name]
        pending.append(row)
        if len(pending) >= CHUNK:
            self._flush(table)

    def add_frequency(self, row: dict[str, Any]) -> None:
        self.frequency_rows += 1
        self.add(FREQUENCIES, {"seq": self.frequency_rows, **row})

    def flush(self) -> None:
        for table in TABLES:
            self._flush(table)

    def _flush(self, table: Table) -> None:
        pending = self._pending[table.name]
        if pending:
            write_rows(self.session, table, pending)
            pending.clear()


@contextmanager
def staged(session: Session) -> Iterator[Stage]:
    _drop(session)  # left over by a crashed run on this connection
    connection = session.connection()
    for table in TABLES:
        table.create(connection)
    try:
        yield Stage(session)
    except BaseException:
        # The caller rolls back; a failed transaction may refuse the DROP (its rollback drops
        # the tables on PostgreSQL), and the error that got us here is the one to report.
        with contextlib.suppress(Exception):
            _drop(session)
        raise
    _drop(session)


def _drop(session: Session) -> None:
    connection = session.connection()
    for table in reversed(TABLES):
        table.drop(connection, checkfirst=True)
