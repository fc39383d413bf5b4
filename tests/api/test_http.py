"""Caching, compression, CORS, size limits and offline docs."""

import re
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import Database
from app.http_cache import PACKAGE, code_digest
from app.main import attach_database, create_app
from app.models import DataRelease
from tests.builders import make_drug

pytestmark = pytest.mark.anyio


async def test_reads_carry_etag_and_cache_control(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/drugs/clonazepam")
    assert response.headers["etag"].startswith('W/"')
    assert response.headers["cache-control"] == "public, max-age=300"


async def test_matching_if_none_match_is_304_with_empty_body(client: httpx.AsyncClient) -> None:
    etag = (await client.get("/v1/drugs/clonazepam")).headers["etag"]
    response = await client.get("/v1/drugs/clonazepam", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag
    assert response.headers["x-request-id"]


async def test_etag_differs_per_url(client: httpx.AsyncClient) -> None:
    a = (await client.get("/v1/drugs", params={"limit": 1})).headers["etag"]
    b = (await client.get("/v1/drugs", params={"limit": 2})).headers["etag"]
    assert a != b


async def test_etag_changes_when_the_data_changes(
    client: httpx.AsyncClient, session: Session
) -> None:
    old = (await client.get("/v1/drugs/clonazepam")).headers["etag"]
    session.execute(update(DataRelease).values(checksum="a-new-load"))
    session.flush()
    response = await client.get("/v1/drugs/clonazepam", headers={"If-None-Match": old})
    assert response.status_code == 200
    assert response.headers["etag"] != old


async def test_etag_names_the_code_that_answered(client: httpx.AsyncClient, tmp_path: Path) -> None:
    # After a deploy that changes a response's shape, an old ETag must not earn a 304.
    etag = (await client.get("/v1/drugs/clonazepam")).headers["etag"]
    assert f".{code_digest(PACKAGE)}-" in etag
    deployed = shutil.copytree(PACKAGE, tmp_path / "app")
    schema = deployed / "schemas" / "drug.py"
    schema.write_text(schema.read_text() + "\n# a new release\n")
    assert code_digest(deployed) != code_digest(PACKAGE)


async def test_errors_are_not_cached(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/drugs/unknownium")
    assert "etag" not in response.headers
    assert "cache-control" not in response.headers


async def test_large_responses_are_gzipped_when_asked(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/effects/leg-cramps", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.json()["slug"] == "leg-cramps"
    plain = await client.get("/v1/effects/leg-cramps", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers


async def test_cors_allows_reads_from_any_origin(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/drugs", headers={"Origin": "https://app.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    exposed = response.headers["access-control-expose-headers"].lower()
    assert {"etag", "link", "x-request-id"} <= set(re.split(r",\s*", exposed))


async def test_cors_preflight_is_answered(client: httpx.AsyncClient) -> None:
    response = await client.options(
        "/v1/drugs",
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 200
    assert "GET" in response.headers["access-control-allow-methods"]


async def test_oversized_body_is_413_problem(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/drugs", content=b"x" * (64 * 1024 + 1))
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert "65536" in response.json()["detail"]


async def test_docs_pages_use_only_local_assets(client: httpx.AsyncClient) -> None:
    for page in ("/docs", "/redoc"):
        html = (await client.get(page)).text
        assets = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert assets, page
        assert all(a.startswith("/") for a in assets), (page, assets)
        assert "cdn" not in html.lower()
        for asset in assets:
            assert (await client.get(asset)).status_code == 200, asset


@pytest.fixture
async def cached_client(
    session_factory: Callable[[], Session], database_url: str
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app with the response cache on (the shared `app` fixture has it off)."""
    app = create_app(Settings(database_url=database_url, data_version_ttl=0))
    attach_database(app, Database(session_factory))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_response_cache_serves_repeats_and_drops_on_new_data(
    cached_client: httpx.AsyncClient, session: Session
) -> None:
    client = cached_client
    first = await client.get("/v1/search", params={"q": "testamine"})
    assert first.json()["items"] == []
    make_drug(session, name="Testamine")
    cached = await client.get("/v1/search", params={"q": "testamine"})
    assert cached.content == first.content  # same data version: served from the cache
    assert cached.headers["etag"] == first.headers["etag"]
    session.execute(update(DataRelease).values(checksum="reloaded"))
    session.flush()
    fresh = await client.get("/v1/search", params={"q": "testamine"})
    assert fresh.json()["items"][0]["slug"] == "testamine"
    assert fresh.headers["etag"] != first.headers["etag"]


async def test_response_cache_never_stores_errors(
    cached_client: httpx.AsyncClient, session: Session
) -> None:
    client = cached_client
    assert (await client.get("/v1/drugs/testamine")).status_code == 404
    make_drug(session, name="Testamine")
    assert (await client.get("/v1/drugs/testamine")).status_code == 200


async def test_head_answers_like_get_without_the_body(client: httpx.AsyncClient) -> None:
    get = await client.get("/v1/drugs/clonazepam")
    head = await client.head("/v1/drugs/clonazepam")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"]
    assert head.headers["etag"] == get.headers["etag"]
    assert (await client.head("/v1/drugs/unknownium")).status_code == 404
