"""HTTP caching for reads, as one pure ASGI middleware, and the data version it keys on.

One invalidation signal: the data version. A worker learns it from `DataVersion`, which a
background task re-reads every `SIDEFX_DATA_VERSION_TTL` seconds (never on the request path,
and in a thread of its own, so neither a hung database nor a flood of requests stalls a cached
read). When a read fails the last known version stands: the cache keeps answering what it
holds (under load or an outage a stale known version is better than none). Each read's ETag
names the version of the snapshot it was read from (set by the route), so a body and its ETag
always belong together.

- `If-None-Match` with an ETag of the current version, or `*` on a cached answer: 304 before
  any route runs. `*` otherwise, or a tag of another version: the route answers, and a 200
  whose ETag matches becomes a 304.
- 200s are kept in process, keyed by URL, each with its version; a byte budget bounds them
  (keys included).
"""

import asyncio
import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.edge.canonical_query import canonical_query
from app.edge.request_context import route_template

logger = logging.getLogger(__name__)
PACKAGE = Path(__file__).resolve().parent.parent  # the whole app, not this package


def code_digest(package: Path = PACKAGE) -> str:
    """A digest of the package's source: a deploy that changes what a response says changes
    the ETag too, so clients refetch rather than keep a body the new code would not send."""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


CODE_DIGEST = code_digest()


def etag_for(version: str, scope: Scope) -> str:
    url = scope.get("raw_path", b"") or scope["path"].encode()
    url = url.split(b"?")[0] + b"?" + scope.get("query_string", b"")
    return f'W/"{version}.{CODE_DIGEST}-{hashlib.sha256(url).hexdigest()[:16]}"'


_NO_STORE = (b"cache-control", b"no-store")


def _tags(if_none_match: str) -> set[str]:
    # Weak comparison (RFC 9110 13.1.2): W/"x" and "x" match.
    return {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}


class DataVersion:
    """The data version as this worker last read it (None until a first read succeeds)."""

    def __init__(self) -> None:
        self.value: str | None = None
        self.read_at = 0.0  # when `value` was last confirmed
        self.failing = False
        self._learnt = asyncio.Event()  # set when a read brings a version other than the last

    async def refresh(self, read: Callable[[], Awaitable[str]]) -> None:
        try:
            value = await read()
            if value != self.value:
                self._learnt.set()
            self.value, self.read_at, self.failing = value, time.monotonic(), False
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the database is down or hung: keep the last known version
            if not self.failing:  # once per outage, not every poll
                logger.warning("data version unreadable, keeping %s: %s", self.value,
                               type(exc).__name__)  # fmt: skip
            self.failing = True

    async def poll(self, read: Callable[[], Awaitable[str]], every: float) -> None:
        """Re-read forever (the lifespan runs and cancels this task)."""
        while True:
            await self.refresh(read)
            await asyncio.sleep(every)

    async def follow(self, action: Callable[[], Awaitable[object]], retry: float) -> None:
        """Run ACTION once for each version this worker learns of, as soon as it learns it
        (a newer one while it runs: once more after); a failed run again after RETRY seconds.
        Forever, as `poll`."""
        done_for: str | None = None
        failing = False
        while True:
            current = self.value
            if current is not None and current != done_for:
                try:
                    await action()
                    done_for, failing = current, False
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    if not failing:  # once per outage, not every retry
                        logger.warning("work for a new data version failed: %r", exc)
                    failing = True
                    await asyncio.sleep(retry)
                    continue
            self._learnt.clear()
            if self.value == current:
                await self._learnt.wait()


_PER_HEADER = 60  # its tuple and two bytes objects (values often shared)
_PER_ENTRY = 400  # the entry, its key and body objects, the header list, the dict slot


