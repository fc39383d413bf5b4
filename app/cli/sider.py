"""`sidefx import sider DIR`: SIDER 4.1, in one transaction, with a progress bar."""

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, TaskID
from sqlalchemy.orm import Session

from app.cli.common import (
    checkpoint_wal,
    console,
    load_failures,
    load_limit,
    stopped_by_sigterm,
    vacuum_after_load,
)
from app.config import get_settings
from app.db import make_engine
from app.importers.load_lock import LoadBusy
from app.importers.sider.files import SiderError
from app.importers.sider.load import import_sider
from app.importers.sider.release_guard import MAX_DROP
from app.importers.sider.report import summary_table


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
            load_failures("SIDER", {SiderError: "rejected", LoadBusy: "refused"}),
            stopped_by_sigterm(),
            Progress(console=console, transient=True) as bar,
            load_limit(settings),
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
        if not report.changed:
            console.print("SIDER unchanged (same files as the last import; --force re-imports)")
            return
        console.print(summary_table(report))
        vacuum_after_load(engine)
    finally:
        checkpoint_wal(engine)
        engine.dispose()
