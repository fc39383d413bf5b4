"""The database handle as the server uses it: every call in a worker thread, bounded in time
(the statement, and the whole call), each call its own transaction."""

import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import anyio
import httpx
import pytest
from sqlalchemy import Engine, delete, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.db import Database
from app.models import Drug
from app.problems.exceptions import DatabaseTimeout
from app.services.meta import data_version
from tests.builders import make_drug
from tests.conftest import app_over, database_over, settings_for

pytestmark = pytest.mark.anyio


@pytest.fixture
def database(engine: Engine, database_url: str) -> Iterator[Database]:
    yield Database.for_engine(engine, settings_for(database_url), data_version)
    with Session(engine) as session, session.begin():
        session.execute(delete(Drug).where(Drug.slug == "testamine"))


@pytest.fixture
async def client(database: Database, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = settings_for(database_url, response_cache=False)
    app = app_over(database, settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        yield c


async def test_a_committed_write_shows_on_the_next_request(
    client: httpx.AsyncClient, engine: Engine
) -> None:
    assert (await client.get("/v1/drugs/testamine")).status_code == 404
    with Session(engine) as session, session.begin():
        make_drug(session, name="Testamine")
    assert (await client.get("/v1/drugs/testamine")).json()["name"] == "Testamine"


async def test_a_failed_call_leaves_the_next_one_working(client: httpx.AsyncClient) -> None:
    assert (await client.get("/v1/drugs/unknownium/effects")).status_code == 404
    assert (await client.get("/v1/drugs/clonazepam/effects")).status_code == 200


# A few billion SQLite VM steps: far longer than any limit below.
_SLOW_SQLITE = text(
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
)


def _slow_statement(session: Session) -> object:
    if session.get_bind().dialect.name == "postgresql":
        return session.execute(text("SELECT pg_sleep(30)")).scalar()
    return session.execute(_SLOW_SQLITE).scalar()


async def test_a_long_statement_is_cut_at_the_statement_timeout(
    engine: Engine, database_url: str
) -> None:
    settings = settings_for(database_url, statement_timeout_ms=200, db_timeout=60)
    url = engine.url.render_as_string(hide_password=False)
    from app.db import make_engine

    bounded = make_engine(url, settings=settings)
    database = Database.for_engine(bounded, settings, data_version)
    started = time.monotonic()
    with pytest.raises(OperationalError):
        await database.call(_slow_statement)
    assert time.monotonic() - started < 30  # cut long before the statement would end
    assert await database.call(data_version)  # and the next call works
    bounded.dispose()


def test_the_sqlite_limit_is_per_statement_not_per_call(tmp_path: Path) -> None:
    """A load runs thousands of statements under one limit: each statement has the whole
    limit, as on PostgreSQL (a 10x SIDER import was cut when the load as a whole passed it)."""
    from app.db import make_engine, statement_deadline

    engine = make_engine(f"sqlite:///{tmp_path / 'limit.db'}")
    steps = text(  # ~a million VM steps: far under a second, over the progress handler's period
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) "
        "SELECT count(*) FROM n"
    )
    with statement_deadline(2.0), engine.connect() as conn:
        time.sleep(2.5)  # the call has outlived the limit; the next statement has not
        assert conn.execute(steps).scalar() == 100_000
        with pytest.raises(OperationalError, match="interrupted"):
            conn.execute(_SLOW_SQLITE)
    engine.dispose()


async def test_a_slow_statement_is_a_503_problem_saying_so(
    engine: Engine, database_url: str
) -> None:
    settings = settings_for(database_url, statement_timeout_ms=200, response_cache=False)
    from app.db import make_engine

    bounded = make_engine(engine.url.render_as_string(hide_password=False), settings=settings)
    database = Database.for_engine(bounded, settings, data_version)
    app = app_over(database, settings)

    @app.get("/v1/slow", include_in_schema=False)
    async def slow() -> object:
        return await database.call(_slow_statement)

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        response = await c.get("/v1/slow")
    assert response.status_code == 503
    assert response.json()["type"] == "/v1/problems/service-unavailable"
    assert "took too long" in response.json()["detail"]
    assert response.headers["retry-after"]
    bounded.dispose()


async def test_a_call_that_does_not_return_in_time_is_abandoned(database_url: str) -> None:
    """A frozen server cannot cut its own statements: the call is bounded on our side."""

    def stuck(session: Session) -> None:
        time.sleep(20)

    database = database_over(sessionmaker(), settings_for(database_url, db_timeout=0.5))
    started = time.monotonic()
    with pytest.raises(DatabaseTimeout):
        await database.call(stuck)
    assert time.monotonic() - started < 15


async def test_a_slow_call_never_holds_a_cheap_request(engine: Engine, database_url: str) -> None:
    """Service calls run in worker threads, not on the event loop: while one client's call runs
    for seconds, another client's request is answered (issue: one slow client stalled all)."""
    settings = settings_for(database_url, statement_timeout_ms=10_000, response_cache=False)
    from app.db import make_engine

    bounded = make_engine(engine.url.render_as_string(hide_password=False), settings=settings)
    database = Database.for_engine(bounded, settings, data_version)
    app = app_over(database, settings)
    running = threading.Event()

    def slow_statement(session: Session) -> object:
        running.set()
        return _slow_statement(session)

    @app.get("/v1/slow", include_in_schema=False)
    async def slow() -> object:
        return await database.call(slow_statement)

    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c,
        anyio.create_task_group() as tasks,
    ):
        slow_answers: list[httpx.Response] = []

        async def slow_client() -> None:
            slow_answers.append(await c.get("/v1/slow"))

        tasks.start_soon(slow_client)
        assert await anyio.to_thread.run_sync(running.wait, 60)
        cheap = await c.get("/v1/drugs/clonazepam")
        assert cheap.status_code == 200
        assert not slow_answers  # answered while the slow call still runs
    assert slow_answers[0].status_code == 503  # then the slow one is cut at its limit
    bounded.dispose()


def _second_long_statement(session: Session) -> int:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_sleep(1)"))
        return 1
    count = text(  # ~1.8 s on a fast machine: 18x the 0.1 s limit, slower when loaded
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000000) "
        "SELECT count(*) FROM n"
    )
    return 1 if session.execute(count).scalar() == 10_000_000 else 0


async def test_background_work_is_not_cut_at_the_request_statement_limit(
    engine: Engine, database_url: str
) -> None:
    """The name index reads every name (seconds at 50x SIDER): a background job has the longer
    limit, on both databases, while a request's call with the same work is cut at 0.1 s."""
    settings = settings_for(database_url, statement_timeout_ms=100, db_timeout=60)
    from app.db import make_engine

    bounded = make_engine(engine.url.render_as_string(hide_password=False), settings=settings)
    database = Database.for_engine(bounded, settings, data_version)
    with pytest.raises(OperationalError):
        await database.call(_second_long_statement)
    assert await database.background(_second_long_statement) == 1
    with pytest.raises(OperationalError):  # the longer limit ended with the job's transaction
        await database.call(_second_long_statement)
    bounded.dispose()
