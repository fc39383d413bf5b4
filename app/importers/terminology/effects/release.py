"""What the terminology loaders (HPO, MedDRA) share: their error, their source and its anchors,
and the release row that tells whether the same files were loaded last time."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import AnchorKind
from app.importers import derived_records
from app.models import DataRelease, Source, SourceAnchor


class TerminologyError(Exception):
    """A terminology file is missing, unreadable or cut; nothing was written."""


@dataclass
class TerminologyReport:
    changed: bool
    version: str = ""
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows loaded
    links: dict[str, int] = field(default_factory=dict)  # links.coverage()


def is_unchanged(session: Session, release: str, checksum: str) -> bool:
    """The same files by the same loader, and the read model is the code's."""
    row = session.get(DataRelease, release)
    return row is not None and row.checksum == checksum and derived_records.is_current(session)


def record_release(session: Session, release: str, checksum: str) -> None:
    row = session.get(DataRelease, release)
    now = datetime.now(UTC)
    if row is None:
        session.add(DataRelease(name=release, checksum=checksum, loaded_at=now))
    else:
        row.checksum, row.loaded_at = checksum, now
    session.flush()


def upsert_source(
    session: Session, values: dict[str, Any], anchors: dict[str, str]
) -> dict[str, int]:
    """The source by slug with its file anchors (key -> label); returns key -> anchor id."""
    source = session.scalar(select(Source).where(Source.slug == values["slug"]))
    if source is None:
        source = Source(**values)
        session.add(source)
    else:
        for key, value in values.items():
            setattr(source, key, value)
    session.flush()
    existing = {
        a.key: a
        for a in session.scalars(select(SourceAnchor).where(SourceAnchor.source_id == source.id))
    }
    for position, (key, label) in enumerate(anchors.items()):
        if key in existing:
            existing[key].label, existing[key].position = label, position
        else:
            session.add(
                SourceAnchor(
                    source_id=source.id,
                    key=key,
                    kind=AnchorKind.file,
                    label=label,
                    position=position,
                )
            )
    session.flush()
    rows = session.execute(
        select(SourceAnchor.key, SourceAnchor.id).where(SourceAnchor.source_id == source.id)
    )
    return {str(key): int(anchor_id) for key, anchor_id in rows}
