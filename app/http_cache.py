"""Conditional GETs and the response cache, as pure ASGI middleware.

Reads under /v1 carry a weak ETag made of the data version, the code that answers and the
URL, so a matching If-None-Match is answered 304 before any route or query runs.
"""

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PACKAGE = Path(__file__).resolve().parent


def code_digest(package: Path = PACKAGE) -> str:
    """A digest of the package's source. In the ETag it makes a deploy that changes what a
    response says (its shape, its order) change the ETag too, so clients refetch rather than
    keep a body the new code would not send."""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


CODE_DIGEST = code_digest()


def etag_for(version: str, scope: Scope) -> str:
    url = scope["path"] + "?" + scope.get("query_string", b"").decode("latin-1")
    return f'W/"{version}.{CODE_DIGEST}-{hashlib.sha256(url.encode()).hexdigest()[:16]}"'


def _matches(if_none_match: str, etag: str) -> bool:
    candidates = {tag.strip() for tag in if_none_match.split(",")}
    # Weak comparison (RFC 9110 13.1.2): W/"x" and "x" match.
    return "*" in candidates or etag in candidates or etag.removeprefix("W/") in candidates


class ConditionalGetMiddleware:
    def __init__(self, app: ASGIApp, version: Callable[[Scope], str], max_age: int) -> None:
        self.app, self.version, self.cache_control = (
            app,
            version,
            f"public, max-age={max_age}".encode(),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _is_read(scope):
            await self.app(scope, receive, send)
            return
        try:
            etag = etag_for(self.version(scope), scope)
        except Exception:  # database down: let the route answer (503), uncached
            await self.app(scope, receive, send)
            return
        validators = [(b"etag", etag.encode()), (b"cache-control", self.cache_control)]
        if_none_match = next((v for k, v in scope["headers"] if k == b"if-none-match"), None)
        if if_none_match is not None and _matches(if_none_match.decode("latin-1"), etag):
            await send({"type": "http.response.start", "status": 304, "headers": validators})
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_with_etag(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                message["headers"] = [*message.get("headers", []), *validators]
            await send(message)

        await self.app(scope, receive, send_with_etag)


class ResponseCacheMiddleware:
    """Serialised 200 responses of /v1 reads, kept in process and keyed by data version + URL.

    The version is re-read at most once a second (VersionCache), so a reload reaches every
    worker within a second; the whole cache is dropped when the version changes.
    """

    def __init__(
        self, app: ASGIApp, version: Callable[[Scope], str], max_entries: int = 4096
    ) -> None:
        self.app, self.version, self.max_entries = app, version, max_entries
        self._version = ""
        self._entries: OrderedDict[str, tuple[list[tuple[bytes, bytes]], bytes]] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _is_read(scope):
            await self.app(scope, receive, send)
            return
        try:
            version = self.version(scope)
        except Exception:  # database down: the route answers (503), nothing is cached
            await self.app(scope, receive, send)
            return
        if version != self._version:
            self._entries.clear()
            self._version = version
        key = scope["path"] + "?" + scope.get("query_string", b"").decode("latin-1")
        hit = self._entries.get(key)
        if hit is not None:
            self._entries.move_to_end(key)
            headers, body = hit
            await send({"type": "http.response.start", "status": 200, "headers": list(headers)})
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, self._recorder(key, version, send))

    def _recorder(self, key: str, version: str, send: Send) -> Send:
        headers: list[tuple[bytes, bytes]] | None = None  # None: not a 200, nothing to keep
        chunks: list[bytes] = []

        async def record(message: Message) -> None:
            nonlocal headers
            if message["type"] == "http.response.start":
                # A copy as the route made it: outer layers add their headers to every answer.
                headers = list(message.get("headers", [])) if message["status"] == 200 else None
            elif headers is not None:
                chunks.append(message.get("body", b""))
                if not message.get("more_body") and version == self._version:
                    self._entries[key] = (headers, b"".join(chunks))
                    if len(self._entries) > self.max_entries:
                        self._entries.popitem(last=False)
            await send(message)

        return record


def _is_read(scope: Scope) -> bool:
    return (
        scope["type"] == "http"
        and scope["method"] in ("GET", "HEAD")
        and scope["path"].startswith("/v1/")
    )
