"""`sidefx seed`: the curated records of seed_data/*.yaml, in one transaction."""

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from app.cli.common import ROOT, console, db_error, load_limit, vacuum_after_load
from app.config import get_settings
from app.db import make_engine
from app.importers.seed.files import SeedError, read_seed
from app.importers.seed.load import load_seed


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
        with load_limit(settings), Session(engine) as session, session.begin():
            report = load_seed(session, data, force=force)
    except (OperationalError, DBAPIError) as exc:
        console.print(f"[red]seed failed, database unchanged:[/red] {db_error(exc)}")
        raise typer.Exit(1) from exc
    else:
        state = "loaded" if report.changed else "unchanged (same checksum; --force reloads)"
        console.print(
            f"seed {state}: {report.sources} sources, {report.drugs} drugs, "
            f"{report.effects} effects, {report.drug_effects} drug effects"
        )
        if report.changed:
            vacuum_after_load(engine)
    finally:
        engine.dispose()
