"""Operations: 503 when the database is unreachable, metrics behind a setting and a token,
JSON logs with request ids."""

import json
import logging
import time
from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session

from app.db import Database, make_engine
from app.logging_config import JsonFormatter, request_id
from app.services.meta import data_version
from tests.conftest import app_over, database_over, settings_for

pytestmark = pytest.mark.anyio

# Port 9 (discard) is closed on loopback: connecting fails at once, like a stopped server.
UNREACHABLE = "postgresql+psycopg://sidefx@127.0.0.1:9/sidefx"


@pytest.fixture
def unreachable_app() -> FastAPI:
    settings = settings_for(UNREACHABLE, db_timeout=5, connect_timeout=2)
    engine = make_engine(UNREACHABLE, settings=settings)
    return app_over(Database.for_engine(engine, settings, data_version), settings)


async def test_an_unreachable_database_is_a_503_problem_with_retry_after(
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
            assert time.monotonic() - started < 60, path


async def test_healthz_stays_up_without_a_database(unreachable_app: FastAPI) -> None:
    transport = httpx.ASGITransport(app=unreachable_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get("/healthz")).status_code == 200


@pytest.fixture
def metrics_app(session_factory: Callable[[], Session], database_url: str) -> FastAPI:
    settings = settings_for(database_url, metrics_enabled=True, metrics_token="t" * 20)
    return app_over(database_over(session_factory, settings), settings)


async def test_metrics_need_their_token_and_count_requests_by_route(
    metrics_app: FastAPI,
) -> None:
    series = 'sidefx_requests_total{method="GET",route="/v1/drugs/{drug}",status="200"}'
    auth = {"Authorization": "Bearer " + "t" * 20}

    def count(body: str) -> float:
        lines = [line for line in body.splitlines() if line.startswith(series)]
        return float(lines[0].split()[-1]) if lines else 0.0

    transport = httpx.ASGITransport(app=metrics_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get("/metrics")).status_code == 404
        before = count((await client.get("/metrics", headers=auth)).text)
        await client.get("/v1/drugs/Klonopin")
        await client.get("/v1/drugs/Klonopin")  # the repeat is a response-cache hit
        body = (await client.get("/metrics", headers=auth)).text
    assert count(body) == before + 2  # hits count under their route, not as "unmatched"
    assert "sidefx_request_duration_seconds_bucket" in body
    assert "python_info" not in body  # no platform details


async def test_access_log_carries_the_request_id_and_route(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="app.access"):
        await client.get("/v1/drugs", headers={"X-Request-ID": "trace-42"})
    record = next(r for r in caplog.records if r.name == "app.access")
    assert record.status == 200  # type: ignore[attr-defined]
    assert record.route == "/v1/drugs"  # type: ignore[attr-defined]
    assert JsonFormatter().format(record)


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
