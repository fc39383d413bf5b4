"""What the terminology loaders (HPO, MedDRA) share: their error and report, and the load itself
(`replace_release`: their tables replaced whole, their source and its anchors (sources.py),
and the release row that tells whether the same files were loaded last time)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.db_bulk import write_rows
from app.enums import Release
from app.importers.recompute import recompute
from app.importers.sources import upsert_source
from app.importers.terminology.effects import links
from app.models import DataRelease
from app.readmodel import is_current


class TerminologyError(Exception):
    """A terminology file is missing, unreadable or cut; nothing was written."""


@dataclass
class TerminologyReport:
    changed: bool
    version: str = ""
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows loaded
    links: dict[str, int] = field(default_factory=dict)  # links.coverage()


# (model, rows) in the order they are written; deleted in the reverse order (foreign keys).
Tables = list[tuple[Any, list[dict[str, Any]]]]


def replace_release(
    session: Session,
    release: Release,
    checksum: str,
    version: str,
    *,
    tables: Callable[[], Tables],
    source: dict[str, Any],
    anchors: dict[str, str],
    force: bool,
) -> TerminologyReport:
    """Load a release already read and checked: unless forced, nothing happens when the same
    files were loaded by the same loader (CHECKSUM: "loader:files"); otherwise its tables are
    replaced whole, its source and anchors upserted, its release row written and the read
    model refreshed (which joins the tables to effects)."""
    checksum = checksum[:64]
    if not force and is_unchanged(session, release.value, checksum):
        return TerminologyReport(changed=False, version=version)
    rows = _replace_tables(session, tables())
    upsert_source(session, source, anchors)
    record_release(session, release.value, checksum)
    recompute(session)
    return TerminologyReport(
        changed=True, version=version, rows=rows, links=links.coverage(session)
    )


def _replace_tables(session: Session, tables: Tables) -> dict[str, int]:
    for model, _ in reversed(tables):
        session.execute(delete(model))
    return {
        model.__tablename__: write_rows(session, model.__table__, rows) for model, rows in tables
    }


def is_unchanged(session: Session, release: str, checksum: str) -> bool:
    """The same files by the same loader, and the read model is the code's."""
    row = session.get(DataRelease, release)
    return row is not None and row.checksum == checksum and is_current(session)


def record_release(session: Session, release: str, checksum: str) -> None:
    row = session.get(DataRelease, release)
    now = datetime.now(UTC)
    if row is None:
        session.add(DataRelease(name=release, checksum=checksum, loaded_at=now))
    else:
        row.checksum, row.loaded_at = checksum, now
    session.flush()
