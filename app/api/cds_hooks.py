"""CDS Hooks 3.0 (/cds-services): discovery and the two services (app/services/cds_hooks.py).
Errors are OperationOutcomes, as the specification asks (FhirRoute); nothing is stored."""

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel

from app.api.deps import NO_STORE, DatabaseDep, respond_bytes
from app.api.fhir_rest import FhirRoute
from app.db import Answer
from app.schemas.cds_hooks import CdsRequest
from app.services import cds_hooks
from app.services.fhir_filters import FhirProblem

router = APIRouter(prefix="/cds-services", route_class=FhirRoute, include_in_schema=False)
HOOKS = {s.id: s.hook for s in cds_hooks.SERVICES.services}
RUN = {cds_hooks.PATIENT_VIEW: cds_hooks.patient_view, cds_hooks.ORDER_SIGN: cds_hooks.order_sign}


@router.get("")
async def discovery() -> Response:
    """The services, their hooks and prefetch templates."""
    return Response(_json(cds_hooks.discovery()), media_type="application/json", headers=NO_STORE)


@router.post("/{service}")
async def call_service(
    request: Request,
    body: CdsRequest,
    db: DatabaseDep,
    service: str = Path(max_length=100),
) -> Response:
    """Cards for one hook call."""
    if service not in HOOKS:
        raise FhirProblem(404, "not-found", f"no CDS service '{service[:100]}'; see /cds-services")
    if body.hook != HOOKS[service]:
        raise FhirProblem(400, "invalid", f"{service} answers {HOOKS[service]}, not {body.hook}")
    base = str(request.base_url).rstrip("/")
    answer = await db.read(RUN[service], body, base)
    return respond_bytes(request, Answer(answer.version, _json(answer.value)))


def _json(model: BaseModel) -> bytes:
    """The specification's JSON: absent fields left out, not null."""
    return model.__pydantic_serializer__.to_json(model, exclude_none=True)
