"""Effect list, effect detail and the reverse lookup (which drugs have this effect)."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.enums import BodySystem, Context
from app.models import Alias, DrugEffect, Effect, EffectFact
from app.readmodel import (
    EFFECT_COLUMNS,
    RecordPage,
    cited,
    cites_of,
    effect_ref,
    get,
    page_of,
    record_page,
)
from app.schemas.common import EffectRef, Page
from app.schemas.effect import EffectDetail
from app.services.drug_effects import RecordFilters, ranked_page
from app.services.names.list_filter import listed_ids
from app.services.names.resolve import resolve_effect
from app.services.terms import best_per_drug_and_context, term_matches


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


def effect_counts(session: Session, column: Any, keys: list[int]) -> dict[int, dict[str, int]]:
    """Records per context (unflagged) and flagged ones, of each drug or effect KEYS."""
    rows = session.execute(
        select(column, DrugEffect.context, DrugEffect.flag.isnot(None), func.count())
        .where(column.in_(keys))
        .group_by(column, DrugEffect.context, DrugEffect.flag.isnot(None))
    )
    counts = {k: dict.fromkeys([*(c.value for c in Context), "flagged"], 0) for k in keys}
    for key, context, flagged, n in rows:
        counts[key]["flagged" if flagged else context.value] += n
    return counts


def get_effect_detail(session: Session, name: str) -> EffectDetail:
    return effect_details(session, [resolve_effect(session, name).id])[0]


def effect_details(session: Session, ids: list[int]) -> list[EffectDetail]:
    """The details of the effects IDS, in that order, in ten statements whatever their number
    (the export reads 200 at a time; one by one it took seven statements an effect)."""
    effects = {e.id: e for e in session.scalars(select(Effect).where(Effect.id.in_(ids)))}
    cites = cites_of(session, "effect_id", ids)
    aliases = grouped(
        session.execute(
            select(Alias.effect_id, Alias.id, Alias.name, Alias.kind)
            .where(Alias.effect_id.in_(ids))
            .order_by(Alias.name, Alias.id)
        )
    )
    alias_cites = cites_of(session, "alias_id", [a.id for rs in aliases.values() for a in rs])
    facts = grouped(
        session.execute(
            select(EffectFact.effect_id, EffectFact.id, EffectFact.aspect, EffectFact.text)
            .where(EffectFact.effect_id.in_(ids))
            .order_by(EffectFact.aspect, EffectFact.position)
        )
    )
    fact_cites = cites_of(session, "effect_fact_id", [f.id for rs in facts.values() for f in rs])
    broader_ids = {e.broader_id for e in effects.values() if e.broader_id is not None}
    heads = {
        r.id: effect_ref(r)
        for r in session.execute(
            select(Effect.id, *EFFECT_COLUMNS).where(Effect.id.in_(sorted(broader_ids)))
        )
    }
    narrower = grouped(
        session.execute(
            select(Effect.broader_id, Effect.id, *EFFECT_COLUMNS)
            .where(Effect.broader_id.in_(ids))
            .order_by(Effect.name, Effect.slug)
        )
    )
    # A narrower term's relation is cited on it (its `broader` part), as this one's broader.
    narrower_cites = cites_of(session, "effect_id", [n.id for ns in narrower.values() for n in ns])
    counts = effect_counts(session, DrugEffect.effect_id, ids)
    out = []
    for i in ids:
        effect = effects[i]
        profile: dict[str, list[dict[str, object]]] = defaultdict(list)
        for f in facts.get(i, []):
            profile[f.aspect].append({"text": f.text, "cites": get(fact_cites, f.id)})
        broader = None
        if effect.broader_id is not None:
            broader = {"effect": heads[effect.broader_id], "cites": get(cites, i, "broader")}
        codes = None
        if effect.umls_cui is not None:
            codes = {
                "umls_cui": effect.umls_cui,
                "meddra_term": effect.meddra_term,
                "level": effect.meddra_level,
                "meddra_code": effect.meddra_code,
                "cites": get(cites, i, "codes"),
            }
        out.append(
            EffectDetail(
                slug=effect.slug,
                name=effect.name,
                kind=effect.kind,
                body_system=effect.body_system,
                body_system_approximate=effect.body_system_approximate,
                body_system_cites=get(cites, i, "body_system"),
                description=cited(effect.description, get(cites, i, "description")),
                codes=codes,
                broader=broader,
                narrower=[
                    {"effect": effect_ref(n), "cites": get(narrower_cites, n.id, "broader")}
                    for n in narrower.get(i, [])
                ],
                aliases=[
                    {"name": a.name, "kind": a.kind, "cites": get(alias_cites, a.id)}
                    for a in aliases.get(i, [])
                ],
                profile=[{"aspect": a, "facts": fs} for a, fs in profile.items()],
                drug_counts=counts[i],
            )
        )
    return out


def grouped(rows: Iterable[Any]) -> dict[int, list[Any]]:
    """Rows whose first column is an owner's id, as lists per owner, in the rows' order."""
    out: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        out[row[0]].append(row)
    return out


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
