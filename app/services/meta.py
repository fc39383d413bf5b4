"""Data version, record counts, readiness."""

import hashlib
from importlib.metadata import version as package_version
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.models import DataRelease, Drug, DrugEffect, Effect, Evidence, Source
from app.schemas.common import DISCLAIMER
from app.schemas.source import MetaCounts, MetaRead, ReleaseRead, SourceSummary

API_VERSION = package_version("sidefx")
# Built once, Core: every request reads it (the ORM statement cost ~0.3 ms a request).
_release: Any = DataRelease.__table__
_RELEASES = select(_release.c.name, _release.c.checksum, _release.c.loaded_at).order_by(
    _release.c.name
)


_VERSIONS: dict[tuple[tuple[Any, ...], ...], str] = {}


def data_version(session: Session) -> str:
    """A short hash of every loaded release and when it was loaded: it changes on every load
    (a forced reload of the same files too), and with it every ETag and the response caches.

    Read once per transaction: the session carries it (`Database.read` reads it first; a
    service asking again in the same call, e.g. for the name index, gets it without a query)."""
    transaction = session.get_transaction()
    held = session.info.get("data_version")
    if held is not None and held[0] is transaction:
        return str(held[1])
    rows = tuple(tuple(row) for row in session.connection().execute(_RELEASES))
    version = _VERSIONS.get(rows)
    if version is None:  # the hash once per set of releases (it cost ~30 us a request)
        text_ = "|".join(f"{n}:{c}:{t.replace(tzinfo=None).isoformat()}" for n, c, t in rows)
        version = hashlib.sha256(text_.encode()).hexdigest()[:16] if rows else "empty"
        if len(_VERSIONS) > 64:
            _VERSIONS.clear()
        _VERSIONS[rows] = version
    session.info["data_version"] = (session.get_transaction(), version)
    return version


def get_meta(session: Session) -> MetaRead:
    releases = session.scalars(select(DataRelease).order_by(DataRelease.name)).all()
    sources = session.scalars(select(Source).order_by(Source.slug)).all()

    def n(model: type[object], *where: object) -> int:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]

    return MetaRead(
        name="sidefx",
        api_version=API_VERSION,
        data_version=data_version(session),
        releases=[ReleaseRead.model_validate(r) for r in releases],
        counts=MetaCounts(
            drugs=n(Drug),
            effects=n(Effect),
            drug_effects=n(DrugEffect),
            flagged=n(DrugEffect, DrugEffect.flag.isnot(None)),
            evidence=n(Evidence),
            sources=len(sources),
        ),
        sources=[SourceSummary.model_validate(s) for s in sources],
        disclaimer=DISCLAIMER,
    )


def migration_state(session: Session, script: ScriptDirectory) -> tuple[bool, str]:
    """(at head, description for the log) — raises if the database cannot be reached."""
    session.execute(text("SELECT 1"))
    current = MigrationContext.configure(session.connection()).get_current_heads()
    heads = script.get_heads()
    if set(current) == set(heads):
        return True, f"at migration head {', '.join(heads)}"
    return (
        False,
        f"database at {', '.join(current) or 'no revision'}, code expects {', '.join(heads)}",
    )
