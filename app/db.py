"""Engine and the app's database handle, shared by the app, the CLI, migrations and tests.

Every database call is bounded in time. A statement is cut after `statement_timeout_ms`
(PostgreSQL's statement_timeout; on SQLite a progress handler interrupts it), and a request
waits at most `db_timeout` seconds for all its database work, pool wait included: past that it
answers 503 even if the server stopped answering altogether (a frozen server cannot enforce its
own timeout, so the wait is also bounded on our side). What is left of an abandoned call is
cancelled, and its thread keeps its slot until it ends (app/db_calls.py).
"""

import asyncio
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings, get_settings
from app.db_calls import Call, CapacityFull, Slots, costly_call, hand_off
from app.problems.exceptions import DatabaseTimeout, ServerBusy

P = ParamSpec("P")
T = TypeVar("T")

# Per thread: the statement limit, the call being run, and when the running SQLite statement
# stops (set as each statement starts, as PostgreSQL's statement_timeout counts, or at the
# call's deadline if that comes first).
_deadline = threading.local()
PROGRESS_STEPS = 20_000  # SQLite VM instructions between deadline checks (about 0.1 ms)
BACKGROUND_STATEMENT_TIMEOUT = 120.0  # seconds: reading every name at 50x SIDER takes ~2 s


def _sqlite_progress() -> int:
    at: float | None = getattr(_deadline, "at", None)
    return 1 if at is not None and time.monotonic() > at else 0


def _statement_starts(conn: Any, *_: Any) -> None:
    limit: float | None = getattr(_deadline, "limit", None)
    call: Call | None = getattr(_deadline, "call", None)
    now = time.monotonic()
    at = None if limit is None else now + limit
    if call is not None:
        if now >= call.deadline:  # abandoned: start nothing more
            raise DatabaseTimeout(call.seconds)
        call.uses(conn.connection.driver_connection)
        at = call.deadline if at is None else min(at, call.deadline)
    _deadline.at = at


def _connection_returns(*_: Any) -> None:
    # Before another call can take it: an abandoned call's cancel must not reach that one.
    call: Call | None = getattr(_deadline, "call", None)
    if call is not None:
        call.uses(None)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINTs; let SQLAlchemy emit BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    dbapi_connection.set_progress_handler(_sqlite_progress, PROGRESS_STEPS)


def _sqlite_on_begin(conn: Any) -> None:
    conn.connection.driver_connection.execute("BEGIN")


def make_engine(
    url: str, *, echo: bool = False, settings: Settings | None = None, loading: bool = False
) -> Engine:
    """An engine with our pragmas, pool limits and statement timeout (`loading`: the loaders'
    longer one). Settings default to the environment's."""
    s = settings or get_settings()
    pool = {
        "pool_size": s.pool_size,
        "max_overflow": s.pool_max_overflow,
        "pool_timeout": s.db_timeout,
    }
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False}, **pool)
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        event.listen(engine, "before_cursor_execute", _statement_starts)
        return engine
    timeout = s.load_statement_timeout_ms if loading else s.statement_timeout_ms
    connect_args = {
        "connect_timeout": s.connect_timeout,
        "options": f"-c statement_timeout={timeout} -c idle_in_transaction_session_timeout="
        f"{max(timeout, 60_000)}",
        "application_name": "sidefx",
    }
    # pre_ping replaces connections that died with the server, so recovery needs no restart.
    engine = create_engine(url, echo=echo, pool_pre_ping=True, connect_args=connect_args, **pool)
    event.listen(engine, "before_cursor_execute", _statement_starts)
    event.listen(engine, "checkin", _connection_returns)
    return engine


@contextmanager
def statement_deadline(seconds: float | None) -> Iterator[None]:
    """Each SQLite statement run in this thread stops SECONDS after it starts (None: no limit).
    Per statement, not per call: a load runs thousands of statements (at 10x SIDER, 600 s for
    the whole load interrupted an import no statement of which took a minute)."""
    previous = getattr(_deadline, "limit", None)
    _deadline.limit = seconds
    try:
        yield
    finally:
        _deadline.limit, _deadline.at = previous, None


@dataclass(frozen=True, slots=True)
class Answer(Generic[T]):
    """A service's result and the data version it was read at (the same snapshot)."""

    version: str
    value: T


