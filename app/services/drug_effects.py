"""A drug's effects (list, filters) and one drug x effect across every context."""

import hashlib
import inspect
import json
from collections.abc import Callable, Sequence
from typing import Any

import orjson
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, aliased

from app.enums import INCIDENCE_RANK, BodySystem, Context, IncidenceBand
from app.errors import NotFound
from app.models import DrugEffect, DrugEffectPage, Effect, Evidence, Source
from app.schemas.drug import DrugRef
from app.schemas.effect import DrugEffectDetail, DrugEffectSummary
from app.services.pages import AnySelect, RawPage, count
from app.services.records import (
    EFFECT_COLUMNS,
    LIST_COLUMNS,
    SlugReader,
    context_records,
    effect_summary,
    source_slug_reader,
    summary_item,
)
from app.services.resolve import resolve_drug, resolve_effect


def list_drug_effects(
    session: Session,
    drug: str,
    *,
    context: Context | None,
    body_system: BodySystem | None,
    min_incidence: IncidenceBand | None,
    source: str | None,
    limit: int,
    offset: int,
) -> RawPage:
    ref = resolve_drug(session, drug)
    conn = session.connection()  # Core rows: no ORM bookkeeping on the hot path
    if not (context or body_system or min_incidence or source):
        if offset == 0 and limit == FIRST_PAGE_SIZE:
            stored = conn.execute(_STORED_PAGE, {"drug_id": ref.id}).first()
            if stored is not None:
                return RawPage(stored.items.encode(), stored.total, limit, offset)
        rows = conn.execute(_PAGE, {"drug_id": ref.id, "limit": limit, "offset": offset}).all()
        slugs = source_slug_reader(session)
        return _summaries(rows, limit, offset, slugs, lambda: _count_for_drug(session, ref.id))
    stmt = (
        select(*LIST_COLUMNS, func.count().over().label("total"))
        .join(Effect, Effect.id == DrugEffect.effect_id)
        .where(DrugEffect.drug_id == ref.id)
    )
    if context:
        stmt = stmt.where(DrugEffect.context == context)
    if body_system:
        stmt = stmt.where(Effect.body_system == body_system)
    if min_incidence:
        stmt = stmt.where(DrugEffect.incidence_rank >= INCIDENCE_RANK[min_incidence])
    if source:
        stmt = stmt.where(DrugEffect.id.in_(backed_by(session, source)))
    rows = conn.execute(_in_list_order(stmt).limit(limit).offset(offset)).all()
    return _summaries(
        rows, limit, offset, source_slug_reader(session), lambda: count(session, stmt)
    )


def first_page(session: Session, drug_id: int, source_slugs: SlugReader) -> RawPage:
    """A drug's first page as `list_drug_effects` assembles it (the loaders store these)."""
    rows = (
        session.connection()
        .execute(_PAGE, {"drug_id": drug_id, "limit": FIRST_PAGE_SIZE, "offset": 0})
        .all()
    )
    return _summaries(rows, FIRST_PAGE_SIZE, 0, source_slugs, lambda: 0)  # offset 0: no count


def _summaries(
    rows: Sequence[Any],
    limit: int,
    offset: int,
    source_slugs: SlugReader,
    total_past_the_end: Callable[[], int],
) -> RawPage:
    # The total rides on every row; past the last page there is none to read it from.
    total = rows[0].total if rows else (total_past_the_end() if offset else 0)
    items = [summary_item(r, source_slugs) for r in rows]
    return RawPage(orjson.dumps(items), total, limit, offset)


def _count_for_drug(session: Session, drug_id: int) -> int:
    stmt = select(func.count()).where(DrugEffect.drug_id == drug_id)
    return int(session.connection().execute(stmt).scalar_one())


def backed_by(session: Session, source: str) -> AnySelect:
    """Ids of the drug effects a source backs (a subquery)."""
    return select(Evidence.drug_effect_id).where(
        Evidence.source_id == source_id_for(session, source)
    )


def get_drug_effect_detail(session: Session, drug: str, effect: str) -> DrugEffectDetail:
    drug_ref = resolve_drug(session, drug)
    effect_ref = resolve_effect(session, effect)
    records = session.scalars(
        select(DrugEffect).where(
            DrugEffect.drug_id == drug_ref.id, DrugEffect.effect_id == effect_ref.id
        )
    ).all()
    if not records:
        raise NotFound(
            f"No record links {drug_ref.slug} to {effect_ref.slug}; "
            f"see /v1/drugs/{drug_ref.slug}/effects for what is known."
        )
    effect_row = session.execute(select(*EFFECT_COLUMNS).where(Effect.id == effect_ref.id)).one()
    order = list(Context)
    contexts = context_records(session, sorted(records, key=lambda r: order.index(r.context)))
    return DrugEffectDetail(
        drug=DrugRef(slug=drug_ref.slug, name=drug_ref.name),
        effect=effect_summary(effect_row),
        contexts=contexts,
    )


def source_id_for(session: Session, slug: str) -> int:
    source_id = session.scalar(select(Source.id).where(Source.slug == slug.strip().lower()))
    if source_id is None:
        raise NotFound(f"No source named '{slug[:80]}'; see /v1/sources for the slugs.")
    return source_id


def _in_list_order(stmt: AnySelect) -> AnySelect:
    # list_rank is the precomputed order (app/importers/list_order.py); id breaks no real tie.
    return stmt.order_by(DrugEffect.list_rank, DrugEffect.id)


_OTHER = aliased(DrugEffect)
# Built once, for most of the traffic: an unfiltered page is a range of the
# (drug_id, list_rank) index, and its total is one count on the same index.
_PAGE = (
    _in_list_order(
        select(
            *LIST_COLUMNS,
            select(func.count())
            .select_from(_OTHER)
            .where(_OTHER.drug_id == bindparam("drug_id"))
            .scalar_subquery()
            .label("total"),
        )
        .join(Effect, Effect.id == DrugEffect.effect_id)
        .where(DrugEffect.drug_id == bindparam("drug_id"))
    )
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)


FIRST_PAGE_SIZE = 20  # the routes' default page size: the page most requests ask for


def _page_format() -> str:
    """Names the code that writes pages: the item builder and the published item schema."""
    parts = (
        inspect.getsource(summary_item),
        json.dumps(DrugEffectSummary.model_json_schema(), sort_keys=True),
        str(FIRST_PAGE_SIZE),
    )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


PAGE_FORMAT = _page_format()
_STORED_PAGE = select(DrugEffectPage.total, DrugEffectPage.items).where(
    DrugEffectPage.drug_id == bindparam("drug_id"), DrugEffectPage.format == PAGE_FORMAT
)
