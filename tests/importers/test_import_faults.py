"""`sidefx import sider` under faults: another load running, a full SQLite database, an import
killed mid-statement on PostgreSQL. Each through the real command on a database of its own."""

import os
import signal
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from typer.testing import CliRunner

import app.cli.sider
from app.cli import cli
from app.config import get_settings
from app.db import make_engine
from app.importers.load_lock import take_load_lock
from app.models import Evidence
from tests.conftest import SIDER_FIXTURES, seeded, separate_database
from tests.servers import in_own_group

DEADLINE = 60.0  # seconds any awaited state change gets


@pytest.fixture
def loaded_url(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, Engine]]:
    """A seeded database of its own, which the CLI's settings point at."""
    with separate_database(database_url, tmp_path, "faults") as url:
        engine = seeded(url)
        monkeypatch.setenv("SIDEFX_DATABASE_URL", url)
        get_settings.cache_clear()
        try:
            yield url, engine
        finally:
            get_settings.cache_clear()
            engine.dispose()


def _evidence(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(Evidence)) or 0)


def test_a_second_import_is_refused_while_another_load_runs(
    loaded_url: tuple[str, Engine],
) -> None:
    """The first load holds the load lock (here: a session on another connection); the second
    is refused with a clear error instead of both running into each other's locks."""
    _, engine = loaded_url
    before = _evidence(engine)
    with Session(engine) as first, first.begin():
        take_load_lock(first)
        second = CliRunner().invoke(cli, ["import", "sider", str(SIDER_FIXTURES)])
    assert second.exit_code == 1
    assert "SIDER import refused, database unchanged: another load" in second.output
    assert "Traceback" not in second.output
    assert _evidence(engine) == before
    after = CliRunner().invoke(cli, ["import", "sider", str(SIDER_FIXTURES)])
    assert after.exit_code == 0, after.output
    assert _evidence(engine) > before


def test_a_full_sqlite_database_is_reported_as_full_and_its_wal_truncated(
    loaded_url: tuple[str, Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLITE_FULL (simulated with max_page_count: the database may not grow) rolls back the
    whole transaction; the error shown is the full disk, and the write-ahead log is given
    back even while another connection (a running server) keeps the database open."""
    url, engine = loaded_url
    if not url.startswith("sqlite"):
        pytest.skip("SQLite only: PostgreSQL reports a full disk itself")
    path = make_url(url).database
    assert path is not None
    server = sqlite3.connect(path)  # keeps the WAL from being removed at the CLI's exit
    pages = server.execute("PRAGMA page_count").fetchone()[0]
    before = _evidence(engine)
    engine.dispose()

    def full_engine(*args: Any, **kwargs: Any) -> Engine:
        made = make_engine(*args, **kwargs)
        event.listen(
            made, "connect", lambda conn, _: conn.execute(f"PRAGMA max_page_count={pages}")
        )
        return made

    monkeypatch.setattr(app.cli.sider, "make_engine", full_engine)
    try:
        wal = Path(f"{path}-wal")
        assert wal.stat().st_size > 0  # the seed's pages, not yet checkpointed away
        result = CliRunner().invoke(cli, ["import", "sider", str(SIDER_FIXTURES)])
        shown = " ".join(result.output.split())  # as rich wrapped it
        assert result.exit_code == 1
        assert (
            "SIDER import failed, database unchanged: OperationalError: database or disk is full"
            in shown
        )
        assert "savepoint" not in shown
        assert wal.stat().st_size == 0
    finally:
        server.close()
    assert _evidence(engine) == before


def _backend(engine: Engine, *conditions: str) -> tuple[int, str] | None:
    """The CLI's backend (pid, state) on the current database, if any matches."""
    where = " AND ".join(
        ["application_name = 'sidefx'", "datname = current_database()", *conditions]
    )
    with engine.connect() as conn:
        row = conn.execute(text(f"SELECT pid, state FROM pg_stat_activity WHERE {where}")).first()
    return None if row is None else (int(row[0]), str(row[1]))


def _poll(check: Any, what: str) -> Any:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.1)
    pytest.fail(f"not within {DEADLINE:.0f} s: {what}")


@pytest.mark.parametrize(
    "sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=lambda s: s.name
)
def test_a_killed_postgresql_import_stops_its_statement_on_the_server(
    loaded_url: tuple[str, Engine], sig: signal.Signals
) -> None:
    """Killed in the middle of a statement (here: one waiting on a lock another connection
    holds), the import's backend stops it and goes away; nothing was written. SIGTERM and
    SIGINT cancel it from the client, SIGKILL leaves the server to notice the client is gone."""
    url, engine = loaded_url
    if not url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: a SQLite import dies with its process")
    before = _evidence(engine)
    blocker = engine.raw_connection()
    try:
        # Held for as long as a loaded machine takes, not the engine's idle limit (60 s).
        blocker.cursor().execute("SET LOCAL idle_in_transaction_session_timeout = 0")
        blocker.cursor().execute("LOCK TABLE drug_effect IN ACCESS EXCLUSIVE MODE")
        # Ctrl-C as in a terminal: a job started in the background inherits SIGINT ignored.
        default_sigint = "import signal; signal.signal(signal.SIGINT, signal.default_int_handler)"
        command = [sys.executable, "-c", f"{default_sigint}; from app.cli import main; main()"]
        env = {**os.environ, "SIDEFX_DATABASE_URL": url}
        with in_own_group([*command, "import", "sider", str(SIDER_FIXTURES)], env) as load:
            waiting = _poll(
                lambda: _backend(engine, "wait_event_type = 'Lock'"), "the import waits"
            )
            load.process.send_signal(sig)
            load.process.wait(timeout=DEADLINE)
            output = load.output()
            _poll(
                lambda: _backend(engine, f"pid = {waiting[0]}", "state = 'active'") is None,
                "the import's statement stops",
            )
    finally:
        blocker.rollback()
        blocker.close()
    if sig == signal.SIGKILL:
        _poll(lambda: _backend(engine, f"pid = {waiting[0]}") is None, "its backend exits")
    else:
        assert load.process.returncode == 130, output
        assert "SIDER import interrupted, database unchanged" in output
    assert _evidence(engine) == before
