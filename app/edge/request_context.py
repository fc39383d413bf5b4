"""The request's context, as the outermost pure ASGI middleware (RequestContext): the request
id (echoes a sane X-Request-ID, else makes one), HEAD answered as GET without the body, the link
to /v1/meta where the disclaimer lives, one access log line and the request metrics; and the
route template each answer is counted and cached under.
"""

import itertools
import logging
import os
import re
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.edge import metrics
from app.logging_config import request_id as current_request_id
from app.url_paths import API_PREFIX, META_PATH

access_log = logging.getLogger("app.access")

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
