"""A loader's source row and the file anchors its statements cite, upserted by slug (SIDER and
the terminologies: one source per release; the seed writes its sources from sources.yaml)."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import AnchorKind
from app.models import Source, SourceAnchor


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
