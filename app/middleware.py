"""Pure ASGI middleware: request ids and the disclaimer link on every response."""

import re
import uuid

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_SANE_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
DESCRIBED_BY = '</v1/meta>; rel="describedby"'


class RequestContextMiddleware:
    """Echo a sane `X-Request-ID` (or make one), and link every response to /v1/meta,
    where the medical disclaimer lives."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = next(
            (v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), ""
        )
        request_id = incoming if _SANE_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id
                existing = headers.get("link")
                headers["Link"] = f"{existing}, {DESCRIBED_BY}" if existing else DESCRIBED_BY
            await send(message)

        await self.app(scope, receive, send_with_headers)
