"""Sources and what each one backs."""

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from app.errors import UnknownSource
from app.models import Citation, Drug, DrugEffect, DrugEffectSource, Evidence, Source, SourceAnchor
from app.schemas.common import Page
from app.schemas.source import SourceBacking, SourceDetail, SourceSummary
from app.services.pages import page_of

MAX_DRUG_SLUGS = 100


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
    sid = source.id
    anchors = session.scalars(
        select(SourceAnchor).where(SourceAnchor.source_id == sid).order_by(SourceAnchor.position)
    ).all()
    records = select(DrugEffectSource.drug_effect_id).where(DrugEffectSource.source_id == sid)
    drugs = select(DrugEffect.drug_id).where(DrugEffect.id.in_(records)).distinct()
    drug_slugs = session.scalars(
        select(Drug.slug).where(Drug.id.in_(drugs)).order_by(Drug.slug).limit(MAX_DRUG_SLUGS)
    ).all()
    statements = (
        select(func.count())
        .select_from(Citation)
        .join(SourceAnchor, SourceAnchor.id == Citation.anchor_id)
        .where(SourceAnchor.source_id == sid)
    )
    backs = SourceBacking(
        drugs=session.scalar(select(func.count(distinct(drugs.c.drug_id)))) or 0,
        drug_effects=session.scalar(select(func.count()).select_from(records.subquery())) or 0,
        evidence=session.scalar(select(func.count()).where(Evidence.source_id == sid)) or 0,
        statements=session.scalar(statements) or 0,
    )
    return SourceDetail(
        **SourceSummary.model_validate(source).model_dump(),
        summary=source.summary,
        document=source.document,
        anchors=[{"key": a.key, "kind": a.kind, "label": a.label} for a in anchors],
        backs=backs,
        drug_slugs=list(drug_slugs),
    )
