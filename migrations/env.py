"""Alembic environment: one migration tree for SQLite and PostgreSQL.

On SQLite, foreign keys are switched off while migrations run. Batch mode changes a table by
copying it into a new one and dropping the old; with foreign keys on, that DROP cascades and
silently deletes every row that refers to the table (it emptied drug_effect once). Instead,
the references are checked after the migrations, in the same transaction: any violation
aborts the migration and nothing changes.
"""

from collections.abc import Collection, Mapping
from logging.config import fileConfig
from typing import Any

from alembic import context
from alembic.runtime.migration import MigrationContext, MigrationInfo
from sqlalchemy import Connection

import app.models  # noqa: F401  (registers every table)
from app.config import get_settings
from app.db import make_engine
from app.models import Base
from app.readmodel import READ_MODEL

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata
url: str = config.attributes.get("url") or get_settings().database_url
sqlite = url.startswith("sqlite")


class ForeignKeyViolation(RuntimeError):
    """A migration left rows pointing at rows that no longer exist."""


def _skip_empty(_context: Any, _revision: Any, directives: list[Any]) -> None:
    # An autogenerate run that finds no change writes no empty revision file.
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []


def _forget_read_model(  # alembic passes every argument by name
    ctx: MigrationContext,
    step: MigrationInfo,
    heads: Collection[Any],  # noqa: ARG001
    run_args: Mapping[str, Any],  # noqa: ARG001
) -> None:
    """After each downgrade step: drop the read model's format marker. A downgrade drops
    derived columns and tables that the next upgrade adds back empty or at their defaults
    (every effect_rank 0) while every row count stays the same; without the marker, /readyz
    says not ready and the next `sidefx seed` or import rebuilds them. The marker is derived
    state the loaders write, not data. (Below the first revision there is no table.)"""
    if not step.is_upgrade and step.destination_revision_ids:
        ctx.execute(f"DELETE FROM data_release WHERE name = '{READ_MODEL}'")


def _configure(**kwargs: Any) -> None:
    context.configure(
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=sqlite,
        process_revision_directives=_skip_empty,
        on_version_apply=_forget_read_model,
        **kwargs,
    )


def _run(conn: Connection) -> None:
    if sqlite:  # outside any transaction: SQLite ignores this pragma inside one
        conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
    try:
        _configure(connection=conn)
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise ForeignKeyViolation(f"rows with broken references: {broken[:5]}")
    finally:
        if sqlite:
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


if context.is_offline_mode():
    _configure(url=url, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    connection = config.attributes.get("connection")
    if connection is not None:  # a caller hands over its own connection
        _run(connection)
    else:
        engine = make_engine(url)
        with engine.connect() as conn:
            _run(conn)
        engine.dispose()
