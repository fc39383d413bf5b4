"""RFC 9457 problem details for every error; tracebacks are logged, never sent.

`problem_body` is the one place that builds a problem: the exception handlers, the edge
middleware (413, and CatchAll's 500) and the HTTP server (400, 431) all use it. CatchAll
(innermost middleware): any unexpected exception becomes a 500 problem there, inside CORS, so
even a 500 carries CORS headers.
"""

import json
import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import problems
from app.problems import ProblemType
from app.problems.exceptions import AppError

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
RETRY_AFTER = "5"


def problem_body(
    kind: ProblemType,
    detail: str,
    instance: str,
    request_id: str | None,
    **extensions: Any,
) -> bytes:
    body: dict[str, Any] = {
        "type": kind.uri,
        "title": kind.title,
        "status": kind.status,
        "detail": detail,
        "instance": instance,
        "request_id": request_id,
        **extensions,
    }
    return json.dumps(body, ensure_ascii=False).encode()


def problem(request: Request, kind: ProblemType, detail: str, **extensions: Any) -> Response:
    body = problem_body(
        kind, detail, request.url.path, getattr(request.state, "request_id", None), **extensions
    )
    headers = (
        {"Retry-After": RETRY_AFTER, "Cache-Control": "no-store"} if kind.status == 503 else None
    )
    return Response(body, status_code=kind.status, media_type=PROBLEM_JSON, headers=headers)


def _validation_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    # Echoing the rejected input back could reflect megabytes or odd bytes: no `input`.
    out = []
    for e in errors:
        error: dict[str, Any] = {
            "loc": list(e.get("loc", ())),
            "msg": _message(e),
            "type": str(e.get("type", "")),
        }
        limit = _limit(e.get("ctx") or {})
        if limit is not None:
            error["limit"] = limit
        out.append(error)
    return out


def _message(error: Any) -> str:
    # A validator's own message without pydantic's "Value error, " / "Assertion failed, ".
    msg = str(error.get("msg", ""))
    return msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def _limit(ctx: dict[str, Any]) -> Any:
    for key in ("le", "ge", "lt", "gt", "max_length", "min_length", "pattern", "expected"):
        if key in ctx:
            value = ctx[key]
            return value if isinstance(value, int | float | str) else str(value)
    return None


async def _app_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)
    return problem(request, exc.kind, exc.detail, **exc.extensions)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    kind = problems.BY_STATUS.get(exc.status_code, problems.INTERNAL_ERROR)
    if exc.status_code == 404:
        detail = f"No endpoint at {request.url.path[:200]}."
    else:
        detail = exc.detail if isinstance(exc.detail, str) else kind.title
    response = problem(request, kind, detail)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = _validation_errors(exc.errors())
    content_type = request.headers.get("content-type", "")
    if any(e["loc"][:1] == ["body"] for e in errors) and not _is_json(content_type):
        got = content_type.split(";")[0].strip()[:60] or "no Content-Type"
        detail = f"Send the body as JSON, with Content-Type: application/json (got {got})."
        return problem(request, problems.UNSUPPORTED_MEDIA_TYPE, detail)
    detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors[:5])
    return problem(request, problems.INVALID_PARAMETER, detail or "Invalid request", errors=errors)


def _is_json(content_type: str) -> bool:
    media = content_type.split(";")[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


async def _database_unavailable(request: Request, exc: Exception) -> Response:
    # Connection refused, pool exhausted, statement cut by its timeout, server gone: the client
    # may retry; we log the kind, not the statement.
    logger.warning(
        "database unavailable on %s %s: %s", request.method, request.url.path, type(exc).__name__
    )
    detail = "The database is unavailable; retry later."
    if _statement_timed_out(exc):
        detail = "A database statement took too long and was cancelled; retry later."
    return problem(request, problems.SERVICE_UNAVAILABLE, detail)


def _statement_timed_out(exc: Exception) -> bool:
    orig = getattr(exc, "orig", None)
    return "interrupted" in str(orig) or type(orig).__name__ == "QueryCanceled"


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(request, problems.INTERNAL_ERROR, problems.INTERNAL_ERROR.example)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    for unavailable in (OperationalError, InterfaceError, PoolTimeout, DBAPIError):
        app.add_exception_handler(unavailable, _database_unavailable)
    app.add_exception_handler(Exception, _unexpected_error)


# Paths whose clients read FHIR, not problem+json: every error there is an OperationOutcome,
# also the few written here before a route runs (a body too large, an unexpected error).
FHIR_PATHS = ("/fhir", "/cds-services")
OUTCOME_CODES = {413: "too-long", 500: "exception", 503: "transient"}


async def send_problem(scope: Scope, send: Send, kind: problems.ProblemType, detail: str) -> None:
    if scope["path"].startswith(FHIR_PATHS):
        issue = {"severity": "error", "code": OUTCOME_CODES.get(kind.status, "processing"),
                 "diagnostics": detail}  # fmt: skip
        body = json.dumps({"resourceType": "OperationOutcome", "issue": [issue]}).encode()
        content_type = b"application/fhir+json"
    else:
        body = problem_body(kind, detail, scope["path"], scope.get("state", {}).get("request_id"))
        content_type = PROBLEM_JSON.encode()
    headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": kind.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class CatchAll:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception:
            logger.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if scope["type"] != "http" or started:
                raise
            kind = problems.INTERNAL_ERROR
            await send_problem(scope, send, kind, kind.example)
