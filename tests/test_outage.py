"""Outage behaviour against a real PostgreSQL that is stopped and started during the test."""

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from alembic import command
from sqlalchemy.orm import Session

from app.cli import alembic_config
from app.config import Settings
from app.db import Database, make_engine, make_sessionmaker
from app.importers.seed import load_seed
from app.importers.seed_files import read_seed
from app.main import attach_database, create_app
from tests.conftest import SEED_DIR
from tests.pg_cluster import Cluster, new_cluster, postgres_bin

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(
        not os.environ.get("SIDEFX_TEST_DATABASE_URL"), reason="runs in the PostgreSQL pass"
    ),
]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    if postgres_bin() is None:
        pytest.fail("PostgreSQL server binaries are missing (.ci/run installs them)")
    # Not under pytest's tmp dir: as root, the server runs as `postgres`, which cannot enter it.
    directory = Path(tempfile.mkdtemp(prefix="sidefx-outage-"))
    cluster = new_cluster(directory)
    assert cluster is not None
    cluster.start()
    command.upgrade(alembic_config(cluster.url), "head")
    engine = make_engine(cluster.url)
    with Session(engine) as session, session.begin():
        load_seed(session, read_seed(SEED_DIR))
    engine.dispose()
    try:
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(directory, ignore_errors=True)


async def test_outage_answers_503_quickly_and_recovers_on_its_own(cluster: Cluster) -> None:
    settings = Settings(database_url=cluster.url, pool_timeout=2, connect_timeout=2)
    app = create_app(settings)
    engine = make_engine(cluster.url, settings=settings)
    attach_database(app, Database(make_sessionmaker(engine)))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get("/v1/drugs/clonazepam")).status_code == 200

        cluster.stop()
        time.sleep(settings.data_version_ttl)  # cached reads may outlive an outage this long
        for path in ("/v1/drugs/clonazepam", "/v1/compare?drugs=valium,baclofen", "/readyz"):
            started = time.monotonic()
            response = await client.get(path)
            assert response.status_code == 503, (path, response.text)
            assert response.headers["retry-after"]
            assert response.json()["status"] == 503
            assert time.monotonic() - started < settings.pool_timeout + 3, path

        cluster.start()
        back_at, deadline = time.monotonic(), time.monotonic() + 5
        status = 0
        while time.monotonic() < deadline:
            status = (await client.get("/v1/drugs/clonazepam")).status_code
            if status == 200:
                break
            time.sleep(0.2)
        assert status == 200, "did not recover within 5 s"
        assert (await client.get("/readyz")).status_code == 200
        assert time.monotonic() - back_at < 5
    engine.dispose()
