"""The response cache answers repeats without the database.

With the cache on, a first read fills it; then the database fails for real (its SQLite file,
a throwaway of this test's own, is replaced by a file that is not a database). The data
version's next read fails, the last known version stands, and the repeat still answers 200 with
the same body and ETag from the cache, while a read the cache does not hold fails."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from app.db import Database
from app.services.meta import data_version
from tests.conftest import app_over, seeded, settings_for

pytestmark = pytest.mark.anyio
Cached = tuple[FastAPI, Database, Engine, httpx.AsyncClient]


@pytest.fixture
async def cached(tmp_path: Path) -> AsyncIterator[Cached]:
    """The app over a seeded SQLite file of its own, the response cache on, its data version
    read as the poller reads it."""
    url = f"sqlite:///{tmp_path / 'throwaway.db'}"
    engine = seeded(url)
    settings = settings_for(url)
    assert settings.response_cache
    database = Database.for_engine(engine, settings, data_version)
    app = app_over(database, settings)
    await app.state.data_version.refresh(lambda: database.monitor(data_version))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        yield app, database, engine, c
    engine.dispose()


def _break(database_file: Path) -> None:
    """The file replaced by one that is not a database (no connection is open on it)."""
    for leftover in database_file.parent.glob(f"{database_file.name}-*"):  # -wal, -shm
        leftover.unlink()
    database_file.unlink()
    database_file.write_bytes(b"not a database\n" * 1000)


async def test_a_cached_read_still_answers_when_the_database_fails(
    cached: Cached, tmp_path: Path
) -> None:
    app, database, engine, client = cached
    first = await client.get("/v1/drugs/clonazepam")
    assert first.status_code == 200
    engine.dispose()  # the pool's connections closed: the next one opens the file
    _break(tmp_path / "throwaway.db")
    known = app.state.data_version.value
    await app.state.data_version.refresh(lambda: database.monitor(data_version))
    assert app.state.data_version.value == known  # the read failed: the last one stands
    assert (await client.get("/v1/drugs/diazepam")).status_code >= 500  # really failing
    repeat = await client.get("/v1/drugs/clonazepam")
    assert repeat.status_code == 200
    assert repeat.content == first.content
    assert repeat.headers["etag"] == first.headers["etag"]
