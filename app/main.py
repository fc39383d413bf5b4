"""Application factory: the lifespan builds the engine; routers, middleware, error handlers."""

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from anyio import to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi_offline import FastAPIOffline
from starlette.types import Scope

from app.api import API_PREFIX, health_router, resource_routers
from app.config import Settings, get_settings
from app.db import Database, make_engine
from app.errors import install_error_handlers
from app.http_cache import ConditionalGetMiddleware, ResponseCacheMiddleware
from app.logging_config import configure_logging
from app.middleware import EdgeMiddleware
from app.openapi import install_openapi
from app.schemas.common import DISCLAIMER
from app.services import catalog
from app.services.meta import VersionCache, data_version

logger = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent

DESCRIPTION = f"""
Drug side effects **in context**: during regular use (`side_effect`), after stopping or lowering
the dose (`withdrawal`), or in `overdose` — how often, how soon, how severe, what helps — and
which source says so.

`{{drug}}` and `{{effect}}` accept a slug, a generic or brand name, or a synonym, in any letter
case. Errors are RFC 9457 `application/problem+json`. Lists take `limit` (1-100) and `offset`
and carry a `Link` header.

**Disclaimer.** {DISCLAIMER}
"""


def migration_scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(Config(str(ROOT / "alembic.ini")))


def attach_database(app: FastAPI, database: Database) -> None:
    """Give the app its database (the lifespan does this; tests hand in their own)."""
    settings: Settings = app.state.settings
    app.state.database = database
    catalog.configure(settings.data_version_ttl)
    app.state.data_version = VersionCache(
        lambda: database.run(data_version), settings.data_version_ttl
    )


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    if getattr(app.state, "database", None) is not None:  # handed in by an embedding test
        yield
        return
    settings: Settings = app.state.settings
    engine = make_engine(settings.database_url, echo=settings.sql_echo, settings=settings)
    attach_database(app, Database.for_engine(engine))
    app.state.engine = engine
    # Fewer threads than Starlette's 40: the work is CPU-bound under one GIL, and every thread
    # must find a pooled connection without waiting.
    to_thread.current_default_thread_limiter().total_tokens = settings.threadpool_size
    _warm_up(app.state.database)
    logger.info("sidefx started", extra={"database": engine.url.render_as_string()})
    try:
        yield
    finally:
        app.state.database.close()
        engine.dispose()
        logger.info("sidefx stopped")


def _warm_up(database: Database) -> None:
    """Build the name catalog before the first request rather than during it (at SIDER scale
    that takes a third of a second), then move everything built so far out of the garbage
    collector's way: full collections then skip the long-lived objects instead of walking them."""
    try:
        database.run(catalog.catalog)
    except Exception:  # no database yet: start anyway, requests answer 503 until it is back
        logger.warning("could not build the name catalog at startup", exc_info=True)
    gc.freeze()


def _data_version(scope: Scope) -> str:
    cache: VersionCache = scope["app"].state.data_version
    return cache.get()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_format)
    app = FastAPIOffline(
        title="sidefx",
        version="1.0.0",
        summary="Drug side effects in context, with sources.",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url="/docs" if settings.docs_enabled else None,
        redoc_url="/redoc" if settings.docs_enabled else None,
        # Operation ids become method names in generated clients: plain and stable.
        generate_unique_id_function=lambda route: route.name,
    )
    app.state.settings = settings
    app.state.migrations = migration_scripts()
    for router in resource_routers:
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(health_router)
    # Outermost last: request ids and the disclaimer link wrap everything, 304s included.
    if settings.response_cache:
        app.add_middleware(ResponseCacheMiddleware, version=_data_version)
    app.add_middleware(
        ConditionalGetMiddleware, version=_data_version, max_age=settings.cache_max_age
    )
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "OPTIONS"],
        allow_headers=["If-None-Match", "X-Request-ID"],
        expose_headers=["ETag", "Link", "X-Request-ID"],
        max_age=600,
    )
    app.add_middleware(EdgeMiddleware, metrics_enabled=settings.metrics_enabled)
    install_error_handlers(app)
    install_openapi(app)
    return app
