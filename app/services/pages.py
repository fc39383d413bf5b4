"""A page of a list: its total, and the ids of this page built into items by the caller."""

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.schemas.common import Page

T = TypeVar("T")


def count(session: Session, stmt: Select[Any]) -> int:
    return int(
        session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    )


def page_of(
    session: Session,
    stmt: Select[Any],
    ordered: Select[Any],
    limit: int,
    offset: int,
    build: Callable[[list[Any]], Sequence[T]],
) -> Page[T]:
    """`stmt` selects the keys of every matching row (for the total), `ordered` the same keys in
    list order; `build` turns this page's keys into items."""
    keys = list(session.scalars(ordered.limit(limit).offset(offset)))
    total = count(session, stmt) if keys or offset else 0
    return Page[T](items=list(build(keys)), total=total, limit=limit, offset=offset)
