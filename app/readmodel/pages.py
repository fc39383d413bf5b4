"""A page of a list: its total, and the ids of this page built into items by the caller."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.readmodel.stored import record_json
from app.schemas.common import Page
from app.schemas.record import MatchedVia

T = TypeVar("T")


def count(session: Session, stmt: Select[Any]) -> int:
    return int(
        session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    )


@dataclass(frozen=True, slots=True)
class RecordPage:
    """A page of stored records (Page[DrugEffectRecord] as JSON): spliced, not re-serialised."""

    items: list[bytes]
    total: int
    limit: int
    offset: int

    def to_json(self) -> bytes:
        return (
            b'{"items":[' + b",".join(self.items)
            + f'],"total":{self.total},"limit":{self.limit},"offset":{self.offset}}}'.encode()
        )  # fmt: skip


def record_page(
    session: Session,
    stmt: Select[Any],
    ordered: Select[Any],
    limit: int,
    offset: int,
    matched: Callable[[list[int]], Mapping[int, MatchedVia]] | None = None,
) -> RecordPage:
    """page_of for records: their stored JSON, marked where they answer for another term.

    The total comes with the page's ids (a window count): STMT ranks every matching row at
    request time anyway, so counting them there is free. Lists with a stored order count
    separately instead (drug_effects.ranked_page), where a window would read the whole list."""
    rows = session.execute(
        ordered.add_columns(func.count().over().label("total")).limit(limit).offset(offset)
    ).all()
    ids = [row[0] for row in rows]
    total = rows[0].total if rows else (count(session, stmt) if offset else 0)
    marks = matched(ids) if matched is not None and ids else None
    return RecordPage(record_json(session, ids, marks), total, limit, offset)


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
