"""Name keys recomputed with the current rule on every load (app.name_keys.name_key).

A key is derived from a name: the loaders store it so lookups compare keys in SQL. When the
rule changes (British spellings read as American ones), rows a loader does not write again
would keep keys in the old rule: SIDER's drugs and effects are matched by code and kept, not
rewritten, so "anemia" would find a fresh database's Anaemia and not an upgraded one's. So
every load rekeys what changed. An alias whose new key another alias of the same owner
already has is redundant under the new rule and keeps its old key (the unique index holds).
"""

from collections.abc import Callable
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from app.models import Alias, Drug, DrugClass, Effect
from app.name_keys import ingredient_key, name_key

CHUNK = 5000


def rekey(session: Session) -> int:
    """Recompute every stored key; returns how many rows changed."""
    changed = 0
    for model, column, source, rule in (
        (Drug, "key", "name", name_key),
        (Drug, "ingredient_key", "name", ingredient_key),
        (DrugClass, "key", "name", name_key),
        (Effect, "key", "name", name_key),
        (Effect, "meddra_key", "meddra_term", name_key),
    ):
        changed += _rekey(session, model, column, source, rule)
    changed += _rekey_aliases(session)
    return changed


def _rekey(
    session: Session, model: Any, column: str, source: str, rule: Callable[[str], str]
) -> int:
    rows = session.connection().execute(
        select(model.id, getattr(model, source), getattr(model, column))
    )
    stale = [
        {"row_id": id_, "new": rule(name)}
        for id_, name, key in rows
        if name is not None and rule(name) != key
    ]
    _write(session, model, column, stale)
    return len(stale)


def _rekey_aliases(session: Session) -> int:
    rows = (
        session.connection()
        .execute(
            select(Alias.id, Alias.name, Alias.key, Alias.drug_id, Alias.effect_id, Alias.class_id)
        )
        .all()
    )
    taken = {(key, drug, effect, klass) for _, _, key, drug, effect, klass in rows}
    stale = []
    for id_, name, key, drug, effect, klass in rows:
        new = name_key(name)
        if new != key and (new, drug, effect, klass) not in taken:
            taken.add((new, drug, effect, klass))
            stale.append({"row_id": id_, "new": new})
    _write(session, Alias, "key", stale)
    return len(stale)


def _write(session: Session, model: Any, column: str, rows: list[dict[str, Any]]) -> None:
    statement = (
        update(model.__table__)
        .where(model.__table__.c.id == bindparam("row_id"))
        .values({column: bindparam("new")})
    )
    for start in range(0, len(rows), CHUNK):
        session.connection().execute(statement, rows[start : start + CHUNK])
