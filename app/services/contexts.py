"""One drug, each of its effects with side effect / withdrawal / overdose side by side."""

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.enums import BodySystem, Context
from app.models import DrugEffect, Effect
from app.schemas.comparison import ContextRow, DrugContexts
from app.schemas.drug import DrugRef
from app.services.records import EFFECT_COLUMNS, context_records, effect_summary
from app.services.resolve import resolve_drug


def drug_contexts(
    session: Session,
    drug: str,
    *,
    body_system: BodySystem | None,
    multi_context_only: bool,
    limit: int,
    offset: int,
) -> DrugContexts:
    """Rows ordered: effects known in more contexts first, then by incidence, then by name."""
    ref = resolve_drug(session, drug)
    contexts = func.count(DrugEffect.id)
    stmt = (
        select(Effect.id, *EFFECT_COLUMNS)
        .join(DrugEffect, DrugEffect.effect_id == Effect.id)
        .where(DrugEffect.drug_id == ref.id)
        .group_by(Effect.id, *EFFECT_COLUMNS)
    )
    if body_system:
        stmt = stmt.where(Effect.body_system == body_system)
    if multi_context_only:
        stmt = stmt.having(contexts > 1)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    effects = session.execute(
        stmt.order_by(
            contexts.desc(), func.max(DrugEffect.incidence_rank).desc(), Effect.name, Effect.id
        )
        .limit(limit)
        .offset(offset)
    ).all()
    records = session.scalars(
        select(DrugEffect).where(
            DrugEffect.drug_id == ref.id, DrugEffect.effect_id.in_([e.id for e in effects])
        )
    ).all()
    by_effect: dict[int, dict[Context, object]] = defaultdict(dict)
    for record, full in zip(records, context_records(session, records), strict=True):
        by_effect[record.effect_id][record.context] = full
    items = [
        ContextRow.model_validate(
            {"effect": effect_summary(e), **{str(c): by_effect[e.id].get(c) for c in Context}}
        )
        for e in effects
    ]
    return DrugContexts(
        drug=DrugRef(slug=ref.slug, name=ref.name),
        items=items,
        total=total,
        limit=limit,
        offset=offset,
    )
