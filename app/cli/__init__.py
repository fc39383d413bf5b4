"""The `sidefx` command: db upgrade, seed, import sider, serve."""

import os
import signal
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from pathlib import Path
from typing import Annotated

import orjson
import typer
import uvicorn
from alembic import command
from alembic.config import Config
from rich.console import Console
from rich.progress import Progress, TaskID
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from app.cli.terminology import terminology_cli
from app.config import Settings, get_settings
from app.db import make_engine, statement_deadline
from app.importers.bulk import checkpoint, vacuum
from app.importers.load_lock import LoadBusy
from app.importers.seed.files import SeedError, read_seed
from app.importers.seed.load import load_seed
from app.importers.sider.files import SiderError
from app.importers.sider.load import import_sider
from app.importers.sider.release_guard import MAX_DROP
from app.importers.sider.report import summary_table
from app.logging_config import configure_logging
from app.services import export
from app.serving import run_workers

ROOT = Path(__file__).resolve().parents[2]
console = Console(stderr=True)

cli = typer.Typer(help="sidefx: drug side effects in context.", no_args_is_help=True)
db_cli = typer.Typer(help="Database schema.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
import_cli = typer.Typer(help="Import third-party datasets.", no_args_is_help=True)
cli.add_typer(import_cli, name="import")
import_cli.registered_commands += terminology_cli.registered_commands  # hpo, meddra


def alembic_config(url: str | None = None) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["url"] = url or get_settings().database_url
    return config


@db_cli.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations (default: up to head)."""
    command.upgrade(alembic_config(), revision)
    console.print(f"[green]database at {revision}[/green]")


@db_cli.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument()]) -> None:
    """Revert migrations down to REVISION (`base` empties the schema)."""
    command.downgrade(alembic_config(), revision)
    console.print(f"[green]database at {revision}[/green]")


@cli.command()
def seed(
    directory: Annotated[
        Path, typer.Option("--dir", help="Folder with the seed YAML files.")
    ] = ROOT / "seed_data",
    force: Annotated[bool, typer.Option(help="Reload even if the files are unchanged.")] = False,
) -> None:
    """Validate seed_data/*.yaml, then upsert every record in one transaction."""
    try:
        data = read_seed(directory)
    except SeedError as exc:
        console.print(f"[red]seed rejected, database unchanged:[/red] {exc}")
        raise typer.Exit(1) from exc
    settings = get_settings()
    engine = make_engine(settings.database_url, loading=True)
    try:
        with _load_limit(settings), Session(engine) as session, session.begin():
            report = load_seed(session, data, force=force)
    except (OperationalError, DBAPIError) as exc:
        console.print(f"[red]seed failed, database unchanged:[/red] {_db_error(exc)}")
        raise typer.Exit(1) from exc
    else:
        state = "loaded" if report.changed else "unchanged (same checksum; --force reloads)"
        console.print(
            f"seed {state}: {report.sources} sources, {report.drugs} drugs, "
            f"{report.effects} effects, {report.drug_effects} drug effects"
        )
        if report.changed:
            _vacuum(engine)
    finally:
        engine.dispose()


@import_cli.command("sider")
def import_sider_command(
    directory: Annotated[
        Path, typer.Argument(help="Folder with the SIDER files (.tsv or .tsv.gz).")
    ],
    force: Annotated[bool, typer.Option(help="Re-import even if the files are unchanged.")] = False,
    errata: Annotated[
        Path | None,
        typer.Option(help="SIDER's errata file (default: meddra_freq_to_exclude.tsv in DIR)."),
    ] = None,
    allow_shrink: Annotated[
        bool,
        typer.Option(
            help=f"Accept a release that leaves over {MAX_DROP:.0%} fewer records, drugs, "
            "effects, frequency rows or drug uses than the last import."
        ),
    ] = False,
) -> None:
    """Import SIDER 4.1 side effects, frequencies and indications beside the curated records."""
    settings = get_settings()
    engine = make_engine(settings.database_url, loading=True)
    try:
        with (
            _stopped_by_sigterm(),
            Progress(console=console, transient=True) as bar,
            _load_limit(settings),
            Session(engine) as session,
        ):
            tasks: dict[str, TaskID] = {}

            def show(task: str, done: int, total: int) -> None:
                if task not in tasks:
                    tasks[task] = bar.add_task(task, total=total)
                bar.update(tasks[task], completed=done, total=total)

            with session.begin():
                report = import_sider(
                    session,
                    directory,
                    force=force,
                    errata=errata,
                    allow_shrink=allow_shrink,
                    progress=show,
                )
    except SiderError as exc:
        console.print(f"[red]SIDER import rejected, database unchanged:[/red] {exc}")
        raise typer.Exit(1) from exc
    except LoadBusy as exc:
        console.print(f"[red]SIDER import refused, database unchanged:[/red] {exc}")
        raise typer.Exit(1) from exc
    except (OperationalError, DBAPIError) as exc:
        console.print(f"[red]SIDER import failed, database unchanged:[/red] {_db_error(exc)}")
        raise typer.Exit(1) from exc
    except KeyboardInterrupt as exc:
        console.print("[red]SIDER import interrupted, database unchanged[/red]")
        raise typer.Exit(130) from exc
    else:
        if not report.changed:
            console.print("SIDER unchanged (same files as the last import; --force re-imports)")
            return
        console.print(summary_table(report))
        _vacuum(engine)
    finally:
        _checkpoint(engine)
        engine.dispose()


@cli.command("export")
def export_command(
    directory: Annotated[Path, typer.Argument(help="Folder to write the files into.")],
) -> None:
    """Write the whole dataset as NDJSON (drugs, effects, drug-effects) with its manifest, as
    /v1/export serves it."""
    settings = get_settings()
    engine = make_engine(settings.database_url, loading=True)
    directory.mkdir(parents=True, exist_ok=True)
    try:
        with _load_limit(settings), Session(engine) as session, session.begin():
            info = export.manifest(session)
            for kind in export.KINDS:
                path = directory / f"{kind}.ndjson"
                with path.open("wb") as file:
                    after: int | None = 0
                    while after is not None:
                        part = export.chunk(session, kind, after)
                        file.write(part.lines)
                        after = part.last_id
            (directory / "manifest.json").write_bytes(
                orjson.dumps(info, option=orjson.OPT_INDENT_2)
            )
    finally:
        engine.dispose()
    counts = ", ".join(f"{f['records']:,} {f['name']}" for f in info["files"])
    console.print(f"exported {counts} to {directory} (data version {info['data_version']})")


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 1,
    worker_timeout: Annotated[
        int, typer.Option(min=1, help="Seconds a worker has to answer the supervisor, starting.")
    ] = 60,
) -> None:
    """Serve the HTTP API with uvicorn."""
    settings = get_settings()
    config = uvicorn.Config(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # uvicorn's 5 s: a worker starting on a busy host was killed before it could answer, and
        # replaced, in a loop.
        timeout_worker_healthcheck=worker_timeout,
        # asyncio, not uvloop: under saturation uvloop left some connections waiting seconds
        # (p99 2-4 s, wrk timeouts) where asyncio kept p99 near twice the median.
        loop="asyncio",
        # Named, not passed: a spawned worker imports it once it answers the supervisor.
        http="app.serving:SidefxHttpProtocol",
        proxy_headers=True,
        log_config=None,  # create_app() configures logging (JSON, with request ids)
        access_log=False,  # our access log line carries the request id
        log_level=settings.log_level.lower(),
        timeout_graceful_shutdown=settings.graceful_shutdown_seconds,
        timeout_keep_alive=settings.keep_alive_timeout,
    )
    if workers > 1:
        configure_logging(settings.log_level, settings.log_format)  # the supervisor's lines
        with ExitStack() as stack:
            if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
                # Each worker writes its metrics here so /metrics can sum them (prometheus_client).
                metrics_dir = tempfile.TemporaryDirectory(prefix="sidefx-metrics-")
                os.environ["PROMETHEUS_MULTIPROC_DIR"] = stack.enter_context(metrics_dir)
            run_workers(config)
        return
    server = uvicorn.Server(config)
    server.run()
    if not server.started:
        raise typer.Exit(3)  # as uvicorn.run: the app or the socket failed at startup


def _vacuum(engine: Engine) -> None:
    """Tidy up after a committed load (PostgreSQL); a failure here loses nothing."""
    try:
        seconds = vacuum(engine)
    except (OperationalError, DBAPIError) as exc:
        console.print(f"[yellow]loaded; VACUUM (ANALYZE) failed, autovacuum will do it:[/yellow] "
                      f"{_db_error(exc)}")  # fmt: skip
        return
    if seconds is not None:
        console.print(f"VACUUM (ANALYZE) after the load: {seconds:.1f} s")


def _checkpoint(engine: Engine) -> None:
    """Give back a SQLite load's write-ahead log, whether it committed or not."""
    try:
        checkpoint(engine)
    except (OperationalError, DBAPIError) as exc:
        console.print(f"[yellow]WAL checkpoint failed:[/yellow] {_db_error(exc)}")


@contextmanager
def _stopped_by_sigterm() -> Iterator[None]:
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


def _load_limit(settings: Settings) -> AbstractContextManager[None]:
    """SQLite statements of a load stop after the loaders' limit (PostgreSQL: the engine's)."""
    return statement_deadline(settings.load_statement_timeout_ms / 1000)


def _db_error(exc: Exception) -> str:
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


def main() -> None:
    cli()


import app.cli.mcp_stdio  # noqa: E402, F401  (registers `mcp`: the MCP tools over stdio)
from app.cli import terminology  # noqa: E402, F401  (registers `import rxnorm` and `import atc`)
