"""The read model's write of derived values: one UPDATE of each record per load.

refresh.py computes each record's values (rules.py, order.py) and hands them to
`RecordUpdates`, which writes them, with the effect rank numbered over the new values, in
ranges of record ids.
"""

from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from app.db_bulk import analyze, id_ranges, write_rows
from app.models import Drug, DrugEffect
from app.readmodel.order import effect_list_order

DERIVED = (
    "summary_band",
    "summary_rank",
    "frequency",
    "frequency_low",
    "frequency_high",
    "placebo_frequency",
    "placebo_low",
    "placebo_high",
    "excess_over_placebo",
    "basis",
    "basis_source_id",
    "measured_rows",
    "flag",
    "flag_reason",
    "list_rank",
)
CHUNK = 5000  # rows per write into the temporary table
RANGE = 50_000  # record ids per statement (the UPDATE, the record sources)


class RecordUpdates:
    """Every record's derived values go to a temporary table in chunks; its effect rank is
    numbered there (one window over the new values); then drug_effect is updated where
    anything changed, in id ranges, so no statement grows with the table.

    One UPDATE per record and load: each UPDATE of drug_effect writes a new row version and an
    entry in each of its indexes. Measured importing 10x SIDER into PostgreSQL: the derived
    values and then the effect ranks as two whole-table UPDATEs took 147 s and 199 s, and at
    50x one of them ran past the load's statement timeout."""

    def __init__(self, session: Session) -> None:
        self.session, self.pending = session, list[dict[str, Any]]()
        columns: list[Column[Any]] = [Column("id", Integer, primary_key=True)]
        for name in DERIVED:
            if isinstance(DrugEffect.__table__.c[name].type, Float):
                columns.append(Column(name, Float()))
            elif name in ("summary_rank", "basis_source_id", "measured_rows", "list_rank"):
                columns.append(Column(name, Integer()))
            else:
                columns.append(Column(name, String(300)))
        columns.append(Column("changed", Boolean()))
        metadata = MetaData()
        self.table = Table("derived_update", metadata, *columns, prefixes=["TEMPORARY"])
        self.ranks = Table(
            "derived_effect_rank",
            metadata,
            Column("id", Integer, primary_key=True),
            Column("position", Integer),
            prefixes=["TEMPORARY"],
        )

    def __enter__(self) -> "RecordUpdates":
        for table in (self.table, self.ranks):
            table.create(self.session.connection())
        return self

    def add(self, row: dict[str, Any]) -> None:
        self.pending.append({k: (v.value if hasattr(v, "value") else v) for k, v in row.items()})
        if len(self.pending) >= CHUNK:
            self._flush()

    def _flush(self) -> None:
        write_rows(self.session, self.table, self.pending)
        self.pending = []

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self._flush()
            analyze(self.session)
            self._number_effect_ranks()
            for low, high in id_ranges(self.session, self.table.c.id, RANGE):
                self._update(low, high)
        for table in (self.ranks, self.table):
            table.drop(self.session.connection())

    def _number_effect_ranks(self) -> None:
        u, de, drug = self.table.c, DrugEffect.__table__.c, Drug.__table__.c
        order = effect_list_order(
            u.flag, u.summary_rank, u.frequency, u.excess_over_placebo, drug.name, de.context, de.id
        )
        position = func.row_number().over(partition_by=de.effect_id, order_by=order)
        self.session.execute(
            insert(self.ranks).from_select(
                ["id", "position"],
                select(u.id, position)
                .join(DrugEffect, DrugEffect.id == u.id)
                .join(Drug, Drug.id == DrugEffect.drug_id),
            )
        )

    def _update(self, low: int, high: int) -> None:
        u, r = self.table.c, self.ranks.c
        self.session.execute(
            update(DrugEffect)
            .where(
                DrugEffect.id == u.id,
                r.id == u.id,
                u.id.between(low, high),
                or_(u.changed, DrugEffect.effect_rank != r.position),
            )
            .values({name: u[name] for name in DERIVED} | {"effect_rank": r.position}),
            execution_options={"synchronize_session": False},
        )
