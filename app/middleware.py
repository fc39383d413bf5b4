"""The outermost layer, as one pure ASGI middleware: request ids, the body limit, the
disclaimer link, the access log and request metrics.

One layer instead of four: each ASGI layer wraps `send` again for every response, and on the
uncached paths that overhead was measurable (benchmarks/results.md).
"""

import itertools
import json
import logging
import os
import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import metrics
from app.errors import PROBLEM_JSON
from app.logging_config import request_id as current_request_id

access_log = logging.getLogger("app.access")

MAX_BODY_BYTES = 64 * 1024
DESCRIBED_BY = b'</v1/meta>; rel="describedby"'
_SANE_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
# Ids we make: a random per-process prefix and a counter (unique without a syscall each time).
_ID_PREFIX = os.urandom(8).hex()
_id_counter = itertools.count(1)


class EdgeMiddleware:
    """Echo a sane `X-Request-ID` (or make one); refuse bodies over MAX_BODY_BYTES (no route
    takes one) with a 413 problem; answer HEAD like GET without the body; link every response
    to /v1/meta, where the medical disclaimer lives; log one access line and record metrics
    per request."""

    def __init__(self, app: ASGIApp, *, metrics_enabled: bool = True) -> None:
        self.app, self.metrics_enabled = app, metrics_enabled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming, length = "", b"0"
        for key, value in scope["headers"]:
            if key == b"x-request-id":
                incoming = value.decode("latin-1")
            elif key == b"content-length":
                length = value
        request_id = incoming if incoming and _SANE_ID.match(incoming) else _new_id()
        head = scope["method"] == "HEAD"
        if head:  # answered as the GET it asks about, without the body (RFC 9110 9.3.2)
            scope = {**scope, "method": "GET"}
        scope.setdefault("state", {})["request_id"] = request_id
        token = current_request_id.set(request_id)
        started, status = time.perf_counter(), 500
        id_header = (b"x-request-id", request_id.encode("latin-1"))

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = _with_links(list(message.get("headers", [])), id_header)
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        try:
            if not length.isdigit() or int(length) > MAX_BODY_BYTES:
                await _too_large(scope, send_with_headers, request_id)
            else:
                await self.app(scope, receive, send_with_headers)
        finally:
            elapsed = time.perf_counter() - started
            original = {**scope, "method": "HEAD"} if head else scope
            if access_log.isEnabledFor(logging.INFO):
                _log_access(original, status, elapsed)
            if self.metrics_enabled:
                metrics.record(original, status, elapsed)
            current_request_id.reset(token)


def _new_id() -> str:
    return f"{_ID_PREFIX}{next(_id_counter):016x}"  # 32 hex digits, like a UUID


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


def _log_access(scope: Scope, status: int, elapsed: float) -> None:
    access_log.info(
        "%s %s %s",
        scope["method"],
        scope["path"],
        status,
        extra={
            "method": scope["method"],
            "path": scope["path"],
            "status": status,
            "duration_ms": round(elapsed * 1000, 2),
        },
    )


async def _too_large(scope: Scope, send: Send, request_id: str) -> None:
    body = json.dumps(
        {
            "type": "about:blank",
            "title": "Content Too Large",
            "status": 413,
            "detail": f"Request bodies are limited to {MAX_BODY_BYTES} bytes.",
            "instance": scope["path"],
            "request_id": request_id,
        }
    ).encode()
    headers = [
        (b"content-type", PROBLEM_JSON.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
