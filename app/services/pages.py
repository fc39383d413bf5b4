"""Counting and slicing a select into a page (the envelope's `total`)."""

from dataclasses import dataclass
from typing import Any, TypeAlias

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

AnySelect: TypeAlias = Select[*tuple[Any, ...]]


def count(session: Session, stmt: AnySelect) -> int:
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    return int(total or 0)


@dataclass(frozen=True, slots=True)
class RawPage:
    """A page whose items are already serialised, in the response model's shape.

    For the hottest list only (a drug's effects): building models to serialise them at once
    costs more than the query. Tests hold its output to the published schema.
    """

    items_json: bytes  # a JSON array
    total: int
    limit: int
    offset: int
