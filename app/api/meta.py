import logging
import secrets

from alembic.script import ScriptDirectory
from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from app import problems
from app.api.deps import DatabaseDep, StrictQuery, respond
from app.api.docs import problem_responses, read_responses
from app.db import Answer
from app.edge import metrics
from app.edge.problem_responses import problem
from app.readmodel import is_current, stored_format
from app.schemas.meta import Health, ProblemTypeRead, VocabulariesRead
from app.schemas.source import MetaRead
from app.services import meta
from app.services.classes import list_classes
from app.vocabularies import VOCABULARIES

logger = logging.getLogger(__name__)
router = APIRouter(tags=["meta"], dependencies=[StrictQuery])
health_router = APIRouter(tags=["health"], dependencies=[StrictQuery])


@router.get("/meta", response_model=MetaRead, responses=read_responses())
async def read_meta(request: Request, db: DatabaseDep) -> Response:
    """Data version, record counts, sources with licences, and the medical disclaimer."""
    return respond(request, await db.read(meta.get_meta))


def _vocabularies(session: Session) -> VocabulariesRead:
    return VocabulariesRead.model_validate(
        {
            "vocabularies": [
                {
                    "name": name,
                    "description": summary,
                    "terms": [
                        {"value": v, "label": label, "definition": d}
                        for v, (label, d) in terms.items()
                    ],
                }
                for name, (_, summary, terms) in VOCABULARIES.items()
            ],
            "drug_classes": list_classes(session),
        }
    )


@router.get("/vocabularies", response_model=VocabulariesRead, responses=read_responses())
async def read_vocabularies(request: Request, db: DatabaseDep) -> Response:
    """Every vocabulary value with its label and definition (contexts, CIOMS bands with their
    cut-offs, severities, flags ...), and the drug classes `drug_class=` accepts."""
    return respond(request, await db.read(_vocabularies))


@router.get("/problems/{kind}", response_model=ProblemTypeRead, responses=read_responses(404))
async def read_problem_type(kind: str, request: Request) -> Response:
    """The documentation of one problem type (the `type` URI of a problem body)."""
    found = problems.BY_SLUG.get(kind)
    if found is None:
        return problem(request, problems.NOT_FOUND, f"No problem type '{kind[:40]}'.")
    body = ProblemTypeRead(
        type=found.uri,
        status=found.status,
        title=found.title,
        description=found.description,
        example=found.example,
    )
    return respond(request, Answer("static", body))


@health_router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """Liveness: the process answers (never touches the database)."""
    return Health(status="ok")


@health_router.get("/readyz", response_model=Health, responses=problem_responses(503))
async def readyz(request: Request, db: DatabaseDep) -> Health | Response:
    """Readiness: the database answers, its schema is at the code's migration head, and the
    derived data (stored records, ranks) was built by this code's loaders since the last
    migration that could change it (else `sidefx seed` or a re-import rebuilds it)."""
    try:
        at_head, detail, built = await db.call(_readiness, request.app.state.migrations)
    except Exception as exc:  # any driver error or timeout means "not ready", never a 500
        logger.warning("not ready: %s", type(exc).__name__)
        return problem(request, problems.SERVICE_UNAVAILABLE, "The database is not reachable.")
    if not at_head:
        logger.warning("not ready: %s", detail)
        return problem(request, problems.SERVICE_UNAVAILABLE, "The database schema is not current.")
    if not built:
        logger.warning("not ready: the read model is not in format %s", stored_format())
        return problem(request, problems.SERVICE_UNAVAILABLE, NOT_BUILT)
    return Health(status="ready")


NOT_BUILT = (
    "The derived data (stored records, ranks) was not built by this version since the last "
    "migration: run `sidefx seed` (or re-import)."
)


def _readiness(session: Session, scripts: ScriptDirectory) -> tuple[bool, str, bool]:
    at_head, detail = meta.migration_state(session, scripts)
    return at_head, detail, at_head and is_current(session)  # (below head: no such columns)


@health_router.get("/metrics", include_in_schema=False)
def read_metrics(request: Request) -> Response:
    """Prometheus metrics (only when SIDEFX_METRICS_ENABLED; a token when one is set)."""
    settings = request.app.state.settings
    if not settings.metrics_enabled:
        return problem(request, problems.NOT_FOUND, "No endpoint at /metrics.")
    token = settings.metrics_token
    sent = request.headers.get("authorization", "")
    if token and not secrets.compare_digest(sent, f"Bearer {token}"):
        return problem(request, problems.NOT_FOUND, "No endpoint at /metrics.")
    body, content_type = metrics.render()
    return Response(body, media_type=content_type, headers={"Cache-Control": "no-store"})
