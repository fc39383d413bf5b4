"""`sidefx export DIR`: the whole dataset as NDJSON files with their manifest."""

from pathlib import Path
from typing import Annotated

import orjson
import typer
from sqlalchemy.orm import Session

from app.cli.common import console, load_limit
from app.config import get_settings
from app.db import make_engine
from app.services import export


def export_command(
    directory: Annotated[Path, typer.Argument(help="Folder to write the files into.")],
) -> None:
    """Write the whole dataset as NDJSON (drugs, effects, drug-effects) with its manifest, as
    /v1/export serves it."""
    settings = get_settings()
    engine = make_engine(settings.database_url, loading=True)
    directory.mkdir(parents=True, exist_ok=True)
    try:
        with load_limit(settings), Session(engine) as session, session.begin():
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
