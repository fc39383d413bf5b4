"""Counting and slicing a select into a page (the envelope's `total`)."""

from typing import Any, TypeAlias

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

AnySelect: TypeAlias = Select[*tuple[Any, ...]]


def count(session: Session, stmt: AnySelect) -> int:
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    return int(total or 0)
