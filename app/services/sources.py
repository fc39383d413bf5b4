"""Sources and what each one backs (counted by the loaders: app/readmodel/record_sources.py)."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Source, SourceAnchor
from app.problems.exceptions import UnknownSource
from app.readmodel import page_of
from app.schemas.common import Page
from app.schemas.source import SourceBacking, SourceDetail, SourceSummary

NOTHING = {"drugs": 0, "drug_effects": 0, "evidence": 0, "statements": 0, "drug_slugs": []}


def list_sources(session: Session, *, limit: int, offset: int) -> Page[SourceSummary]:
    stmt = select(Source.id)

    def build(ids: list[int]) -> list[SourceSummary]:
        rows = {s.id: s for s in session.scalars(select(Source).where(Source.id.in_(ids)))}
        return [SourceSummary.model_validate(rows[i]) for i in ids]

    return page_of(session, stmt, stmt.order_by(Source.slug), limit, offset, build)


def get_source_detail(session: Session, slug: str) -> SourceDetail:
    source = session.scalar(select(Source).where(Source.slug == slug.strip().lower()))
    if source is None:
        raise UnknownSource(f"No source named '{slug[:80]}'; see /v1/sources.")
    anchors = session.scalars(
        select(SourceAnchor)
        .where(SourceAnchor.source_id == source.id)
        .order_by(SourceAnchor.position)
    ).all()
    backing = source.backing or NOTHING
    return SourceDetail(
        **SourceSummary.model_validate(source).model_dump(),
        summary=source.summary,
        document=source.document,
        anchors=[{"key": a.key, "kind": a.kind, "label": a.label} for a in anchors],
        backs=SourceBacking.model_validate(backing),
        drug_slugs=backing["drug_slugs"],
    )
