"""The seed's writes by identity: rows upserted by slug (ids stay stable, so imported records
stay attached), and an imported drug or effect adopted when the seed names its code."""

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session


def upsert(session: Session, model: Any, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert or update by slug; returns slug -> id for every row."""
    existing: dict[str, int] = dict(session.execute(select(model.slug, model.id)).all())
    updates = [{"id": existing[r["slug"]], **r} for r in rows if r["slug"] in existing]
    inserts = [model(**r) for r in rows if r["slug"] not in existing]
    if updates:
        session.execute(update(model), updates)
    session.add_all(inserts)
    session.flush()
    slugs = [r["slug"] for r in rows]
    return dict(session.execute(select(model.slug, model.id).where(model.slug.in_(slugs))).all())


def adopt(session: Session, model: Any, code_column: Any, by_code: dict[Any, str]) -> None:
    """An imported record with the code a curated one states becomes that record (slug)."""
    if not by_code:
        return
    for row_id, code, slug in session.execute(
        select(model.id, code_column, model.slug).where(code_column.in_(list(by_code)))
    ):
        wanted = by_code[code]
        taken = session.scalar(select(model.id).where(model.slug == wanted))
        if slug != wanted and taken is None:
            session.execute(update(model).where(model.id == row_id).values(slug=wanted))
