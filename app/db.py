"""Engine and session factory, shared by the app, the CLI, migrations and tests."""

import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings, get_settings

P = ParamSpec("P")
T = TypeVar("T")


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINTs; let SQLAlchemy emit BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_on_begin(conn: Any) -> None:
    # Straight to the driver: this runs once per request, and SQLAlchemy's statement machinery
    # would double its cost.
    conn.connection.driver_connection.execute("BEGIN")


def make_engine(url: str, *, echo: bool = False, settings: Settings | None = None) -> Engine:
    """An engine with our pragmas and pool limits (settings default to the environment's)."""
    s = settings or get_settings()
    pool = {"pool_size": s.pool_size, "max_overflow": s.pool_max_overflow,
            "pool_timeout": s.pool_timeout}  # fmt: skip
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False}, **pool)
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    connect_args = {
        "connect_timeout": s.connect_timeout,
        "options": f"-c statement_timeout={s.statement_timeout_ms}",
        "application_name": "sidefx",
    }
    # pre_ping replaces connections that died with the server, so recovery needs no restart.
    return create_engine(url, echo=echo, pool_pre_ping=True, connect_args=connect_args, **pool)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


class HeldConnections:
    """Sessions for embedded SQLite, each on its thread's own connection, kept between calls.

    Checking a connection out of the pool and back in (with its reset) cost as much as the
    session itself. Nothing is held open between calls but the file handle: every session
    begins and ends its own transaction, so no snapshot outlives a call.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine, self._local = engine, threading.local()
        self._all: list[Connection] = []
        self._lock = threading.Lock()

    def __call__(self) -> Session:
        conn: Connection | None = getattr(self._local, "connection", None)
        if conn is None or conn.closed or conn.invalidated:
            if conn is not None:
                conn.close()
            conn = self._local.connection = self._engine.connect()
            with self._lock:
                self._all.append(conn)
        return Session(bind=conn, expire_on_commit=False)

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()


class Database:
    """Runs one service call in its own short session.

    The connection is released before the response is serialised, so slow clients never hold
    pooled connections.

    Routes `await call(...)`. With `inline` (SQLite) the sync service runs on the event loop:
    an embedded read is CPU work on the page cache, and handing it to a worker thread costs
    more than the query (GIL hand-offs; see benchmarks/results.md). Over a network (PostgreSQL)
    a call waits on I/O, so it runs in the threadpool and never blocks the loop.
    """

    def __init__(self, factory: Callable[[], Session], *, inline: bool = False) -> None:
        self._factory, self.inline = factory, inline

    @classmethod
    def for_engine(cls, engine: Engine) -> "Database":
        if engine.dialect.name == "sqlite":
            return cls(HeldConnections(engine), inline=True)
        return cls(make_sessionmaker(engine))

    def close(self) -> None:
        if isinstance(self._factory, HeldConnections):
            self._factory.close()

    def run(self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        with self._factory() as session:
            return fn(session, *args, **kwargs)

    async def call(
        self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        if self.inline:
            return self.run(fn, *args, **kwargs)
        return await run_in_threadpool(partial(self.run, fn, *args, **kwargs))


def database(request: Request) -> Database:
    """The app's database (attached at startup). A plain call, not a FastAPI dependency: on the
    hottest routes resolving a sub-dependency cost more than the query (benchmarks/)."""
    db: Database = request.app.state.database
    return db
