"""Sources and what each one backs."""

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.models import (
    Drug,
    DrugCitation,
    DrugEffect,
    DrugUse,
    DrugWarning,
    EffectFact,
    Evidence,
    Source,
)
from app.schemas.common import Page
from app.schemas.drug import SourceSummary
from app.schemas.source import SourceBacking, SourceDetail
from app.services.pages import count

MAX_DRUG_SLUGS = 100


def list_sources(session: Session, *, limit: int, offset: int) -> Page[SourceSummary]:
    stmt = select(Source)
    total = count(session, stmt)
    rows = session.scalars(stmt.order_by(Source.slug).limit(limit).offset(offset)).all()
    return Page(
        items=[SourceSummary.model_validate(s) for s in rows],
        total=total,
        limit=limit,
        offset=offset,
    )


def get_source_detail(session: Session, slug: str) -> SourceDetail:
    source = session.scalar(select(Source).where(Source.slug == slug.strip().lower()))
    if source is None:
        raise NotFound(f"No source named '{slug[:80]}'; see /v1/sources.")
    sid = source.id
    drug_ids = (
        select(DrugCitation.drug_id.label("drug_id"))
        .where(DrugCitation.source_id == sid)
        .union(
            select(DrugEffect.drug_id)
            .join(Evidence, Evidence.drug_effect_id == DrugEffect.id)
            .where(Evidence.source_id == sid),
            select(DrugUse.drug_id).where(DrugUse.source_id == sid),
            select(DrugWarning.drug_id).where(DrugWarning.source_id == sid),
        )
        .subquery()
    )
    drug_slugs = session.scalars(
        select(Drug.slug).where(Drug.id.in_(select(drug_ids.c.drug_id))).order_by(Drug.slug)
    ).all()
    backs = SourceBacking(
        drugs=len(drug_slugs),
        drug_effects=_scalar(
            session,
            select(func.count(distinct(Evidence.drug_effect_id))).where(Evidence.source_id == sid),
        ),
        evidence=_scalar(session, select(func.count()).where(Evidence.source_id == sid)),
        drug_uses=_scalar(session, select(func.count()).where(DrugUse.source_id == sid)),
        warnings=_scalar(session, select(func.count()).where(DrugWarning.source_id == sid)),
        effect_facts=_scalar(session, select(func.count()).where(EffectFact.source_id == sid)),
    )
    summary = SourceSummary.model_validate(source)
    return SourceDetail(
        **summary.model_dump(),
        summary=source.summary,
        document=source.document,
        backs=backs,
        drug_slugs=list(drug_slugs[:MAX_DRUG_SLUGS]),
    )


def _scalar(session: Session, stmt: object) -> int:
    return int(session.scalar(stmt) or 0)  # type: ignore[call-overload]
