"""Application factory: the lifespan builds the engine and database; routers, middleware,
error handlers. See docs/architecture.md for the request path."""

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.script import ScriptDirectory
from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi_offline import FastAPIOffline

from app import mcp_http
from app.api import API_PREFIX, cds_hooks, fhir_rest, health_router, resource_routers
from app.config import Settings, get_settings
from app.db import Database, make_engine
from app.edge.canonical_query import QueryDefaults
from app.edge.cors import Cors
from app.edge.http_cache import DataVersion, ReadCache
from app.edge.problem_responses import CatchAll, install_error_handlers
from app.edge.request_context import RequestContext, route_templates
from app.edge.request_limits import BodyLimit, CostlyRoutes
from app.edge.security_headers import SecurityHeaders
from app.logging_config import configure_logging
from app.openapi.document import install_openapi
from app.schemas.common import DISCLAIMER
from app.services.meta import API_VERSION, data_version
from app.services.names import index_cache

logger = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent
# Routes whose one database call can take seconds on a large drug: they share half of a
# worker's database slots, so a flood of them cannot starve cheap reads (app/db_calls.py).
# Not the export: a refused chunk would cut a stream already answered 200.
COSTLY_ROUTES = (
    f"{API_PREFIX}/compare",
    f"{API_PREFIX}/drugs/{{drug}}/fhir",
    f"{API_PREFIX}/symptom-check",
)

DESCRIPTION = f"""
Drug side effects **in context**: during regular use (`side_effect`), after stopping or lowering
the dose (`withdrawal`), or in `overdose` — how often, how soon, how severe, what helps — and
which source says so, statement by statement.

`{{drug}}` and `{{effect}}` accept a slug, a generic, brand or ingredient name, a synonym or a
MedDRA term, in any letter case. Errors are RFC 9457 `application/problem+json` with a `type`
per kind of problem (`/v1/problems/...`). Lists take `limit` (1-100) and `offset` and carry a
`Link` header. Unknown query parameters are rejected.

**Disclaimer.** {DISCLAIMER}
"""


def migration_scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(Config(str(ROOT / "alembic.ini")))


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    engine = make_engine(settings.database_url, echo=settings.sql_echo, settings=settings)
    database = Database.for_engine(engine, settings, data_version)
    app.state.database, app.state.engine = database, engine
    version: DataVersion = app.state.data_version
    every = settings.data_version_ttl or 1.0
    # In a slot of its own: a flood of requests never keeps the poller from the version.
    poller = asyncio.create_task(version.poll(lambda: database.monitor(data_version), every))
    # Search's name index is built off the request path for each new data version.
    warmer = asyncio.create_task(
        version.follow(lambda: database.background(index_cache.warm), every)
    )
    # The ~140k objects of imported modules (FastAPI, pydantic, SQLAlchemy, fhir.resources)
    # live as long as the process; out of the collector's reach, a full collection no longer
    # holds the GIL ~150 ms while slow requests allocate (longest pause 146 -> 28 ms; the
    # cheap-request p99 beside slow clients in benchmarks/results.md).
    gc.collect()
    gc.freeze()
    logger.info("sidefx started", extra={"database": engine.url.render_as_string()})
    try:
        yield
    finally:
        for task in (poller, warmer):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        engine.dispose()
        logger.info("sidefx stopped")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_format)
    options: dict[str, Any] = {
        "title": "sidefx",
        "version": API_VERSION,
        "summary": "Drug side effects in context, with sources.",
        "description": DESCRIPTION,
        "lifespan": lifespan,
        "redirect_slashes": False,  # a redirect would echo the Host header into Location
        "contact": {"name": "sidefx maintainers", "url": "https://github.com/sidefx/sidefx"},
        "license_info": {
            "name": "MIT (code); data under each source's licence, see /v1/sources",
            "identifier": "MIT",
        },
        # Operation ids become method names in generated clients: plain and stable.
        "generate_unique_id_function": lambda route: route.name,
    }
    if settings.docs_enabled:  # docs assets are served by the app itself (no CDN)
        app = FastAPIOffline(docs_url="/docs", redoc_url="/redoc", **options)
    else:
        app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, **options)
    app.state.settings = settings
    app.state.migrations = migration_scripts()
    app.state.data_version = DataVersion()
    for router in resource_routers:
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(health_router)
    app.include_router(fhir_rest.router)  # /fhir: FHIR R5 REST, OperationOutcome errors
    app.include_router(cds_hooks.router)  # /cds-services: CDS Hooks 3.0
    mcp_http.mount(app)  # /mcp: the MCP tools over streamable HTTP
    app.state.route_templates = route_templates(
        [(API_PREFIX, r) for r in resource_routers] + [("", health_router)]
    )
    app.state.query_defaults = QueryDefaults([(API_PREFIX, r) for r in resource_routers])
    # Added innermost first: CatchAll sits inside CORS so even a 500 carries CORS headers;
    # RequestContext wraps everything, 304s and cached answers included.
    app.add_middleware(CatchAll)
    app.add_middleware(CostlyRoutes, templates=COSTLY_ROUTES)
    app.add_middleware(
        ReadCache,
        prefix=API_PREFIX,
        max_age=settings.cache_max_age,
        max_bytes=settings.response_cache_bytes if settings.response_cache else 0,
    )
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    app.add_middleware(BodyLimit)
    app.add_middleware(Cors)  # type: ignore[arg-type]  # a CORSMiddleware with its options
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestContext, metrics_enabled=settings.metrics_enabled)
    install_error_handlers(app)
    if settings.docs_enabled:
        install_openapi(app)
    return app
