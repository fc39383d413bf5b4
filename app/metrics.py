"""Prometheus metrics: requests and latency by route, pool use. Works with several workers
(`sidefx serve --workers N` sets PROMETHEUS_MULTIPROC_DIR)."""

import os
from functools import cache

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
from starlette.types import Scope

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


_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"})
_pool_seen: dict[int, tuple[int, int]] = {}


def observe_pool(engine: Engine) -> None:
    pool = engine.pool
    values = (getattr(pool, "checkedout", lambda: 0)(), getattr(pool, "size", lambda: 0)())
    if _pool_seen.get(id(engine)) != values:  # gauges write shared files with several workers
        _pool_seen[id(engine)] = values
        POOL_IN_USE.set(values[0])
        POOL_SIZE.set(values[1])


@cache  # bounded: a few methods x route templates x status codes
def _series(method: str, route: str, status: int) -> tuple[Counter, Histogram]:
    return REQUESTS.labels(method, route, str(status)), LATENCY.labels(route)


def record(scope: Scope, status: int, seconds: float) -> None:
    """Count one answered request and its latency, by route template (EdgeMiddleware calls)."""
    method = scope["method"] if scope["method"] in _METHODS else "other"
    requests, latency = _series(method, route_template(scope), status)
    requests.inc()
    latency.observe(seconds)
    engine = getattr(scope["app"].state, "engine", None)
    if engine is not None:
        observe_pool(engine)


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
