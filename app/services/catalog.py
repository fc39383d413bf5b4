"""The in-process name index for search and suggestions, one per data version.

Built from the database the first time a request needs it after the data changed (the data
version is its only invalidation signal), then shared by every request of that version.
Path lookups do not use it: they resolve by SQL in the request's own snapshot (names.py).
"""

import threading
from weakref import WeakKeyDictionary

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Alias, Drug, Effect
from app.services.meta import data_version
from app.services.name_index import Entry, NameIndex
from app.text import slug_key

_lock = threading.Lock()
# One index per database (keyed by the session's bind: an engine, or a test's connection).
_indexes: WeakKeyDictionary[object, tuple[str, NameIndex]] = WeakKeyDictionary()


def name_index(session: Session) -> NameIndex:
    version, bind = data_version(session), session.get_bind()
    held = _indexes.get(bind)
    if held is None or held[0] != version:
        with _lock:
            held = _indexes.get(bind)
            if held is None or held[0] != version:
                held = _indexes[bind] = (version, NameIndex(_entries(session)))
    return held[1]


def _entries(session: Session) -> list[Entry]:
    entries: list[Entry] = []
    names: dict[tuple[str, int], tuple[str, str]] = {}
    for type_, model in (("drug", Drug), ("effect", Effect)):
        for id_, slug, name in session.execute(select(model.id, model.slug, model.name)):
            names[type_, id_] = (slug, name)
            entries.append(Entry(type_, slug, name, name, None))
            if slug_key(slug) != name.casefold():
                entries.append(Entry(type_, slug, name, slug_key(slug), None))
    for slug, name, term in session.execute(
        select(Effect.slug, Effect.name, Effect.meddra_term).where(
            Effect.meddra_term.isnot(None), Effect.meddra_key != Effect.key
        )
    ):
        entries.append(Entry("effect", slug, name, term or name, "meddra_term"))
    for drug_id, effect_id, alias, kind in session.execute(
        select(Alias.drug_id, Alias.effect_id, Alias.name, Alias.kind).where(
            Alias.class_id.is_(None)
        )
    ):
        owner = ("drug", drug_id) if drug_id is not None else ("effect", effect_id)
        if owner[1] is None:
            continue
        slug, name = names[owner[0], owner[1]]
        type_ = owner[0]
        entries.append(Entry(type_, slug, name, alias, kind.value))
    return entries
