"""Database.for_engine, as the server uses it: on SQLite every call runs on the event loop on a
connection kept between calls; on PostgreSQL calls run in the threadpool on pooled connections.
Either way each call is its own transaction, so another process's writes show on the next one."""

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import Database
from app.main import attach_database, create_app
from app.models import Drug
from tests.builders import make_drug

pytestmark = pytest.mark.anyio


@pytest.fixture
def database(engine: Engine) -> Iterator[Database]:
    database = Database.for_engine(engine)
    yield database
    database.close()
    with Session(engine) as session, session.begin():
        session.execute(delete(Drug).where(Drug.slug == "testamine"))


@pytest.fixture
async def client(database: Database, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url=database_url, data_version_ttl=0, response_cache=False))
    attach_database(app, database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def test_sqlite_runs_inline_and_postgresql_in_threads(database: Database, engine: Engine) -> None:
    assert database.inline == (engine.dialect.name == "sqlite")


async def test_a_committed_write_shows_on_the_next_request(
    client: httpx.AsyncClient, engine: Engine
) -> None:
    assert (await client.get("/v1/drugs/clonazepam")).status_code == 200  # connection in use
    assert (await client.get("/v1/drugs/testamine")).status_code == 404
    with Session(engine) as session, session.begin():
        make_drug(session, name="Testamine")
    response = await client.get("/v1/drugs/testamine")
    assert response.status_code == 200
    assert response.json()["name"] == "Testamine"


async def test_a_failed_call_leaves_the_next_one_working(client: httpx.AsyncClient) -> None:
    assert (await client.get("/v1/drugs/unknownium/effects")).status_code == 404
    assert (await client.get("/v1/drugs/clonazepam/effects")).status_code == 200
