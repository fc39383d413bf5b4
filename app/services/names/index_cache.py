"""The in-process name index for search and suggestions, one per data version.

Built in the background when a worker starts and whenever the data version changes (the
lifespan's `DataVersion.follow`; the data version is its only invalidation signal), and shared
by every request of that version. A request that finds no index of its version builds it, or, while
another thread is building it, waits at most `WAIT_FOR_BUILD` seconds and then answers 503:
requests must not queue behind a build that takes seconds at many times SIDER's size (each
waiting request would hold one of the few database threads). Path lookups do not use the index:
they resolve by SQL in the request's own snapshot (resolve.py).
"""

import logging
import threading
import time
from weakref import WeakKeyDictionary

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Alias, Drug, Effect
from app.name_keys import name_key, slug_key
from app.problems.exceptions import NameIndexBuilding
from app.services.meta import data_version
from app.services.names.index import Entry, NameIndex

logger = logging.getLogger(__name__)
WAIT_FOR_BUILD = 2.0  # seconds
_lock = threading.Lock()
# One index per database (keyed by the session's bind: an engine, or a test's connection).
_indexes: WeakKeyDictionary[object, tuple[str, NameIndex]] = WeakKeyDictionary()


def name_index(session: Session, *, wait: float | None = None) -> NameIndex:
    """The index of the session's data version: held, built here, or NameIndexBuilding after
    WAIT seconds (default WAIT_FOR_BUILD) of another thread's build."""
    version, bind = data_version(session), session.get_bind()
    held = _indexes.get(bind)
    if held is not None and held[0] == version:
        return held[1]
    if not _lock.acquire(timeout=WAIT_FOR_BUILD if wait is None else wait):
        raise NameIndexBuilding()
    try:
        held = _indexes.get(bind)
        if held is None or held[0] != version:
            started = time.perf_counter()
            held = _indexes[bind] = (version, NameIndex(_entries(session)))
            logger.info(
                "name index built",
                extra={"names": len(held[1].entries), "seconds": time.perf_counter() - started},
            )
        return held[1]
    finally:
        _lock.release()


def warm(session: Session) -> None:
    """Build the index of the current data version unless it is held (a background job)."""
    name_index(session, wait=3600)


def _entries(session: Session) -> list[Entry]:
    """Every name with the key the loaders stored for it (name_key: no re-normalising here)."""
    entries: list[Entry] = []
    names: dict[tuple[str, int], tuple[str, str]] = {}
    for type_, model in (("drug", Drug), ("effect", Effect)):
        for id_, slug, name, key in session.execute(
            select(model.id, model.slug, model.name, model.key)
        ):
            names[type_, id_] = (slug, name)
            entries.append(Entry(type_, slug, name, name, None, key))
            if (spelled := slug_key(slug)) != name.casefold():
                entries.append(Entry(type_, slug, name, spelled, None, name_key(spelled)))
    for slug, name, term, term_key in session.execute(
        select(Effect.slug, Effect.name, Effect.meddra_term, Effect.meddra_key).where(
            Effect.meddra_term.isnot(None), Effect.meddra_key != Effect.key
        )
    ):
        entries.append(Entry("effect", slug, name, term or name, "meddra_term", term_key or ""))
    for drug_id, effect_id, alias, kind, key in session.execute(
        select(Alias.drug_id, Alias.effect_id, Alias.name, Alias.kind, Alias.key).where(
            Alias.class_id.is_(None)
        )
    ):
        owner = ("drug", drug_id) if drug_id is not None else ("effect", effect_id)
        if owner[1] is None:
            continue
        slug, name = names[owner[0], owner[1]]
        entries.append(Entry(owner[0], slug, name, alias, kind.value, key))
    return entries
