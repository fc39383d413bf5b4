"""The seed's effects (effects.yaml): upserted by slug, each with its broader term, its
condition's facts and the citations of what it states. Part of `sidefx seed` (load.py)."""

from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from app.enums import Release
from app.importers.seed.citations import Anchors, add_cited, cite
from app.importers.seed.effect_models import SeedEffect
from app.importers.seed.files import SeedData
from app.importers.seed.upsert import adopt, upsert
from app.models import Effect, EffectFact
from app.name_keys import name_key


def write_effects(session: Session, seed: SeedData, anchors: Anchors) -> dict[str, int]:
    codes = {e.codes.umls_cui: e.slug for e in seed.effects if e.codes}
    adopt(session, Effect, Effect.umls_cui, codes)
    ids = upsert(session, Effect, [_effect_row(e) for e in seed.effects])
    session.execute(delete(EffectFact).where(EffectFact.effect_id.in_(ids.values())))
    for e in seed.effects:
        effect_id = ids[e.slug]
        broader = ids[e.broader.effect] if e.broader else None
        session.execute(update(Effect).where(Effect.id == effect_id).values(broader_id=broader))
        cite(
            session,
            anchors,
            [("description", e.description), ("codes", e.codes), ("broader", e.broader)],
            effect_id=effect_id,
        )
        for aspect, position, fact in e.condition.facts() if e.condition else []:
            row = EffectFact(effect_id=effect_id, aspect=aspect, position=position, text=fact.text)
            add_cited(session, anchors, row, fact, "effect_fact_id")
    return ids


def _effect_row(e: SeedEffect) -> dict[str, Any]:
    codes = e.codes
    return {
        "slug": e.slug,
        "name": e.name,
        "key": name_key(e.name),
        "kind": e.kind,
        "body_system": e.body_system,
        "description": e.description.value if e.description else None,
        "umls_cui": codes.umls_cui if codes else None,
        "meddra_term": codes.meddra_term if codes else None,
        "meddra_key": name_key(codes.meddra_term) if codes else None,
        "meddra_level": codes.level if codes else None,
        "release": Release.seed,
    }
