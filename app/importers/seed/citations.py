"""Citations of loaded statements: one Citation row per (statement, anchor)."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.importers.seed.models import Cited
from app.models import Citation

Anchors = dict[str, int]  # "source-slug#anchor-key" -> SourceAnchor.id


def cite(
    session: Session,
    anchors: Anchors,
    parts: Sequence[tuple[str | None, Cited | None]],
    **target: Any,
) -> None:
    """Cite each (part, statement) of one target row (e.g. `drug_id=3`); None statements skip.

    The seed reader checked every anchor exists, so a lookup here cannot fail."""
    rows = [
        {"anchor_id": anchors[ref], "part": part, **target}
        for part, statement in parts
        if statement is not None
        for ref in dict.fromkeys(statement.cite)
    ]
    if rows:
        session.execute(insert(Citation), rows)


def add_cited(session: Session, anchors: Anchors, row: Any, statement: Cited, column: str) -> None:
    """Add ROW, the row of one cited STATEMENT, and cite it (`Citation.<column>` = its id)."""
    session.add(row)
    session.flush()
    cite(session, anchors, [(None, statement)], **{column: row.id})
