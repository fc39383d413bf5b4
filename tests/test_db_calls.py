"""A database call past its deadline frees its work (issue: a flood of expensive requests grew
threads 2 -> 88 and RSS by 600 MB): its statement is cancelled, its thread keeps its slot until
it really ends, costly routes cannot take every slot, and the data-version poller never waits
behind requests. On SQLite and PostgreSQL."""

import threading
import time
from collections.abc import Awaitable, Callable, Iterator

import anyio
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.db import Database, make_engine
from app.db_calls import costly_call
from app.edge.http_cache import DataVersion
from app.problems.exceptions import DatabaseTimeout, ServerBusy
from app.services.meta import data_version
from tests.conftest import settings_for

pytestmark = pytest.mark.anyio
DEADLINE = 120.0  # generous: a loaded machine is slow, and an endless statement lasts 10 min


def _endless(session: Session) -> object:
    """A statement that runs for 10 minutes unless something stops it."""
    if session.get_bind().dialect.name == "postgresql":
        return session.execute(text("SELECT pg_sleep(600)")).scalar()
    endless = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    )
    return session.execute(text(endless)).scalar()


@pytest.fixture
def databases(engine: Engine, database_url: str) -> Iterator[Callable[..., Database]]:
    """Databases over engines of their own whose statements may run 10 minutes: only a call's
    own deadline can stop them."""
    engines: list[Engine] = []

    def make(**overrides: object) -> Database:
        settings = settings_for(database_url, statement_timeout_ms=600_000, **overrides)
        engines.append(make_engine(engine.url.render_as_string(False), settings=settings))
        return Database.for_engine(engines[-1], settings, data_version)

    yield make
    # Abandoned calls end on their own (their statements were cancelled): wait until their
    # threads have given their connections back before the pools close, or a connection still
    # held by a thread is collected unclosed during a later test (a ResourceWarning there).
    for made in engines:
        deadline = time.monotonic() + DEADLINE
        while getattr(made.pool, "checkedout", lambda: 0)() and time.monotonic() < deadline:
            time.sleep(0.1)
        made.dispose()


async def _until(check: Callable[[], Awaitable[bool]]) -> None:
    with anyio.fail_after(DEADLINE):
        while not await check():
            await anyio.sleep(0.2)


async def test_a_statement_past_its_call_deadline_is_cancelled(
    databases: Callable[..., Database],
) -> None:
    database = databases(db_timeout=1.0)
    ended = threading.Event()

    def endless(session: Session) -> object:
        try:
            return _endless(session)
        finally:
            ended.set()

    with pytest.raises((DatabaseTimeout, OperationalError)):
        await database.call(endless)
    # At the deadline, not 10 minutes later (SQLite: its progress handler; PostgreSQL: a
    # cancel request).
    assert await anyio.to_thread.run_sync(ended.wait, DEADLINE)


async def test_an_abandoned_call_keeps_its_slot_until_its_thread_ends(
    databases: Callable[..., Database],
) -> None:
    """Work nothing can cancel (a frozen server): the request answers at its deadline, and
    the next call waits for the slot instead of starting one more thread beside it."""
    database = databases(db_timeout=1.0, threadpool_size=1)
    release = threading.Event()
    with pytest.raises(DatabaseTimeout):
        await database.call(lambda _: release.wait(DEADLINE))
    with pytest.raises(DatabaseTimeout):
        await database.call(data_version)  # its one slot is still held
    release.set()

    async def answers() -> bool:
        try:
            return bool(await database.call(data_version))
        except DatabaseTimeout:
            return False

    await _until(answers)


async def test_costly_calls_past_their_share_are_refused_at_once_and_cheap_ones_run(
    databases: Callable[..., Database],
) -> None:
    """Two slots: a costly route may hold one, with one more waiting; the next costly call is
    a 503 at once (not at its deadline), while a cheap call still finds a slot."""
    database = databases(db_timeout=60.0, threadpool_size=2)
    release, started = threading.Event(), threading.Event()

    def costly(session: Session) -> None:
        started.set()
        release.wait(DEADLINE)

    async with anyio.create_task_group() as tasks:
        token = costly_call.set(True)
        tasks.start_soon(database.call, costly)  # runs
        assert await anyio.to_thread.run_sync(started.wait, DEADLINE)
        tasks.start_soon(database.call, costly)  # waits for the costly slot
        await _until(lambda: _true(database._slots and database._slots.costly.waiting == 1))
        with pytest.raises(ServerBusy):
            await database.call(data_version)
        costly_call.reset(token)
        assert await database.call(data_version)  # a cheap call: the other slot
        release.set()


async def test_the_data_version_is_read_outside_the_request_slots(
    databases: Callable[..., Database],
) -> None:
    database = databases(db_timeout=60.0, threadpool_size=1)
    release, started = threading.Event(), threading.Event()

    def hold(session: Session) -> None:
        started.set()
        release.wait(DEADLINE)

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(database.call, hold)  # every request slot taken
        assert await anyio.to_thread.run_sync(started.wait, DEADLINE)
        version = DataVersion()
        await version.refresh(lambda: database.monitor(data_version))
        assert version.value
        release.set()


async def test_a_failed_version_read_keeps_the_last_known_version() -> None:
    """Under load or in an outage a stale known version beats none: the response cache keeps
    answering what it holds instead of switching off."""
    version = DataVersion()

    async def known() -> str:
        return "v1"

    async def timed_out() -> str:
        raise DatabaseTimeout(5)

    await version.refresh(known)
    await version.refresh(timed_out)
    assert version.value == "v1"
    assert version.failing


async def _true(value: object) -> bool:
    return bool(value)
