"""Names and sources held in process, rebuilt when the data changes.

Path lookups (`Klonopin` -> clonazepam), search and source slugs read this instead of querying
on every request. Its fingerprint (data version + highest ids) is re-read at most every
`ttl` seconds, so loads show on every worker within a second.
"""

import threading
import time
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Alias, Drug, Effect, Source
from app.services.meta import data_version
from app.services.name_index import Entry, NameIndex
from app.text import name_key

_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Ref:
    id: int
    slug: str
    name: str


@dataclass
class Catalog:
    fingerprint: str
    drugs: dict[str, dict[int, Ref]] = field(default_factory=dict)  # name key -> refs
    effects: dict[str, dict[int, Ref]] = field(default_factory=dict)
    drug_slugs: dict[str, Ref] = field(default_factory=dict)
    effect_slugs: dict[str, Ref] = field(default_factory=dict)
    sources: dict[int, str] = field(default_factory=dict)  # id -> slug
    entries: list[Entry] = field(default_factory=list)
    _index: NameIndex | None = None

    @property
    def index(self) -> NameIndex:
        if self._index is None:  # built on first search only: path lookups do not need it
            with _lock:
                if self._index is None:
                    self._index = NameIndex(self.entries)
        return self._index


@dataclass
class _State:
    catalog: Catalog | None = None
    checked_at: float = 0.0


# One catalog per database: keyed by the session's bind (the engine; a test's connection).
_states: WeakKeyDictionary[object, _State] = WeakKeyDictionary()
_ttl = [1.0]


def configure(ttl: float) -> None:
    _ttl[0] = ttl


def catalog(session: Session) -> Catalog:
    state = _states.get(bind := session.get_bind())
    if state is None:
        state = _states.setdefault(bind, _State())
    now = time.monotonic()
    if state.catalog is not None and now - state.checked_at < _ttl[0]:
        return state.catalog
    fingerprint = _fingerprint(session)
    if state.catalog is None or state.catalog.fingerprint != fingerprint:
        with _lock:
            if state.catalog is None or state.catalog.fingerprint != fingerprint:
                state.catalog = _load(session, fingerprint)
    state.checked_at = now
    return state.catalog


def _fingerprint(session: Session) -> str:
    # The data version changes on every load; the max ids also catch rows added in between.
    ids = session.execute(
        select(
            select(func.max(Drug.id)).scalar_subquery(),
            select(func.max(Effect.id)).scalar_subquery(),
            select(func.max(Alias.id)).scalar_subquery(),
            select(func.count(Alias.id)).scalar_subquery(),
        )
    ).one()
    return f"{data_version(session)}:{':'.join(map(str, ids))}"


def _load(session: Session, fingerprint: str) -> Catalog:
    cat = Catalog(fingerprint)
    cat.sources = dict(session.execute(select(Source.id, Source.slug)).all())
    for type_, model, fk, by_key, by_slug in (
        ("drug", Drug, Alias.drug_id, cat.drugs, cat.drug_slugs),
        ("effect", Effect, Alias.effect_id, cat.effects, cat.effect_slugs),
    ):
        refs: dict[int, Ref] = {}
        for id_, slug, name in session.execute(select(model.id, model.slug, model.name)):
            refs[id_] = by_slug[slug] = Ref(id_, slug, name)
            cat.entries.append(Entry(type_, slug, name, name, None))
            if slug != name.lower():
                cat.entries.append(Entry(type_, slug, name, slug.replace("-", " "), None))
        for owner, alias, kind in session.execute(
            select(fk, Alias.name, Alias.kind).where(fk.isnot(None))
        ):
            if owner is None:
                continue
            ref = refs[owner]
            by_key.setdefault(name_key(alias), {})[owner] = ref
            cat.entries.append(Entry(type_, ref.slug, ref.name, alias, str(kind)))
    return cat
