"""The NDJSON export: complete (a trailer with the count) or visibly cut (an error line and an
aborted transfer), resumable with `after=`, conditional with ETag, read a chunk at a time."""

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from uvicorn import Config, Server

from app.models import DrugEffect, StoredRecord
from app.services import export
from tests.builders import make_drug
from tests.conftest import app_over, database_over, settings_for

pytestmark = pytest.mark.anyio
KINDS = ["drugs", "effects", "drug-effects"]
DEADLINE = 300.0  # generous: a loaded machine must not fail a test an idle one passes


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 3 lines, so the curated seed's exports take many chunks."""
    monkeypatch.setattr(export, "CHUNK", dict.fromkeys(export.KINDS, 3))


def _key(kind: str, line: dict[str, Any]) -> str:
    if kind == "drug-effects":
        return f"{line['drug']['slug']}/{line['effect']['slug']}/{line['context']}"
    return str(line["slug"])


async def _export(client: httpx.AsyncClient, kind: str, **params: str) -> list[bytes]:
    response = await client.get(f"/v1/export/{kind}.ndjson", params=params)
    assert response.status_code == 200, response.text
    *lines, last = response.content.splitlines()
    assert json.loads(last) == {
        "end": True,
        "count": len(lines),
        "data_version": response.headers["x-data-version"],
    }
    return lines


@pytest.mark.parametrize("kind", ["drugs", "effects"])
async def test_every_line_is_what_the_api_answers_for_it(
    client: httpx.AsyncClient, kind: str, small_chunks: None
) -> None:
    lines = await _export(client, kind)
    assert len(lines) > 3
    for line in lines:
        one = await client.get(f"/v1/{kind}/{json.loads(line)['slug']}")
        assert one.content == line


@pytest.mark.parametrize("kind", KINDS)
async def test_resuming_after_any_line_returns_exactly_the_rest(
    client: httpx.AsyncClient, kind: str, small_chunks: None
) -> None:
    full = await _export(client, kind)
    for cut in sorted({1, 3, 4, len(full) // 2, len(full) - 1, len(full)}):
        rest = await _export(client, kind, after=_key(kind, json.loads(full[cut - 1])))
        assert full[:cut] + rest == full, cut


@pytest.mark.parametrize(
    ("kind", "after"),
    [("drugs", "no-such-drug"), ("effects", "x"), ("drug-effects", "clonazepam/drowsiness/x")],
)
async def test_a_resume_key_of_no_line_is_a_422_problem(
    client: httpx.AsyncClient, kind: str, after: str
) -> None:
    response = await client.get(f"/v1/export/{kind}.ndjson", params={"after": after})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert "start the export again" in response.json()["detail"]


async def test_the_export_has_an_etag_and_answers_304_to_it(client: httpx.AsyncClient) -> None:
    first = await client.get("/v1/export/drugs.ndjson")
    etag = first.headers["etag"]
    for sent in (etag, "*", f'"other", {etag}'):
        again = await client.get("/v1/export/drugs.ndjson", headers={"If-None-Match": sent})
        assert (again.status_code, again.content) == (304, b"")
        assert again.headers["etag"] == etag
    resumed = await client.get("/v1/export/drugs.ndjson", params={"after": "clonazepam"})
    assert resumed.headers["etag"] != etag  # another body, another tag


async def test_browsers_may_read_the_data_version(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/export/drugs.ndjson", headers={"Origin": "https://a.example"})
    exposed = response.headers["access-control-expose-headers"].lower()
    assert "x-data-version" in exposed
    assert "etag" in exposed


async def test_the_export_completes_under_a_tiny_request_deadline(
    session_factory: Callable[[], Session], database_url: str, small_chunks: None
) -> None:
    """The request deadline (1 ms here, 5 s by default) cut chunks of a started export under
    load; an export's chunks have a limit of their own, in minutes."""
    settings = settings_for(database_url, db_timeout=0.001, response_cache=False)
    app = app_over(database_over(session_factory, settings), settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as c:
        for kind in KINDS:
            assert len(await _export(c, kind)) > 3


async def test_the_response_cache_never_keeps_an_export(
    session_factory: Callable[[], Session], database_url: str, session: Session
) -> None:
    settings = settings_for(database_url)  # the response cache on, as in production
    app = app_over(database_over(session_factory, settings), settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as c:
        before = await _export(c, "drugs")
        make_drug(session, name="Testamine")  # no new data version: a cached copy would hide it
        after = await _export(c, "drugs")
        response = await c.get("/v1/export/drugs.ndjson")
    assert len(after) == len(before) + 1
    assert response.headers["cache-control"] == "no-store"


async def _read(client: httpx.AsyncClient, path: str) -> tuple[int, bytes, bool]:
    """(status, the body received, whether the transfer was cut)."""
    received = b""
    async with client.stream("GET", path) as response:
        try:
            async for part in response.aiter_bytes():
                received += part
        except httpx.RemoteProtocolError:  # "peer closed connection without sending complete..."
            return response.status_code, received, True
    return response.status_code, received, False


@pytest.fixture
async def served(session_factory: Callable[[], Session], database_url: str) -> AsyncIterator[str]:
    """The app on a real socket (uvicorn), so a cut transfer is what a client really sees."""
    settings = settings_for(database_url, response_cache=False)
    app: FastAPI = app_over(database_over(session_factory, settings), settings)
    server = Server(Config(app=app, lifespan="off", log_config=None))
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        task = asyncio.create_task(server.serve(sockets=[listener]))
        while not server.started:
            await asyncio.sleep(0.01)
        host, port = listener.getsockname()
        yield f"http://{host}:{port}"
        server.should_exit = True
        await task


async def test_an_export_that_fails_after_it_started_ends_with_an_error_line_and_a_cut(
    served: str, session: Session, small_chunks: None
) -> None:
    """A real fault after the 200 (the stored records of later chunks are missing): the last
    line is an error, no trailer, and the transfer is aborted, so curl exits 18 and every
    line reader notices."""
    path = "/v1/export/drug-effects.ndjson"
    async with httpx.AsyncClient(base_url=served, timeout=DEADLINE) as client:
        whole = await _read(client, path)
        ids = session.scalars(select(DrugEffect.id).order_by(DrugEffect.id)).all()
        session.execute(delete(StoredRecord).where(StoredRecord.drug_effect_id > ids[4]))
        session.flush()
        status, received, cut = await _read(client, path)
    assert (whole[0], whole[2], json.loads(whole[1].splitlines()[-1])["end"]) == (200, False, True)
    assert (status, cut) == (200, True)
    *lines, last = received.splitlines()
    assert len(lines) == 3  # the first chunk; the second failed
    assert "resume with after=" in json.loads(last)["error"]
    assert all("end" not in json.loads(line) for line in lines)
