"""Prometheus metrics: requests and latency by route, pool use. Works with several workers
(`sidefx serve --workers N` sets PROMETHEUS_MULTIPROC_DIR)."""

import os
import time

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from sqlalchemy import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUESTS = Counter("sidefx_requests", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "sidefx_request_duration_seconds",
    "Time to answer, by route",
    ["route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
POOL_IN_USE = Gauge(
    "sidefx_db_pool_checked_out", "Pooled connections in use", multiprocess_mode="livesum"
)
POOL_SIZE = Gauge("sidefx_db_pool_size", "Pool size per worker", multiprocess_mode="livemax")


def render() -> tuple[bytes, str]:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST


def observe_pool(engine: Engine) -> None:
    pool = engine.pool
    POOL_IN_USE.set(getattr(pool, "checkedout", lambda: 0)())
    POOL_SIZE.set(getattr(pool, "size", lambda: 0)())


def route_template(scope: Scope) -> str:
    """`/v1/drugs/{drug}`: the matched route's template under its router prefix.

    Included routers report their own path (`/drugs/{drug}`); the prefix is the raw path's
    leading segments, which are static (raw, so an encoded `/` in a value cannot shift them).
    """
    route: str | None = getattr(scope.get("route"), "path", None)
    if route is None:
        return "unmatched"
    raw = scope.get("raw_path", scope["path"].encode()).split(b"?")[0].decode("latin-1")
    segments = raw.rstrip("/").split("/")
    prefix = segments[: max(len(segments) - (len(route.rstrip("/").split("/")) - 1), 1)]
    return "/".join(prefix) + route


class MetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def send_and_record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        finally:
            route = route_template(scope)
            engine = getattr(scope["app"].state, "engine", None)
            if engine is not None:
                observe_pool(engine)
            REQUESTS.labels(scope["method"], route, str(status)).inc()
            LATENCY.labels(route).observe(time.perf_counter() - started)
