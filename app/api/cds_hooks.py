"""CDS Hooks 3.0 (/cds-services): discovery and the two services (app/services/cds_hooks.py).
Errors are OperationOutcomes, as the specification asks (FhirRoute); nothing is stored."""

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel

from app.api.fhir_rest import FhirRoute
from app.db import DatabaseDep
from app.schemas.cds_hooks import CdsRequest
from app.services import cds_hooks
from app.services.fhir_filters import FhirProblem

router = APIRouter(prefix="/cds-services", route_class=FhirRoute, include_in_schema=False)
HOOKS = {s.id: s.hook for s in cds_hooks.SERVICES.services}
RUN = {cds_hooks.PATIENT_VIEW: cds_hooks.patient_view, cds_hooks.ORDER_SIGN: cds_hooks.order_sign}


@router.get("")
async def discovery() -> Response:
    """The services, their hooks and prefetch templates."""
    return _json(cds_hooks.discovery())


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
    return _json(await db.call(RUN[service], body, base))


def _json(model: BaseModel) -> Response:
    body = model.model_dump_json(exclude_none=True)
    return Response(body, media_type="application/json", headers={"Cache-Control": "no-store"})
