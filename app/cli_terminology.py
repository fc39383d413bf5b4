"""`sidefx import rxnorm DIR` and `sidefx import atc FILE`: codes from the user's own
terminology files (registered on app.cli's `import` group)."""

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from app.cli import _checkpoint, _db_error, _load_limit, _stopped_by_sigterm, console, import_cli
from app.config import get_settings
from app.db import make_engine
from app.importers.load_lock import LoadBusy
from app.importers.terminology import (
    TerminologyError,
    TerminologyReport,
    import_atc,
    import_rxnorm,
)

FORCE = Annotated[bool, typer.Option(help="Re-import even if nothing changed.")]
VERSION = Annotated[
    str | None, typer.Option("--version", help="The release's version, as its source cites it.")
]


@import_cli.command("rxnorm")
def import_rxnorm_command(
    directory: Annotated[
        Path, typer.Argument(help="The release's rrf folder (RXNCONSO.RRF, RXNREL.RRF ...).")
    ],
    force: FORCE = False,
    version: VERSION = None,
) -> None:
    """Drug codes (ingredient RXCUI, ATC) and brand names from your RxNorm release.

    Full release or prescribable subset; prints matched / ambiguous / unmatched drugs."""
    _run("RxNorm", lambda s: import_rxnorm(s, directory, force=force, version=version))


@import_cli.command("atc")
def import_atc_command(
    file: Annotated[Path, typer.Argument(help="A CSV with columns code,name (WHO ATC index).")],
    force: FORCE = False,
    version: VERSION = None,
) -> None:
    """Drug ATC codes from your WHO ATC index; prints matched / unmatched drugs."""
    _run("ATC", lambda s: import_atc(s, file, force=force, version=version))


def _run(name: str, load: Callable[[Session], TerminologyReport]) -> None:
    settings = get_settings()
    engine = make_engine(settings.database_url, loading=True)
    try:
        with (
            _stopped_by_sigterm(),
            _load_limit(settings),
            Session(engine) as session,
            session.begin(),
        ):
            report = load(session)
    except (TerminologyError, LoadBusy) as exc:
        console.print(f"[red]{name} import refused, database unchanged:[/red] {exc}")
        raise typer.Exit(1) from exc
    except (OperationalError, DBAPIError) as exc:
        console.print(f"[red]{name} import failed, database unchanged:[/red] {_db_error(exc)}")
        raise typer.Exit(1) from exc
    except KeyboardInterrupt as exc:
        console.print(f"[red]{name} import interrupted, database unchanged[/red]")
        raise typer.Exit(130) from exc
    else:
        if not report.changed:
            console.print(f"{name} unchanged (same files and drugs as the last import; --force)")
            return
        for line in report.lines():
            console.print(line, highlight=False, markup=False, soft_wrap=True)
    finally:
        _checkpoint(engine)
        engine.dispose()
