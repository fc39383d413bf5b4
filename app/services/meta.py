"""Data version, record counts, readiness."""

import hashlib
import threading
import time
from collections.abc import Callable

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.models import DataRelease, Drug, DrugEffect, Effect, Evidence, Source
from app.schemas.common import DISCLAIMER
from app.schemas.drug import SourceSummary
from app.schemas.source import MetaCounts, MetaRead, ReleaseRead

API_VERSION = "1"


def data_version(session: Session) -> str:
    """A short hash of every loaded release; changes whenever the data does."""
    rows = session.execute(
        select(DataRelease.name, DataRelease.checksum).order_by(DataRelease.name)
    ).all()
    digest = hashlib.sha256("|".join(f"{n}:{c}" for n, c in rows).encode()).hexdigest()
    return digest[:16] if rows else "empty"


def get_meta(session: Session) -> MetaRead:
    releases = session.scalars(select(DataRelease).order_by(DataRelease.name)).all()
    sources = session.scalars(select(Source).order_by(Source.slug)).all()

    def n(model: type[object]) -> int:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)

    return MetaRead(
        name="sidefx",
        api_version=API_VERSION,
        data_version=data_version(session),
        releases=[ReleaseRead.model_validate(r) for r in releases],
        counts=MetaCounts(
            drugs=n(Drug),
            effects=n(Effect),
            drug_effects=n(DrugEffect),
            evidence=n(Evidence),
            sources=len(sources),
        ),
        sources=[SourceSummary.model_validate(s) for s in sources],
        disclaimer=DISCLAIMER,
    )


def migration_state(session: Session, script: ScriptDirectory) -> tuple[bool, str]:
    """(at head, description) — raises if the database cannot be reached."""
    session.execute(text("SELECT 1"))
    current = MigrationContext.configure(session.connection()).get_current_heads()
    heads = script.get_heads()
    if set(current) == set(heads):
        return True, f"at migration head {', '.join(heads)}"
    return (
        False,
        f"database at {', '.join(current) or 'no revision'}, code expects {', '.join(heads)}",
    )


class VersionCache:
    """The data version, re-read at most every `ttl` seconds: cheap enough for every request,
    fresh enough that a reload shows on every worker within a second."""

    def __init__(self, read: Callable[[], str], ttl: float) -> None:
        self._read, self._ttl = read, ttl
        self._value, self._expires = "", 0.0
        self._lock = threading.Lock()

    def get(self) -> str:
        """Raises when the database cannot be read: callers then let the route answer (503),
        so cached responses outlive a database outage by at most `ttl` seconds."""
        now = time.monotonic()
        if now >= self._expires:
            with self._lock:
                if now >= self._expires:
                    self._value = self._read()
                    self._expires = now + self._ttl
        return self._value
