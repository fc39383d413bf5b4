"""Effect list, effect detail and the reverse lookup (which drugs have this effect)."""

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.enums import BodySystem, Context
from app.models import Alias, DrugEffect, Effect, EffectFact
from app.schemas.common import EffectRef, Page
from app.schemas.effect import EffectDetail
from app.services.citations import cited, cites_of, get
from app.services.drug_effects import RecordFilters, ranked_page
from app.services.names import resolve_effect
from app.services.pages import RecordPage, page_of, record_page
from app.services.records import EFFECT_COLUMNS, effect_ref
from app.services.terms import best_per_drug_and_context, term_matches
from app.services.text_filter import listed_ids


def list_effects(
    session: Session, *, q: str | None, body_system: BodySystem | None, limit: int, offset: int
) -> Page[EffectRef]:
    stmt = listed_ids(Effect, Alias.effect_id, q)
    if body_system:
        stmt = stmt.where(Effect.body_system == body_system)
    ordered = stmt.order_by(Effect.name, Effect.slug)

    def build(ids: list[int]) -> list[EffectRef]:
        rows = {
            r.id: r
            for r in session.execute(select(Effect.id, *EFFECT_COLUMNS).where(Effect.id.in_(ids)))
        }
        return [effect_ref(rows[i]) for i in ids]

    return page_of(session, stmt, ordered, limit, offset, build)


def effect_counts(session: Session, column: Any, key: int) -> dict[str, int]:
    """Records per context (unflagged) and flagged ones, of a drug or an effect."""
    rows = session.execute(
        select(DrugEffect.context, DrugEffect.flag.isnot(None), func.count())
        .where(column == key)
        .group_by(DrugEffect.context, DrugEffect.flag.isnot(None))
    )
    counts = dict.fromkeys([*(c.value for c in Context), "flagged"], 0)
    for context, flagged, n in rows:
        counts["flagged" if flagged else context.value] += n
    return counts


def get_effect_detail(session: Session, name: str) -> EffectDetail:
    ref = resolve_effect(session, name)
    effect = session.get_one(Effect, ref.id)
    cites = cites_of(session, "effect_id", [ref.id])
    aliases = session.execute(
        select(Alias.id, Alias.name, Alias.kind)
        .where(Alias.effect_id == ref.id)
        .order_by(Alias.name)
    ).all()
    alias_cites = cites_of(session, "alias_id", [a.id for a in aliases])
    facts = session.execute(
        select(EffectFact.id, EffectFact.aspect, EffectFact.text)
        .where(EffectFact.effect_id == ref.id)
        .order_by(EffectFact.aspect, EffectFact.position)
    ).all()
    fact_cites = cites_of(session, "effect_fact_id", [f.id for f in facts])
    profile: dict[str, list[dict[str, object]]] = defaultdict(list)
    for f in facts:
        profile[f.aspect].append({"text": f.text, "cites": get(fact_cites, f.id)})
    broader = None
    if effect.broader_id is not None:
        head = session.execute(select(*EFFECT_COLUMNS).where(Effect.id == effect.broader_id)).one()
        broader = {"effect": effect_ref(head), "cites": get(cites, ref.id, "broader")}
    narrower = session.execute(
        select(*EFFECT_COLUMNS).where(Effect.broader_id == ref.id).order_by(Effect.name)
    ).all()
    codes = None
    if effect.umls_cui is not None:
        codes = {
            "umls_cui": effect.umls_cui,
            "meddra_term": effect.meddra_term,
            "level": effect.meddra_level,
            "cites": get(cites, ref.id, "codes"),
        }
    return EffectDetail(
        slug=effect.slug,
        name=effect.name,
        kind=effect.kind,
        body_system=effect.body_system,
        description=cited(effect.description, get(cites, ref.id, "description")),
        codes=codes,
        broader=broader,
        narrower=[effect_ref(n) for n in narrower],
        aliases=[
            {"name": a.name, "kind": a.kind, "cites": get(alias_cites, a.id)} for a in aliases
        ],
        profile=[{"aspect": a, "facts": fs} for a, fs in profile.items()],
        drug_counts=effect_counts(session, DrugEffect.effect_id, ref.id),
    )


def drugs_for_effect(
    session: Session,
    effect: str,
    filters: RecordFilters,
    *,
    exact_only: bool,
    limit: int,
    offset: int,
) -> RecordPage:
    """Reverse lookup: per drug and context the record of this effect, else of a narrower,
    else of the broader term (marked); most frequent first."""
    ref = resolve_effect(session, effect)
    matches = term_matches(session, ref.id)
    if exact_only:
        matches = matches.only_exact()
    if len(matches.by_effect) == 1:  # no other term answers: the precomputed order, a range
        return ranked_page(session, "effect", ref.id, filters, limit=limit, offset=offset)
    picked = best_per_drug_and_context(matches, *filters.where(session))

    return record_page(
        session, picked, picked, limit, offset, lambda ids: matches.marks(session, ids)
    )
