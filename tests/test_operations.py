"""Operations: 503 when the database is unreachable, metrics, JSON logs with request ids."""

import json
import logging
import time

import httpx
import pytest
from fastapi import FastAPI

from app.config import Settings
from app.db import Database, make_engine, make_sessionmaker
from app.logging_config import JsonFormatter, request_id
from app.main import attach_database, create_app

pytestmark = pytest.mark.anyio

# Port 9 (discard) is closed on loopback: connecting fails at once, like a stopped server.
UNREACHABLE = "postgresql+psycopg://sidefx@127.0.0.1:9/sidefx"


@pytest.fixture
def unreachable_app() -> FastAPI:
    settings = Settings(database_url=UNREACHABLE, pool_timeout=2, connect_timeout=2)
    app = create_app(settings)
    engine = make_engine(UNREACHABLE, settings=settings)
    attach_database(app, Database(make_sessionmaker(engine)))
    return app


async def test_unreachable_database_is_503_problem_with_retry_after(
    unreachable_app: FastAPI,
) -> None:
    transport = httpx.ASGITransport(app=unreachable_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        for path in ("/v1/drugs/clonazepam", "/v1/search?q=klon", "/readyz"):
            started = time.monotonic()
            response = await client.get(path)
            assert response.status_code == 503, path
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["retry-after"] == "5"
            assert "Traceback" not in response.text
            assert time.monotonic() - started < 5, path


async def test_healthz_stays_up_without_a_database(unreachable_app: FastAPI) -> None:
    transport = httpx.ASGITransport(app=unreachable_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get("/healthz")).status_code == 200


async def test_metrics_count_requests_by_route(client: httpx.AsyncClient) -> None:
    await client.get("/v1/drugs/Klonopin")
    body = (await client.get("/metrics")).text
    assert 'sidefx_requests_total{method="GET",route="/v1/drugs/{drug}",status="200"}' in body
    assert "sidefx_request_duration_seconds_bucket" in body
    assert "sidefx_db_pool_checked_out" in body


async def test_access_log_carries_the_request_id(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="app.access"):
        await client.get("/v1/drugs", headers={"X-Request-ID": "trace-42"})
    record = next(r for r in caplog.records if r.name == "app.access")
    assert record.status == 200  # type: ignore[attr-defined]
    assert JsonFormatter().format(record)  # serialisable


def test_json_log_lines_carry_request_id_and_extras() -> None:
    token = request_id.set("abc123")
    try:
        record = logging.makeLogRecord({"msg": "hello %s", "args": ("world",), "status": 200})
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id.reset(token)
    assert line["msg"] == "hello world"
    assert line["request_id"] == "abc123"
    assert line["status"] == 200
