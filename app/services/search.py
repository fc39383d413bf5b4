"""`/v1/search`: ranked names across drugs and effects, from an index cached per data version."""

import threading

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Alias, Drug, Effect
from app.schemas.search import SearchHit, SearchResults
from app.services.meta import data_version
from app.services.name_index import Entry, NameIndex

_lock = threading.Lock()
_cache: dict[str, NameIndex] = {}


def search(session: Session, q: str, *, type: str | None, limit: int) -> SearchResults:
    matches = name_index(session).search(q, type=type, limit=limit)
    return SearchResults(
        query=q,
        items=[
            SearchHit(
                type=m.entry.type,
                slug=m.entry.slug,
                name=m.entry.name,
                matched=m.entry.matched,
                match=m.kind,
                alias_kind=m.entry.alias_kind,
                score=m.score,
            )
            for m in matches
        ],
    )


def name_index(session: Session) -> NameIndex:
    """The index for the data now in the database; rebuilt when the data changes."""
    version = _fingerprint(session)
    index = _cache.get(version)
    if index is None:
        with _lock:
            index = _cache.get(version)
            if index is None:
                index = NameIndex(_entries(session))
                _cache.clear()  # one version at a time: old indexes are garbage
                _cache[version] = index
    return index


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


def _entries(session: Session) -> list[Entry]:
    entries: list[Entry] = []
    for type_, model, fk in (("drug", Drug, Alias.drug_id), ("effect", Effect, Alias.effect_id)):
        for slug, name in session.execute(select(model.slug, model.name)):
            entries.append(Entry(type_, slug, name, name, None))
            if slug != name.lower():
                entries.append(Entry(type_, slug, name, slug.replace("-", " "), None))
        for slug, name, alias, kind in session.execute(
            select(model.slug, model.name, Alias.name, Alias.kind).join(Alias, fk == model.id)
        ):
            entries.append(Entry(type_, slug, name, alias, str(kind)))
    return entries
