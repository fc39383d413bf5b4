"""The names effects already have, as keys: what a loader adding aliases must not reuse (a word
that names another effect is never an alias: identity by code, not by name)."""

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Alias, Effect


def effect_names(session: Session) -> dict[str, set[int]]:
    """Name key -> the effects it names: their names, MedDRA terms and aliases."""
    names: dict[str, set[int]] = defaultdict(set)
    for effect_id, key, meddra_key in session.execute(
        select(Effect.id, Effect.key, Effect.meddra_key)
    ):
        for k in (key, meddra_key):
            if k:
                names[k].add(effect_id)
    for key, owner in session.execute(
        select(Alias.key, Alias.effect_id).where(Alias.effect_id.isnot(None))
    ):
        if owner is not None:
            names[key].add(owner)
    return names
