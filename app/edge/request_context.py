"""Pure ASGI middleware, each with one job.

- RequestContext (outermost): the request id (echoes a sane X-Request-ID, else makes one), HEAD
  answered as GET without the body, the link to /v1/meta where the disclaimer lives, one access
  log line and the request metrics.
- BodyLimit: refuses bodies over 64 KiB with a 413 problem (the symptom check), 1 MiB for
  CDS Hooks calls (an EHR's prefetch of the patient's resources).
- CostlyRoutes (inside the response cache): marks the requests of costly routes, whose
  database calls share a smaller capacity (app/db_calls.py).
- CatchAll (innermost): any unexpected exception becomes a 500 problem here, inside CORS, so even
  a 500 carries CORS headers; the traceback is logged, never sent.
"""

import itertools
import json
import logging
import os
import re
import time
from typing import Any

from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import problems
from app.db_calls import costly_call
from app.edge import metrics
from app.edge.problem_responses import PROBLEM_JSON, problem_body
from app.logging_config import request_id as current_request_id
from app.url_paths import API_PREFIX, META_PATH

access_log = logging.getLogger("app.access")
logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
MAX_CDS_BODY_BYTES = 1024 * 1024
CDS_PATH = "/cds-services"
DESCRIBED_BY = f'<{META_PATH}>; rel="describedby"'.encode()
_SANE_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
# Ids we make: a random per-process prefix and a counter (unique without a syscall each time).
_ID_PREFIX = os.urandom(8).hex()
_id_counter = itertools.count(1)


class RequestContext:
    def __init__(self, app: ASGIApp, *, metrics_enabled: bool = False) -> None:
        self.app, self.metrics_enabled = app, metrics_enabled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = next((v for k, v in scope["headers"] if k == b"x-request-id"), b"")
        text = incoming.decode("latin-1")
        request_id = text if _SANE_ID.match(text) else f"{_ID_PREFIX}{next(_id_counter):016x}"
        head = scope["method"] == "HEAD"
        if head:  # answered as the GET it asks about, without the body (RFC 9110 9.3.2)
            scope = {**scope, "method": "GET"}
        scope.setdefault("state", {})["request_id"] = request_id
        token = current_request_id.set(request_id)
        started, status = time.perf_counter(), 500
        id_header = (b"x-request-id", request_id.encode())
        varies = scope["path"].startswith(API_PREFIX + "/")

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = _with_links(list(message.get("headers", [])), id_header)
                if varies and status in (200, 304):
                    headers = _vary(headers)
                message["headers"] = headers
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            elapsed = time.perf_counter() - started
            method = "HEAD" if head else scope["method"]
            route = _route(scope)
            if access_log.isEnabledFor(logging.INFO):
                access_log.info(
                    "%s %s %s",
                    method,
                    scope["path"],
                    status,
                    extra={
                        "method": method,
                        "path": scope["path"],
                        "route": route,
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 2),
                    },
                )
            if self.metrics_enabled:
                metrics.record(scope, method, route, status, elapsed)
            current_request_id.reset(token)


def route_templates(routers: list[tuple[str, Any]]) -> dict[int, str]:
    """Route object id -> its full template (`/v1/drugs/{drug}`), from the routers and the
    prefix each is included under (create_app keeps this in app.state)."""
    return {id(route): prefix + route.path for prefix, router in routers for route in router.routes}


def route_template(scope: Scope) -> str | None:
    """The template of the route that answered; a cached answer records its own."""
    templates: dict[int, str] = getattr(scope["app"].state, "route_templates", {})
    found = templates.get(id(scope.get("route")))
    return found or scope.get("state", {}).get("route_template")


def _route(scope: Scope) -> str:
    return route_template(scope) or "unmatched"


def _vary(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """One Vary header with Accept-Encoding, on a 200 and on its 304 alike (gzip adds it only
    to the responses it compresses)."""
    names = [b"Accept-Encoding"]
    for key, value in headers:
        if key.lower() == b"vary":
            names += [n.strip() for n in value.split(b",") if n.strip()]
    unique = list({n.lower(): n for n in reversed(names)}.values())[::-1]
    kept = [(k, v) for k, v in headers if k.lower() != b"vary"]
    return [*kept, (b"vary", b", ".join(unique))]


def _with_links(
    headers: list[tuple[bytes, bytes]], id_header: tuple[bytes, bytes]
) -> list[tuple[bytes, bytes]]:
    for i, (key, value) in enumerate(headers):
        if key.lower() == b"link":
            headers[i] = (key, value + b", " + DESCRIBED_BY)
            break
    else:
        headers.append((b"link", DESCRIBED_BY))
    headers.append(id_header)
    return headers


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


class BodyLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # An EHR's CDS Hooks call carries the patient's prefetch (medications, conditions,
        # observations as FHIR resources): far more than a symptom check's 64 KiB.
        limit = MAX_CDS_BODY_BYTES if scope["path"].startswith(CDS_PATH) else self.max_bytes
        length = next((v for k, v in scope["headers"] if k == b"content-length"), b"0")
        if not length.isdigit() or int(length) > limit:
            detail = f"Request bodies are limited to {limit} bytes."
            await send_problem(scope, send, problems.CONTENT_TOO_LARGE, detail)
            return
        if scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        # Read the body first (chunked bodies have no Content-Length to check), then replay it.
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client left (or its body timed out)
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > limit:
                detail = f"Request bodies are limited to {limit} bytes."
                await send_problem(scope, send, problems.CONTENT_TOO_LARGE, detail)
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


class CostlyRoutes:
    def __init__(self, app: ASGIApp, *, templates: tuple[str, ...]) -> None:
        self.app = app
        self.patterns = [compile_path(template)[0] for template in templates]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not any(p.match(scope["path"]) for p in self.patterns):
            await self.app(scope, receive, send)
            return
        token = costly_call.set(True)
        try:
            await self.app(scope, receive, send)
        finally:
            costly_call.reset(token)


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
