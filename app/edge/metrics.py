"""Prometheus metrics: requests and latency by route template, pool use.

Off by default (SIDEFX_METRICS_ENABLED); when on, /metrics can require a bearer token
(SIDEFX_METRICS_TOKEN). No platform or Python-version series are exposed. Works with several
workers (`sidefx serve --workers N` sets PROMETHEUS_MULTIPROC_DIR).
"""

import contextlib
import os
from functools import cache

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from sqlalchemy import Engine
from starlette.types import Scope

for _collector in (PLATFORM_COLLECTOR, GC_COLLECTOR, PROCESS_COLLECTOR):
    # They show the Python version and process details; gone already if reloaded.
    with contextlib.suppress(KeyError):
        REGISTRY.unregister(_collector)

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


def record(scope: Scope, method: str, route: str, status: int, seconds: float) -> None:
    """Count one answered request and its latency, by route template (RequestContext calls)."""
    requests, latency = _series(method if method in _METHODS else "other", route, status)
    requests.inc()
    latency.observe(seconds)
    engine = getattr(scope["app"].state, "engine", None)
    if engine is not None:
        observe_pool(engine)
