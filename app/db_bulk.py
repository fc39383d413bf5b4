"""Bulk writes: the one way loaders write many rows.

PostgreSQL gets COPY (rows streamed in its text format, no statement per row or per chunk to
render); other databases one multi-row INSERT per chunk. Values must be plain (str, int,
float, bool, bytes, None; enums are written as their names, as SQLAlchemy stores them) and
rows must give every column with a Python-side default (COPY knows none).
Measured importing SIDER 4.1 into PostgreSQL (`sidefx import sider`, same machine, same day):
88 s with COPY, 124 s with multi-row INSERTs for the same rows.
"""

import enum
import time
from collections.abc import Sequence
from typing import Any

from psycopg import sql
from sqlalchemy import Engine, Table, func, insert, select, text
from sqlalchemy.orm import Session

from app.models import Base


def write_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> int:
    """Write ROWS (dicts with the same keys) into TABLE; returns how many were written."""
    if not rows:
        return 0
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), list(rows))
        return len(rows)
    columns = list(rows[0])
    missing = [c.name for c in table.columns if c.name not in rows[0] and c.default is not None]
    if missing:  # COPY applies no Python-side default: the caller must give these
        raise ValueError(f"{table.name}: rows lack {', '.join(missing)}")
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    raw: Any = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([_plain(row[c]) for c in columns])
    return len(rows)


def _plain(value: Any) -> Any:
    return value.name if isinstance(value, enum.Enum) else value


def analyze(session: Session, *models: type[Base]) -> None:
    """Fresh planner statistics after bulk writes, on PostgreSQL: of MODELS' tables, or of
    every table (the connection's temporary ones included). Autovacuum cannot see a load's
    uncommitted rows, nor temporary tables at all: planned from the statistics of the tables
    before the load, the read model's batched SELECTs ran minutes instead of seconds, and a
    re-import's evidence (`NOT EXISTS` over a table holding the deleted release) over ten
    minutes. ANALYZE samples the transaction's own rows. SQLite plans these statements well
    without."""
    if session.get_bind().dialect.name == "postgresql":
        names = ", ".join(f'"{m.__tablename__}"' for m in models)
        session.execute(text(f"ANALYZE {names}".strip()))


def checkpoint(engine: Engine) -> None:
    """After a load, committed or not, on SQLite: fold the write-ahead log into the database
    and truncate it. A load's WAL holds its whole transaction (75 MB for SIDER); left behind it
    takes that space on the volume until some later checkpoint, which after a full disk is
    what the operator needs back first. Readers still on an old snapshot make it partial,
    never an error."""
    if engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()  # outside any transaction: a checkpoint cannot run in one
    try:
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
    finally:
        raw.close()


def vacuum(engine: Engine) -> float | None:
    """After a load has committed, on PostgreSQL: VACUUM (ANALYZE) our tables; returns the
    seconds it took (None elsewhere). The read model updates every record it wrote, so a load
    leaves one dead row version per record (1.4 M at 10x SIDER) and no visibility map: until
    autovacuum gets there, minutes later, reads wade through them (bench-scale's 10x reverse
    lookup: 1.57x its 1x latency before autovacuum had reached the table, 0.90x after this)."""
    if engine.dialect.name != "postgresql":
        return None
    started = time.perf_counter()
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"VACUUM (ANALYZE) {tables}"))
    return time.perf_counter() - started


def id_ranges(session: Session, column: Any, width: int) -> list[tuple[int, int]]:
    """Consecutive inclusive ranges of COLUMN's values, WIDTH values wide, covering every row:
    a load's statement over one range costs what the range holds, not what the table does
    (each statement is bounded by the load's statement timeout)."""
    low, high = session.execute(select(func.min(column), func.max(column))).one()
    if low is None:
        return []
    return [(start, min(start + width - 1, high)) for start in range(low, high + 1, width)]
