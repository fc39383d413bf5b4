from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from app import metrics
from app.api.deps import as_json
from app.db import database
from app.errors import problem
from app.schemas.common import Schema, problem_responses
from app.schemas.source import MetaRead
from app.services import meta

router = APIRouter(tags=["meta"])
health_router = APIRouter(tags=["health"])


class Health(Schema):
    status: str
    detail: str | None = None


@router.get("/meta", response_model=MetaRead)
async def read_meta(request: Request) -> Response:
    """Data version, record counts, sources with licences, and the medical disclaimer."""
    return as_json(await database(request).call(meta.get_meta))


@health_router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """Liveness: the process answers."""
    return Health(status="ok")


@health_router.get("/metrics", include_in_schema=False)
def read_metrics() -> Response:
    """Prometheus metrics (text exposition format)."""
    body, content_type = metrics.render()
    return Response(body, media_type=content_type, headers={"Cache-Control": "no-store"})


@health_router.get("/readyz", response_model=Health, responses=problem_responses(503))
async def readyz(request: Request) -> Health | JSONResponse:
    """Readiness: the database answers and its schema is at the code's migration head."""
    try:
        at_head, detail = await database(request).call(
            meta.migration_state, request.app.state.migrations
        )
    except Exception:  # any driver error means "not ready", never a 500
        return problem(request, 503, "Service Unavailable", "The database is not reachable.")
    if not at_head:
        return problem(request, 503, "Service Unavailable", detail)
    return Health(status="ready", detail=detail)
