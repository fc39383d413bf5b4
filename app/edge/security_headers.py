"""Headers that tell browsers what not to do with our responses, as one pure ASGI middleware.

- `X-Content-Type-Options: nosniff` on every response: a JSON or problem body is never run as
  a script or a page, whatever a client or proxy guesses.
- The docs pages (`/docs`, `/redoc`) also get `X-Frame-Options: DENY` and a
  Content-Security-Policy allowing only the app's own assets (they work offline:
  docs/check-offline-docs.sh renders them with every other host unreachable). Swagger UI
  starts from one inline script: the policy allows that script by its hash, computed from the
  page as served, so no other inline script can run. Both pages style inline.
"""

import base64
import hashlib
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

NOSNIFF = (b"x-content-type-options", b"nosniff")
DOCS_PAGES = frozenset({"/docs", "/redoc"})
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)
_POLICY = (
    "default-src 'self'; script-src 'self'{scripts}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def docs_policy(page: bytes) -> bytes:
    """The Content-Security-Policy of a docs page: its own inline scripts, by hash."""
    hashes = "".join(
        f" 'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'"
        for script in _INLINE_SCRIPT.findall(page)
    )
    return _POLICY.format(scripts=hashes).encode()


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] in DOCS_PAGES:
            await self.app(scope, receive, _docs_page(send))
            return

        async def with_nosniff(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), NOSNIFF]
            await send(message)

        await self.app(scope, receive, with_nosniff)


def _docs_page(send: Send) -> Send:
    """Holds the head until the page (a few hundred bytes) is whole, to hash its scripts."""
    start: Message | None = None
    chunks: list[bytes] = []

    async def policed(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
            return
        if start is None or message["type"] != "http.response.body":
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        page = b"".join(chunks)
        headers = [
            *start.get("headers", []),
            NOSNIFF,
            (b"x-frame-options", b"DENY"),
            (b"content-security-policy", docs_policy(page)),
        ]
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": page})

    return policed
