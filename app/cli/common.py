"""What the commands share: the project's folder, the console (stderr: stdout is a command's
own output), and for the commands that load: the loaders' statement limit, SIGTERM as Ctrl-C,
the tidy-up after a load, and a load's failures as the operator needs to read them."""

import signal
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import typer
from rich.console import Console
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from app.config import Settings
from app.db import statement_deadline
from app.db_bulk import checkpoint, vacuum

ROOT = Path(__file__).resolve().parents[2]
console = Console(stderr=True)


def vacuum_after_load(engine: Engine) -> None:
    """Tidy up after a committed load (PostgreSQL); a failure here loses nothing."""
    try:
        seconds = vacuum(engine)
    except (OperationalError, DBAPIError) as exc:
        console.print(f"[yellow]loaded; VACUUM (ANALYZE) failed, autovacuum will do it:[/yellow] "
                      f"{db_error(exc)}")  # fmt: skip
        return
    if seconds is not None:
        console.print(f"VACUUM (ANALYZE) after the load: {seconds:.1f} s")


def checkpoint_wal(engine: Engine) -> None:
    """Give back a SQLite load's write-ahead log, whether it committed or not."""
    try:
        checkpoint(engine)
    except (OperationalError, DBAPIError) as exc:
        console.print(f"[yellow]WAL checkpoint failed:[/yellow] {db_error(exc)}")


@contextmanager
def stopped_by_sigterm() -> Iterator[None]:
    """SIGTERM unwinds a load as Ctrl-C does: psycopg cancels the running statement on the
    server and the transaction rolls back. Killed by the default action instead, the client
    vanished and its backend ran on with the statement and its locks."""

    def interrupt(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def load_limit(settings: Settings) -> AbstractContextManager[None]:
    """SQLite statements of a load stop after the loaders' limit (PostgreSQL: the engine's)."""
    return statement_deadline(settings.load_statement_timeout_ms / 1000)


@contextmanager
def load_failures(name: str, refusals: dict[type[Exception], str]) -> Iterator[None]:
    """A load's end other than success, as one line and an exit code; its transaction rolled
    back, so every message says the database is unchanged. REFUSALS: the loader's own
    errors, each with the word for it ("rejected", "refused")."""
    try:
        yield
    except tuple(refusals) as exc:
        word = next(w for kind, w in refusals.items() if isinstance(exc, kind))
        console.print(f"[red]{name} import {word}, database unchanged:[/red] {exc}")
        raise typer.Exit(1) from exc
    except (OperationalError, DBAPIError) as exc:
        console.print(f"[red]{name} import failed, database unchanged:[/red] {db_error(exc)}")
        raise typer.Exit(1) from exc
    except KeyboardInterrupt as exc:
        console.print(f"[red]{name} import interrupted, database unchanged[/red]")
        raise typer.Exit(130) from exc


def db_error(exc: Exception) -> str:
    """The driver's error and the statement it stopped (a load's first wall as data grows is a
    statement past SIDEFX_LOAD_STATEMENT_TIMEOUT_MS: the operator needs to know which)."""
    orig = getattr(exc, "orig", None)
    message = f"{type(orig or exc).__name__}: {str(orig or exc).splitlines()[0][:300]}"
    statement = getattr(exc, "statement", None)
    if statement:
        message += f" (while running: {' '.join(str(statement).split())[:160]})"
    if "timeout" in message.lower() or "interrupted" in message.lower():
        message += "; a larger release may need a higher SIDEFX_LOAD_STATEMENT_TIMEOUT_MS"
    if "disk is full" in message or "disk I/O error" in message:
        message += "; check the free space of the database's volume and of its temporary files"
    return message
