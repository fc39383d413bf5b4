"""Citations of statements, read in one statement per kind of statement, whatever the count."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from app.models import Citation, Source, SourceAnchor
from app.schemas.common import AnchorRef, SourceRef
from app.schemas.common import Citation as CitationRead

Cites = dict[tuple[int, str | None], list[CitationRead]]  # (target id, part) -> citations


def _statement(target: str) -> Select[Any]:
    column = Citation.__table__.c[target]
    source, anchor = Source.__table__.c, SourceAnchor.__table__.c
    return (
        select(column, Citation.__table__.c.part, source.slug, source.title, anchor.key,
               anchor.kind, anchor.label)
        .join(SourceAnchor.__table__, anchor.id == Citation.__table__.c.anchor_id)
        .join(Source.__table__, source.id == anchor.source_id)
        .where(column.in_(bindparam("ids", expanding=True)))
        .order_by(Citation.__table__.c.id)
    )  # fmt: skip


# Built once: a statement per kind of target (building one per call cost more than running it).
_STATEMENTS: dict[str, Select[Any]] = {}


def cites_of(session: Session, target: str, ids: Iterable[int]) -> Cites:
    """Citations of the rows IDS of one kind (`target`: a Citation column such as
    `drug_use_id`), keyed by (id, part); in the order they were written."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    stmt = _STATEMENTS.get(target)
    if stmt is None:
        stmt = _STATEMENTS[target] = _statement(target)
    out: Cites = defaultdict(list)
    refs: dict[tuple[str, str], CitationRead] = {}
    for target_id, part, slug, title, key, kind, label in session.connection().execute(
        stmt, {"ids": wanted}
    ):
        cite = refs.get((slug, key))
        if cite is None:  # one object per place: a page cites the same few places often
            cite = refs[slug, key] = CitationRead(
                source=SourceRef(slug=slug, title=title),
                anchor=AnchorRef(key=key, kind=kind, label=label),
            )
        out[target_id, part].append(cite)
    return out


def get(cites: Cites, target_id: int, part: str | None = None) -> list[CitationRead]:
    return cites.get((target_id, part), [])


def cited(value: Any, cites: list[CitationRead]) -> dict[str, Any] | None:
    """A `CitedText` as data, or None for a value no source states."""
    return None if value is None else {"text": value, "cites": cites}
