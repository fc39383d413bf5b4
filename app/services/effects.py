"""Effect list, effect detail and the reverse lookup (which drugs have this effect)."""

from collections import defaultdict

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.enums import INCIDENCE_RANK, BodySystem, Context, IncidenceBand
from app.models import (
    Alias,
    Drug,
    DrugEffect,
    Effect,
    EffectCitation,
    EffectFact,
    EffectRelation,
    Source,
)
from app.schemas.common import Citation, Page
from app.schemas.drug import AliasRead, DrugRef
from app.schemas.effect import (
    EffectCodes,
    EffectDetail,
    EffectDrugRow,
    EffectSummary,
    ProfileFact,
    ProfileSection,
)
from app.services.drug_effects import backed_by
from app.services.pages import count
from app.services.records import (
    EFFECT_COLUMNS,
    SUMMARY_COLUMNS,
    effect_summary,
    evidence_sources,
    incidence,
)
from app.services.resolve import resolve_effect
from app.text import like_pattern


def list_effects(
    session: Session, *, q: str | None, body_system: BodySystem | None, limit: int, offset: int
) -> Page[EffectSummary]:
    stmt = select(*EFFECT_COLUMNS)
    if q:
        pattern = like_pattern(q)
        alias_match = select(Alias.effect_id).where(Alias.key.like(pattern, escape="\\"))
        stmt = stmt.where(
            or_(
                func.lower(Effect.name).like(pattern, escape="\\"),
                Effect.slug.like(pattern, escape="\\"),
                Effect.id.in_(alias_match),
            )
        )
    if body_system:
        stmt = stmt.where(Effect.body_system == body_system)
    total = count(session, stmt)
    rows = session.execute(
        stmt.order_by(Effect.name, Effect.slug).limit(limit).offset(offset)
    ).all()
    return Page(items=[effect_summary(r) for r in rows], total=total, limit=limit, offset=offset)


def get_effect_detail(session: Session, name: str) -> EffectDetail:
    ref = resolve_effect(session, name)
    effect = session.get_one(Effect, ref.id)
    aliases = session.execute(
        select(Alias.name, Alias.kind).where(Alias.effect_id == ref.id).order_by(Alias.name)
    ).all()
    facts = session.execute(
        select(EffectFact.aspect, EffectFact.text, EffectFact.section, Source.slug)
        .join(Source, Source.id == EffectFact.source_id)
        .where(EffectFact.effect_id == ref.id)
        .order_by(EffectFact.aspect, EffectFact.position)
    ).all()
    related = session.execute(
        select(*EFFECT_COLUMNS)
        .join(EffectRelation, EffectRelation.related_id == Effect.id)
        .where(EffectRelation.effect_id == ref.id)
        .order_by(Effect.name)
    ).all()
    citations = session.execute(
        select(Source.slug, EffectCitation.section)
        .join(Source, Source.id == EffectCitation.source_id)
        .where(EffectCitation.effect_id == ref.id)
        .distinct()
        .order_by(Source.slug, EffectCitation.section)
    ).all()
    counts = session.execute(
        select(DrugEffect.context, func.count())
        .where(DrugEffect.effect_id == ref.id)
        .group_by(DrugEffect.context)
    ).all()
    grouped: dict[str, list[ProfileFact]] = defaultdict(list)
    for f in facts:
        grouped[f.aspect].append(ProfileFact(text=f.text, source=f.slug, section=f.section))
    drug_counts = dict.fromkeys(Context, 0) | {Context(ctx): n for ctx, n in counts}
    return EffectDetail(
        slug=effect.slug,
        name=effect.name,
        kind=effect.kind,
        body_system=effect.body_system,
        description=effect.description,
        codes=EffectCodes(umls_cui=effect.umls_cui, meddra_term=effect.meddra_term),
        aliases=[AliasRead(name=a.name, kind=a.kind) for a in aliases],
        profile=[ProfileSection(aspect=a, facts=fs) for a, fs in grouped.items()],
        related=[effect_summary(r) for r in related],
        citations=[Citation(source=c.slug, section=c.section) for c in citations],
        drug_counts=drug_counts,
    )


def drugs_for_effect(
    session: Session,
    effect: str,
    *,
    context: Context | None,
    min_incidence: IncidenceBand | None,
    source: str | None,
    limit: int,
    offset: int,
) -> Page[EffectDrugRow]:
    ref = resolve_effect(session, effect)
    stmt = (
        select(*SUMMARY_COLUMNS, Drug.slug, Drug.name, func.count().over().label("total"))
        .join(Drug, Drug.id == DrugEffect.drug_id)
        .where(DrugEffect.effect_id == ref.id)
    )
    if context:
        stmt = stmt.where(DrugEffect.context == context)
    if min_incidence:
        stmt = stmt.where(DrugEffect.incidence_rank >= INCIDENCE_RANK[min_incidence])
    if source:
        stmt = stmt.where(DrugEffect.id.in_(backed_by(session, source)))
    rows = session.execute(
        stmt.order_by(
            DrugEffect.incidence_rank.desc(),
            DrugEffect.frequency.is_(None),
            DrugEffect.frequency.desc(),
            Drug.name,
            DrugEffect.context,
        )
        .limit(limit)
        .offset(offset)
    ).all()
    total = rows[0].total if rows else (count(session, stmt) if offset else 0)
    sources = evidence_sources(session, [r.id for r in rows])
    items = [
        EffectDrugRow(
            drug=DrugRef(slug=r.slug, name=r.name),
            context=r.context,
            incidence=incidence(r),
            severity=r.severity,
            sources=sources.get(r.id, []),
        )
        for r in rows
    ]
    return Page(items=items, total=total, limit=limit, offset=offset)