@dataclass(slots=True)
class _Entry:
    version: str
    headers: list[tuple[bytes, bytes]]
    body: bytes
    route: str | None

    def size(self, key: bytes) -> int:
        """The memory it takes, its key (a URL up to the head limit) and Python's objects
        included (measured with tracemalloc: tests/api/test_http.py)."""
        headers = sum(len(k) + len(v) + _PER_HEADER for k, v in self.headers)
        return len(key) + len(self.body) + headers + _PER_ENTRY


class ReadCache:
    """Conditional GETs and the response cache for reads under `prefix`."""

    def __init__(self, app: ASGIApp, *, prefix: str, max_age: int, max_bytes: int) -> None:
        self.app, self.prefix, self.max_bytes = app, prefix + "/", max_bytes
        self.cache_control = (b"cache-control", f"public, max-age={max_age}".encode())
        self.max_entry = max_bytes // 16
        self._entries: OrderedDict[bytes, _Entry] = OrderedDict()
        self._bytes = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        if not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        # One question, one key and ETag: defaults spelled out or not, in any order.
        scope["query_string"] = canonical_query(scope)
        state: DataVersion | None = getattr(scope["app"].state, "data_version", None)
        current = state.value if state is not None else None
        if_none_match = next((v for k, v in scope["headers"] if k == b"if-none-match"), None)
        tags = _tags(if_none_match.decode("latin-1")) if if_none_match is not None else set()
        if current is not None and etag_for(current, scope).removeprefix("W/") in tags:
            await self._not_modified(send, etag_for(current, scope))
            return
        key = (
            (scope.get("raw_path") or scope["path"].encode())
            + b"?"
            + scope.get("query_string", b"")
        )
        hit = self._entries.get(key)
        if hit is not None and hit.version == current:
            self._entries.move_to_end(key)
            scope.setdefault("state", {})["route_template"] = hit.route
            if "*" in tags:  # the resource exists (RFC 9110 13.1.2)
                await self._not_modified(send, next(v for k, v in hit.headers if k == b"etag"))
                return
            await send({"type": "http.response.start", "status": 200, "headers": list(hit.headers)})
            await send({"type": "http.response.body", "body": hit.body})
            return
        await self.app(scope, receive, self._recorder(scope, key, tags, send))

    async def _not_modified(self, send: Send, etag: str | bytes) -> None:
        tag = etag if isinstance(etag, bytes) else etag.encode()
        headers = [(b"etag", tag), self.cache_control]
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    def _recorder(self, scope: Scope, key: bytes, tags: set[str], send: Send) -> Send:
        kept: list[tuple[bytes, bytes]] | None = None  # None: not a 200, nothing to keep
        chunks: list[bytes] = []
        skip_body = False

        async def record(message: Message) -> None:
            nonlocal kept, skip_body
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                etag = next((v for k, v in headers if k == b"etag"), None)
                # no-store: a stream (the export), never buffered here; it answers 304 itself.
                if message["status"] != 200 or etag is None or _NO_STORE in headers:
                    await send(message)
                    return
                if "*" in tags or etag.decode().removeprefix("W/") in tags:
                    skip_body = True
                    await self._not_modified(send, etag.decode())
                    return
                kept = [*headers, self.cache_control]
                # A copy goes out: outer layers (gzip) change the list they are given.
                message = {**message, "headers": list(kept)}
            elif skip_body:
                return
            elif kept is not None:
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    self._keep(scope, key, kept, b"".join(chunks))
            await send(message)

        return record

    def _keep(
        self, scope: Scope, key: bytes, headers: list[tuple[bytes, bytes]], body: bytes
    ) -> None:
        version = scope.get("state", {}).get("data_version")
        route = route_template(scope)
        entry = _Entry(version, headers, body, route) if version else None
        if entry is None or entry.size(key) > self.max_entry or self.max_bytes == 0:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= old.size(key)
        self._entries[key] = entry
        self._bytes += entry.size(key)
        while self._bytes > self.max_bytes:
            evicted_key, evicted = self._entries.popitem(last=False)
            self._bytes -= evicted.size(evicted_key)
