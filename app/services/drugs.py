"""Drug list and drug detail."""

from collections import defaultdict

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.enums import AliasKind, Context
from app.models import Alias, Drug, DrugCitation, DrugEffect, DrugUse, DrugWarning, Source
from app.schemas.common import Page
from app.schemas.drug import (
    AliasRead,
    AttributeCitation,
    Dependence,
    DrugDetail,
    DrugSummary,
    DrugUseRead,
    EffectCounts,
    Identifiers,
    WarningRead,
)
from app.services.pages import count
from app.services.resolve import resolve_drug
from app.text import like_pattern, name_key


def list_drugs(
    session: Session, *, q: str | None, drug_class: str | None, limit: int, offset: int
) -> Page[DrugSummary]:
    stmt = select(Drug.id, Drug.slug, Drug.name, Drug.drug_class, Drug.dependence_risk)
    if q:
        pattern = like_pattern(q)
        alias_match = select(Alias.drug_id).where(Alias.key.like(pattern, escape="\\"))
        stmt = stmt.where(
            or_(
                func.lower(Drug.name).like(pattern, escape="\\"),
                Drug.slug.like(pattern, escape="\\"),
                Drug.id.in_(alias_match),
            )
        )
    if drug_class:
        stmt = stmt.where(func.lower(Drug.drug_class) == name_key(drug_class))
    total = count(session, stmt)
    rows = session.execute(stmt.order_by(Drug.name, Drug.id).limit(limit).offset(offset)).all()
    brands = _brand_names(session, [r.id for r in rows])
    items = [
        DrugSummary(
            slug=r.slug,
            name=r.name,
            drug_class=r.drug_class,
            dependence_risk=r.dependence_risk,
            brand_names=brands.get(r.id, []),
        )
        for r in rows
    ]
    return Page(items=items, total=total, limit=limit, offset=offset)


def get_drug_detail(session: Session, name: str) -> DrugDetail:
    ref = resolve_drug(session, name)
    drug = session.get_one(Drug, ref.id)
    aliases = session.execute(
        select(Alias.name, Alias.kind)
        .where(Alias.drug_id == ref.id)
        .order_by(Alias.kind, Alias.name)
    ).all()
    uses = session.execute(
        select(DrugUse, Source.slug)
        .join(Source, Source.id == DrugUse.source_id)
        .where(DrugUse.drug_id == ref.id)
        .order_by(DrugUse.id)
    ).all()
    warnings = session.execute(
        select(DrugWarning, Source.slug)
        .join(Source, Source.id == DrugWarning.source_id)
        .where(DrugWarning.drug_id == ref.id)
        .order_by(DrugWarning.id)
    ).all()
    citations = session.execute(
        select(DrugCitation.attribute, DrugCitation.section, Source.slug)
        .join(Source, Source.id == DrugCitation.source_id)
        .where(DrugCitation.drug_id == ref.id)
        .order_by(DrugCitation.id)
    ).all()
    counts = session.execute(
        select(DrugEffect.context, func.count())
        .where(DrugEffect.drug_id == ref.id)
        .group_by(DrugEffect.context)
    ).all()
    per_context: dict[str, int] = {str(c): 0 for c in Context}
    per_context.update({str(ctx): n for ctx, n in counts})
    return DrugDetail(
        slug=drug.slug,
        name=drug.name,
        drug_class=drug.drug_class,
        mechanism=drug.mechanism,
        controlled_substance=drug.controlled_substance,
        dependence=Dependence(risk=drug.dependence_risk, note=drug.dependence_note),
        sedation_potential=drug.sedation_potential,
        common_use=drug.common_use,
        onset_of_action=drug.onset_of_action,
        formulations=list(drug.formulations or []),
        description=drug.description,
        identifiers=Identifiers(
            pubchem_cid=drug.pubchem_cid, atc_code=drug.atc_code, rxcui=drug.rxcui
        ),
        aliases=[AliasRead(name=a.name, kind=a.kind) for a in aliases],
        uses=[
            DrugUseRead(
                condition=u.condition,
                line_of_therapy=u.line_of_therapy,
                note=u.note,
                source=slug,
                section=u.section,
            )
            for u, slug in uses
        ],
        warnings=[
            WarningRead(kind=w.kind, title=w.title, text=w.text, source=slug, section=w.section)
            for w, slug in warnings
        ],
        effect_counts=EffectCounts(**per_context),
        citations=[
            AttributeCitation(attribute=c.attribute, source=c.slug, section=c.section)
            for c in citations
        ],
    )


def _brand_names(session: Session, drug_ids: list[int]) -> dict[int, list[str]]:
    if not drug_ids:
        return {}
    rows = session.execute(
        select(Alias.drug_id, Alias.name)
        .where(Alias.drug_id.in_(drug_ids), Alias.kind == AliasKind.brand)
        .order_by(Alias.name)
    ).all()
    out: dict[int, list[str]] = defaultdict(list)
    for drug_id, name in rows:
        if drug_id is not None:
            out[drug_id].append(name)
    return out