class Database:
    """Runs one service call in its own short session, in a worker thread, bounded in time.

    The connection is released before the response is serialised, so slow clients never hold
    pooled connections. `read` also returns the data version seen by the same transaction, so
    an ETag always names the data its body was read from.

    Requests share `threads` slots; the calls of costly routes may hold half of them (at least
    one), with as many waiting, and past that get a fast 503. `monitor` (the data-version
    poller) and `background` (the name index) have a slot each of their own, so no flood of
    requests delays them.
    """

    def __init__(
        self,
        factory: Callable[[], Session],
        *,
        version: Callable[[Session], str],
        timeout: float,
        statement_timeout: float,
        threads: int,
    ) -> None:
        self._factory, self._version = factory, version
        self.timeout, self.statement_timeout, self.threads = timeout, statement_timeout, threads
        self.costly_slots = max(1, threads // 2)
        self.background_statement_timeout = max(statement_timeout, BACKGROUND_STATEMENT_TIMEOUT)
        self._slots: Slots | None = None

    @classmethod
    def for_engine(
        cls, engine: Engine, settings: Settings, version: Callable[[Session], str]
    ) -> "Database":
        if engine.dialect.name == "postgresql":
            # One snapshot per call: the version and the data come from the same moment.
            engine = engine.execution_options(isolation_level="REPEATABLE READ")
        return cls(
            sessionmaker(engine, expire_on_commit=False),
            version=version,
            timeout=settings.db_timeout,
            statement_timeout=settings.statement_timeout_ms / 1000,
            threads=settings.threadpool_size or (16 if engine.dialect.name == "postgresql" else 2),
        )

    def run(self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        with statement_deadline(self.statement_timeout), self._factory() as session:
            return fn(session, *args, **kwargs)

    def _read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Answer[T]:
        with statement_deadline(self.statement_timeout), self._factory() as session:
            version = self._version(session)
            return Answer(version, fn(session, *args, **kwargs))

    async def call(
        self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        return await self._in_thread(partial(self.run, fn, *args, **kwargs))

    async def read(
        self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> Answer[T]:
        return await self._in_thread(partial(self._read, fn, *args, **kwargs))

    async def monitor(self, fn: Callable[[Session], T]) -> T:
        """FN as a request's call is run, but in a slot of its own: what the server needs to
        keep answering (the data version) never queues behind requests."""
        return await self._in_thread(partial(self.run, fn), lane="monitor")

    async def background(self, fn: Callable[[Session], T]) -> T:
        """FN in a slot of its own, one job at a time, without the request deadline: work no
        request waits for (the name index, seconds at 50x SIDER; export chunks). Its statements
        may run BACKGROUND_STATEMENT_TIMEOUT; a cancelled job keeps its slot until it ends."""
        return await self._in_thread(partial(self._run_long, fn), lane="background")

    def _run_long(self, fn: Callable[[Session], T]) -> T:
        limit = self.background_statement_timeout
        with statement_deadline(limit), self._factory() as session:
            if session.get_bind().dialect.name == "postgresql":  # its limit is per connection
                session.execute(
                    text("SELECT set_config('statement_timeout', :ms, true)"),
                    {"ms": str(int(limit * 1000))},
                )
            return fn(session)

    async def _in_thread(self, job: Callable[[], T], *, lane: str = "requests") -> T:
        slots = self._slots
        if slots is None or slots.loop is not asyncio.get_running_loop():
            slots = self._slots = Slots.of(self.threads, self.costly_slots)
        timeout = None if lane == "background" else self.timeout
        call = Call(timeout or math.inf, cancel_timeout=min(self.timeout, 3.0))
        try:
            async with asyncio.timeout(timeout):
                if lane == "requests" and costly_call.get():
                    await call.take(slots.costly)
                await call.take(getattr(slots, lane))
                # Not awaited past the deadline: a thread stuck on a frozen server must not
                # hold the request. It keeps its slots until it ends (db_calls.hand_off).
                return await hand_off(call, partial(_run_call, call, job))
        except BaseException as exc:
            call.abandon()
            if isinstance(exc, CapacityFull):
                raise ServerBusy(self.costly_slots) from None
            if isinstance(exc, TimeoutError):
                raise DatabaseTimeout(self.timeout) from None
            raise


def _run_call(call: Call, job: Callable[[], T]) -> T:
    if not call.start():
        raise DatabaseTimeout(call.seconds)  # the request gave up before this thread began
    _deadline.call = call
    try:
        return job()
    finally:
        _deadline.call = None
        call.finish()
