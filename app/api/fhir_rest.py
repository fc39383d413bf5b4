"""FHIR R5 REST, read-only (/fhir): metadata, read, search (docs/fhir.md). Every error here
is an OperationOutcome with its HTTP status (FhirRoute), never problem+json; JSON only."""

import logging
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from starlette.exceptions import HTTPException

from app.api.deps import DatabaseDep
from app.db import Answer
from app.edge.http_cache import etag_for
from app.problems.exceptions import AppError
from app.services import fhir_conformance as conformance
from app.services import fhir_search
from app.services.fhir_common import to_json
from app.services.fhir_filters import FhirProblem

logger = logging.getLogger(__name__)
FHIR_JSON = "application/fhir+json"
JSON_TYPES = frozenset({"json", "application/json", "application/fhir+json", "*/*",
                        "application/*"})  # fmt: skip
DEFINITIONS = ("CodeSystem", "StructureDefinition", "SearchParameter")
ISSUE_CODES = {400: "invalid", 404: "not-found", 405: "not-supported", 406: "not-supported",
               413: "too-costly", 422: "invalid", 503: "transient", 504: "timeout"}  # fmt: skip
Name = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9\-.]+$")]


class FhirRoute(APIRoute):
    """Answers every failure as an OperationOutcome, and refuses formats other than JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                _check_format(request)
                return await handle(request)
            except FhirProblem as exc:
                return outcome(exc.status, exc.diagnostics, exc.code)
            except RequestValidationError as exc:
                where = "; ".join(
                    f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
                )
                return outcome(400, where)
            except AppError as exc:
                return outcome(exc.kind.status, exc.detail)
            except HTTPException as exc:
                return outcome(exc.status_code, str(exc.detail))
            except (DBAPIError, SQLAlchemyError):
                logger.exception("FHIR request failed in the database")
                return outcome(503, "The database is not answering; try again shortly.")

        return route


router = APIRouter(prefix="/fhir", route_class=FhirRoute, include_in_schema=False)


def outcome(status: int, diagnostics: str, code: str | None = None) -> Response:
    body = fhir_search.operation_outcome("error", code or ISSUE_CODES.get(status, "exception"),
                                         diagnostics)  # fmt: skip
    headers = {"Cache-Control": "no-store"}
    if status == 503:
        headers["Retry-After"] = "5"
    return Response(to_json(body), status_code=status, media_type=FHIR_JSON, headers=headers)


@router.get("/metadata")
async def capability_statement(request: Request) -> Response:
    """The CapabilityStatement: what this server supports, exactly."""
    return _respond(request, Answer("capability", conformance.capability_statement(_base(request))))


@router.get("/{kind}/{rid}")
async def read(request: Request, kind: Name, rid: Name, db: DatabaseDep) -> Response:
    """A resource by id."""
    base = _base(request)
    if kind in fhir_search.READABLE:
        resource = await db.read(fhir_search.read, base, kind, rid)
        return _respond(request, Answer(resource.version, resource.value()))  # built after
    if kind not in DEFINITIONS:
        raise FhirProblem(404, "not-supported", f"resource type {kind} is not served here")
    answer = await db.read(_definition, base, kind, rid)
    if answer.value is None:
        raise FhirProblem(404, "not-found", f"{kind}/{rid} is not defined by sidefx")
    return _respond(request, Answer(answer.version, answer.value))


@router.get("/{kind}")
async def search(request: Request, kind: Name, db: DatabaseDep) -> Response:
    """A searchset Bundle."""
    if kind not in fhir_search.SEARCH_PARAMETERS:
        raise FhirProblem(404, "not-supported", f"search on {kind} is not supported here; "
                          f"see {_base(request)}/metadata")  # fmt: skip
    params = list(request.query_params.multi_items())
    strict = "handling=strict" in request.headers.get("prefer", "").replace(" ", "").lower()
    answer = await db.read(fhir_search.search, _base(request), kind, params, strict=strict)
    return _respond(request, Answer(answer.version, answer.value()))  # built after the call


@router.get("/{path:path}")
async def unknown(path: str) -> Response:
    raise FhirProblem(404, "not-found", f"nothing is served at /fhir/{path[:100]}")


@router.api_route("/{path:path}", methods=["POST", "PUT", "PATCH", "DELETE"])
async def read_only(request: Request) -> Response:
    raise FhirProblem(405, "not-supported", f"{request.method}: this FHIR server is read-only")


def _definition(session: Any, base: str, kind: str, rid: str) -> bytes | None:
    if kind == "CodeSystem":
        return conformance.code_system(session, base, rid)
    if kind == "StructureDefinition":
        return conformance.structure_definition(base, rid)
    return conformance.search_parameter(base, rid)


def _base(request: Request) -> str:
    return str(request.app.state.settings.fhir_base_url)


def _check_format(request: Request) -> None:
    """JSON only: `_format` or `Accept` naming only other formats (XML, Turtle) is a 406."""
    asked = request.query_params.get("_format")
    if asked is not None:
        if asked.split(";")[0].strip().lower() not in JSON_TYPES:
            raise FhirProblem(406, "not-supported", f"_format={asked[:40]}: only JSON is served")
        return
    accept = request.headers.get("accept")
    if accept:
        types = {part.split(";")[0].strip().lower() for part in accept.split(",")}
        if not types & JSON_TYPES:
            raise FhirProblem(406, "not-supported", "only application/fhir+json is served")


def _respond(request: Request, answer: Answer[bytes]) -> Response:
    etag = etag_for(answer.version, request.scope)
    max_age = request.app.state.settings.cache_max_age
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={max_age}"}
    sent = request.headers.get("if-none-match")
    if sent is not None:
        tags = {tag.strip().removeprefix("W/") for tag in sent.split(",")}
        if "*" in tags or etag.removeprefix("W/") in tags:
            return Response(status_code=304, headers=headers)
    request.state.data_version = answer.version
    return Response(answer.value, media_type=FHIR_JSON, headers=headers)
