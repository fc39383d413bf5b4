"""Citations of statements, read in one statement per kind of statement, whatever the count."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Citation, Source, SourceAnchor
from app.schemas.common import AnchorRef, SourceRef
from app.schemas.common import Citation as CitationRead

Cites = dict[tuple[int, str | None], list[CitationRead]]  # (target id, part) -> citations


def cites_of(session: Session, target: str, ids: Iterable[int]) -> Cites:
    """Citations of the rows IDS of one kind (`target`: a Citation column such as
    `drug_use_id`), keyed by (id, part); in the order they were written."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    column = getattr(Citation, target)
    rows = session.execute(
        select(
            column,
            Citation.part,
            Source.slug,
            Source.title,
            SourceAnchor.key,
            SourceAnchor.kind,
            SourceAnchor.label,
        )
        .join(SourceAnchor, SourceAnchor.id == Citation.anchor_id)
        .join(Source, Source.id == SourceAnchor.source_id)
        .where(column.in_(wanted))
        .order_by(Citation.id)
    )
    out: Cites = defaultdict(list)
    for target_id, part, slug, title, key, kind, label in rows:
        out[target_id, part].append(
            CitationRead(
                source=SourceRef(slug=slug, title=title),
                anchor=AnchorRef(key=key, kind=kind, label=label),
            )
        )
    return out


def get(cites: Cites, target_id: int, part: str | None = None) -> list[CitationRead]:
    return cites.get((target_id, part), [])


def cited(value: Any, cites: list[CitationRead]) -> dict[str, Any] | None:
    """A `CitedText` as data, or None for a value no source states."""
    return None if value is None else {"text": value, "cites": cites}
