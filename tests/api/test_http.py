"""Caching, validators, compression, CORS, size limits, security headers and offline docs."""

import base64
import hashlib
import re
import shutil
import tracemalloc
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update
from sqlalchemy.orm import Session
from starlette.types import Message, Receive, Scope, Send

from app.edge.http_cache import PACKAGE, ReadCache, code_digest
from app.models import DataRelease
from tests.builders import make_drug
from tests.conftest import app_over, database_over, settings_for

pytestmark = pytest.mark.anyio


async def test_reads_carry_etag_cache_control_and_vary(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/drugs/clonazepam")
    assert response.headers["etag"].startswith('W/"')
    assert response.headers["cache-control"] == "public, max-age=300"
    assert "accept-encoding" in response.headers["vary"].lower()


async def test_a_matching_if_none_match_is_304_with_the_same_vary(
    client: httpx.AsyncClient,
) -> None:
    first = await client.get("/v1/drugs/clonazepam")
    response = await client.get(
        "/v1/drugs/clonazepam", headers={"If-None-Match": first.headers["etag"]}
    )
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == first.headers["etag"]
    assert response.headers["vary"] == first.headers["vary"]
    assert response.headers["x-request-id"]


async def test_if_none_match_star_is_304_only_for_something_that_exists(
    client: httpx.AsyncClient,
) -> None:
    assert (
        await client.get("/v1/drugs/clonazepam", headers={"If-None-Match": "*"})
    ).status_code == 304
    missing = await client.get("/v1/drugs/nonexistium", headers={"If-None-Match": "*"})
    assert missing.status_code == 404


async def test_if_none_match_star_is_304_on_a_cached_answer_too(
    cached: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    _, client = cached
    first = await client.get("/v1/drugs/clonazepam")  # now in the response cache
    again = await client.get("/v1/drugs/clonazepam", headers={"If-None-Match": "*"})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]


async def test_etag_differs_per_url(client: httpx.AsyncClient) -> None:
    a = (await client.get("/v1/drugs", params={"limit": 1})).headers["etag"]
    b = (await client.get("/v1/drugs", params={"limit": 2})).headers["etag"]
    assert a != b


async def test_the_etag_names_the_data_the_body_was_read_from(
    client: httpx.AsyncClient, session: Session
) -> None:
    old = await client.get("/v1/drugs/clonazepam")
    session.execute(update(DataRelease).values(checksum="a-new-load"))
    session.flush()
    response = await client.get(
        "/v1/drugs/clonazepam", headers={"If-None-Match": old.headers["etag"]}
    )
    assert response.status_code == 200
    assert response.headers["etag"] != old.headers["etag"]


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


async def test_a_refused_preflight_is_a_problem(client: httpx.AsyncClient) -> None:
    response = await client.options(
        "/v1/drugs",
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "DELETE"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/v1/problems/bad-request"


async def test_an_unexpected_error_is_a_500_problem_with_cors_headers(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    @app.get("/v1/boom", include_in_schema=False)
    def boom() -> None:
        raise RuntimeError("secret detail")

    response = await client.get("/v1/boom", headers={"Origin": "https://app.example"})
    assert response.status_code == 500
    assert response.json()["type"] == "/v1/problems/internal-error"
    assert "secret" not in response.text
    assert "Traceback" not in response.text
    assert response.headers["access-control-allow-origin"] == "*"


async def test_an_oversized_body_is_a_413_problem_with_cors_headers(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/v1/drugs", content=b"x" * (64 * 1024 + 1), headers={"Origin": "https://app.example"}
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert "65536" in response.json()["detail"]
    assert response.headers["access-control-allow-origin"] == "*"


async def test_a_chunked_oversized_body_is_a_413_too(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(70):
            yield b"x" * 1024

    response = await client.post("/v1/drugs", content=chunks())
    assert response.status_code == 413


async def test_docs_pages_use_only_local_assets(client: httpx.AsyncClient) -> None:
    for page in ("/docs", "/redoc"):
        html = (await client.get(page)).text
        assets = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert assets, page
        assert all(a.startswith("/") for a in assets), (page, assets)
        assert "cdn" not in html.lower()
        for asset in assets:
            assert (await client.get(asset)).status_code == 200, asset


async def test_every_kind_of_response_says_nosniff(client: httpx.AsyncClient) -> None:
    first = await client.get("/v1/drugs/clonazepam")
    responses = [
        first,
        await client.get("/v1/drugs/clonazepam", headers={"If-None-Match": first.headers["etag"]}),
        await client.get("/v1/drugs/unknownium"),
        await client.post("/v1/drugs", content=b"x" * (64 * 1024 + 1)),
        await client.get("/healthz"),
        await client.get("/openapi.json"),
        await client.get("/docs"),
    ]
    assert [r.headers.get("x-content-type-options") for r in responses] == ["nosniff"] * 7


async def test_docs_pages_may_not_be_framed_and_run_only_their_own_scripts(
    client: httpx.AsyncClient,
) -> None:
    """Their inline script (Swagger UI's start) is allowed by its hash, no other; assets and
    the document come from the app itself (rendered offline: docs/check-offline-docs.sh)."""
    for page in ("/docs", "/redoc"):
        response = await client.get(page)
        assert response.headers["x-frame-options"] == "DENY"
        directives = response.headers["content-security-policy"].split("; ")
        policy = {d.split(" ", 1)[0]: d.split(" ", 1)[1] for d in directives}
        assert policy["default-src"] == "'self'"
        assert policy["frame-ancestors"] == "'none'"
        scripts = re.findall(r"<script>(.*?)</script>", response.text, re.DOTALL)
        hashes = {
            f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
            for s in scripts
        }
        assert set(policy["script-src"].split()) == {"'self'"} | hashes
    assert "content-security-policy" not in (await client.get("/v1/meta")).headers


async def test_with_docs_disabled_no_document_or_asset_is_served(
    session_factory: Callable[[], Session], database_url: str
) -> None:
    settings = settings_for(database_url, docs_enabled=False)
    app = app_over(database_over(session_factory, settings), settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        for path in ("/docs", "/redoc", "/openapi.json", "/static-offline-docs/swagger-ui.css"):
            assert (await c.get(path)).status_code == 404, path
        assert (await c.get("/v1/meta")).status_code == 200


@pytest.fixture
async def cached(
    session_factory: Callable[[], Session], database_url: str
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """An app with the response cache on, its data version read as the poller would."""
    settings = settings_for(database_url)
    database = database_over(session_factory, settings)
    app = app_over(database, settings)
    await app.state.data_version.refresh(lambda: database.call(_version))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        yield app, c


def _version(session: Session) -> str:
    from app.services.meta import data_version

    return data_version(session)


async def test_the_response_cache_serves_repeats_until_the_version_changes(
    cached: tuple[FastAPI, httpx.AsyncClient], session: Session
) -> None:
    app, client = cached
    first = await client.get("/v1/drugs/testamine/effects")
    assert first.status_code == 404
    assert (await client.get("/v1/search", params={"q": "clonazepam"})).status_code == 200
    make_drug(session, name="Testamine")  # a change without a new load: the cache still holds
    hit = await client.get("/v1/search", params={"q": "clonazepam"})
    assert hit.status_code == 200
    assert (await client.get("/v1/drugs/testamine")).status_code == 200  # errors were not cached
    session.execute(update(DataRelease).values(checksum="reloaded"))
    session.flush()
    database = app.dependency_overrides[next(iter(app.dependency_overrides))]()
    await app.state.data_version.refresh(lambda: database.call(_version))
    fresh = await client.get("/v1/search", params={"q": "clonazepam"})
    assert fresh.headers["etag"] != hit.headers["etag"]


async def test_a_cached_answer_keeps_its_own_etag_and_304s_before_any_query(
    cached: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    _, client = cached
    first = await client.get("/v1/drugs/clonazepam")
    again = await client.get("/v1/drugs/clonazepam")
    assert again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]
    not_modified = await client.get(
        "/v1/drugs/clonazepam", headers={"If-None-Match": first.headers["etag"]}
    )
    assert not_modified.status_code == 304


async def test_the_response_cache_is_bounded_in_bytes(
    session_factory: Callable[[], Session], database_url: str
) -> None:
    settings = settings_for(database_url, response_cache_bytes=64 * 1024)
    database = database_over(session_factory, settings)
    app = app_over(database, settings)
    await app.state.data_version.refresh(lambda: database.call(_version))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        for offset in range(0, 30):
            await c.get(f"/v1/drugs?limit=5&offset={offset}")
    cache = next(m for m in _middlewares(app) if isinstance(m, ReadCache))
    assert 0 < cache._bytes <= 64 * 1024


async def test_the_cache_budget_bounds_its_memory_long_urls_included() -> None:
    """Its keys count: 20,000 answers under 8 KB URLs in a 4 MiB cache take at most 4 MiB (as
    Python allocates it); the budget once ignored URLs (30,000 of them: +67 MB for 18 MB)."""
    budget = 4 * 1024 * 1024
    cache = ReadCache(_fresh_answer, prefix="/v1", max_age=300, max_bytes=budget)
    state = SimpleNamespace(data_version=SimpleNamespace(value="v1"), route_templates={})
    app = SimpleNamespace(state=state)

    async def receive() -> Message:
        return {"type": "http.request"}

    async def send(message: Message) -> None:
        pass

    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(20_000):
            path = f"/v1/drugs/{'x' * 8000}{i}"
            scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(),
                     "query_string": b"", "headers": [], "app": app, "state": {}}  # fmt: skip
            await cache(scope, receive, send)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert 0 < cache._bytes <= budget
    assert held <= budget


async def _fresh_answer(scope: Scope, receive: Receive, send: Send) -> None:
    """A small read as a route answers it: headers made for this URL."""
    scope["state"]["data_version"] = "v1"
    body = b'{"n": "%s"}' % scope["path"][-5:].encode()
    etag = f'W/"v1.0-{hashlib.sha256(scope["raw_path"]).hexdigest()[:16]}"'.encode()
    headers = [(b"content-length", str(len(body)).encode()), (b"etag", etag)]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _middlewares(app: FastAPI) -> list[object]:
    out: list[object] = []
    layer: object = app.middleware_stack
    while layer is not None:
        out.append(layer)
        layer = getattr(layer, "app", None)
    return out


async def test_head_answers_like_get_without_the_body(client: httpx.AsyncClient) -> None:
    get = await client.get("/v1/drugs/clonazepam")
    head = await client.head("/v1/drugs/clonazepam")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"]
    assert head.headers["etag"] == get.headers["etag"]
    assert (await client.head("/v1/drugs/unknownium")).status_code == 404
