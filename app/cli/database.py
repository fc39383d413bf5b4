"""`sidefx db upgrade` and `sidefx db downgrade`: the Alembic migrations."""

from typing import Annotated

import typer
from alembic import command
from alembic.config import Config

from app.cli.common import ROOT, console
from app.config import get_settings


def alembic_config(url: str | None = None) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["url"] = url or get_settings().database_url
    return config


def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations (default: up to head)."""
    command.upgrade(alembic_config(), revision)
    console.print(f"[green]database at {revision}[/green]")


def db_downgrade(revision: Annotated[str, typer.Argument()]) -> None:
    """Revert migrations down to REVISION (`base` empties the schema)."""
    command.downgrade(alembic_config(), revision)
    console.print(f"[green]database at {revision}[/green]")
