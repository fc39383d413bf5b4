"""Outages against a real PostgreSQL that the test stops, freezes and restarts.

A stopped server refuses connections; a frozen one (SIGSTOP) accepts them and never answers,
so only our own bounds can end a request. Either way: /healthz answers at once, cached reads
are served (the last known data version stands while the database does not answer), every
other read is a 503 within the database timeout (plus a margin for a loaded machine), and the
API recovers on its own."""

import os
import shutil
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session

from app.db import Database, make_engine
from app.importers.seed.files import read_seed
from app.importers.seed.load import load_seed
from app.services.meta import data_version
from tests.conftest import SEED_DIR, app_over, settings_for
from tests.pg_cluster import Cluster, new_cluster, postgres_bin

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(
        not os.environ.get("SIDEFX_TEST_DATABASE_URL"), reason="runs in the PostgreSQL pass"
    ),
]
DB_TIMEOUT = 3.0
MARGIN = 20.0  # a loaded CI machine is slow; a hang would be unbounded


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    if postgres_bin() is None:
        pytest.fail("PostgreSQL server binaries are missing (.ci/run installs them)")
    # Not under pytest's tmp dir: as root, the server runs as `postgres`, which cannot enter it.
    directory = Path(tempfile.mkdtemp(prefix="sidefx-outage-"))
    cluster = new_cluster(directory)
    assert cluster is not None
    cluster.start()
    from alembic import command

    from app.cli.database import alembic_config

    command.upgrade(alembic_config(cluster.url), "head")
    engine = make_engine(cluster.url)
    with Session(engine) as session, session.begin():
        load_seed(session, read_seed(SEED_DIR))
    engine.dispose()
    try:
        yield cluster
    finally:
        cluster.thaw()
        cluster.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
async def served(cluster: Cluster) -> AsyncIterator[tuple[FastAPI, Database, httpx.AsyncClient]]:
    settings = settings_for(cluster.url, db_timeout=DB_TIMEOUT, connect_timeout=2,
                            statement_timeout_ms=2000)  # fmt: skip
    engine = make_engine(cluster.url, settings=settings)
    database = Database.for_engine(engine, settings, data_version)
    app = app_over(database, settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield app, database, client
    engine.dispose()


async def _answers_503_in_time(client: httpx.AsyncClient, path: str) -> None:
    started = time.monotonic()
    response = await client.get(path)
    assert response.status_code == 503, (path, response.text)
    assert response.headers["retry-after"]
    assert response.json()["type"] == "/v1/problems/service-unavailable"
    assert time.monotonic() - started < DB_TIMEOUT + MARGIN, path


async def _recovers(client: httpx.AsyncClient) -> None:
    deadline, status = time.monotonic() + 120, 0
    while time.monotonic() < deadline:
        status = (await client.get("/v1/drugs/clonazepam")).status_code
        if status == 200:
            break
        time.sleep(0.5)
    assert status == 200, "did not recover"
    assert (await client.get("/readyz")).status_code == 200


async def test_a_stopped_database_is_503_quickly_and_the_api_recovers(
    cluster: Cluster, served: tuple[FastAPI, Database, httpx.AsyncClient]
) -> None:
    _, _, client = served
    assert (await client.get("/v1/drugs/clonazepam")).status_code == 200
    cluster.stop()
    try:
        for path in ("/v1/drugs/clonazepam", "/v1/compare?drugs=valium,baclofen", "/readyz"):
            await _answers_503_in_time(client, path)
    finally:
        cluster.start()
    await _recovers(client)


async def test_a_frozen_database_never_holds_a_request_and_cached_reads_still_answer(
    cluster: Cluster, served: tuple[FastAPI, Database, httpx.AsyncClient]
) -> None:
    app, database, client = served
    assert (await client.get("/v1/drugs/clonazepam")).status_code == 200
    await app.state.data_version.refresh(lambda: database.monitor(data_version))
    cluster.freeze()
    try:
        started = time.monotonic()
        assert (await client.get("/healthz")).status_code == 200
        assert time.monotonic() - started < MARGIN
        known = app.state.data_version.value
        await app.state.data_version.refresh(lambda: database.monitor(data_version))
        assert app.state.data_version.value == known  # the read timed out: the last one stands
        cached = await client.get("/v1/drugs/clonazepam")
        assert cached.status_code == 200
        for path in ("/v1/drugs/diazepam/effects", "/v1/compare?drugs=valium,baclofen", "/readyz"):
            await _answers_503_in_time(client, path)
    finally:
        cluster.thaw()
    await _recovers(client)
