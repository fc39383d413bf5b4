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


def keys_and_total(
    session: Session, stmt: Select[Any], ordered: Select[Any], limit: int, offset: int
) -> tuple[list[Any], int]:
    """This page's keys and the list's total, in one statement: the total is `count` of STMT
    riding along as an uncorrelated subquery (run once); past the end, `count` alone."""
    total_of = select(func.count()).select_from(stmt.order_by(None).subquery())
    rows = session.execute(
        ordered.add_columns(total_of.scalar_subquery()).limit(limit).offset(offset)
    ).all()
    if rows:
        return [row[0] for row in rows], int(rows[0][-1])
    return [], count(session, stmt) if offset else 0


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
    """page_of for records: their stored JSON, marked where they answer for another term."""
    ids, total = keys_and_total(session, stmt, ordered, limit, offset)
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
    keys, total = keys_and_total(session, stmt, ordered, limit, offset)
    return Page[T](items=list(build(keys)), total=total, limit=limit, offset=offset)
