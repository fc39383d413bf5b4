"""A drug's effects (list, filters) and one drug x effect across every context."""

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from app.enums import INCIDENCE_RANK, BodySystem, Context, IncidenceBand
from app.errors import NotFound
from app.models import DrugEffect, Effect, Evidence, Source
from app.schemas.common import Page
from app.schemas.drug import DrugRef
from app.schemas.effect import (
    DrugEffectDetail,
    DrugEffectSummary,
)
from app.services.pages import AnySelect, count
from app.services.records import (
    EFFECT_COLUMNS,
    SUMMARY_COLUMNS,
    context_records,
    effect_summary,
    evidence_sources,
    incidence,
    onset,
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
) -> Page[DrugEffectSummary]:
    ref = resolve_drug(session, drug)
    conn = session.connection()  # Core rows: no ORM bookkeeping on the hot path
    if not (context or body_system or min_incidence or source):
        rows = conn.execute(
            _FIRST_PAGES, {"drug_id": ref.id, "limit": limit, "offset": offset}
        ).all()
        return _summaries(session, rows, limit, offset, lambda: _count_for_drug(session, ref.id))
    stmt = (
        select(*SUMMARY_COLUMNS, *EFFECT_COLUMNS, func.count().over().label("total"))
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
    rows = conn.execute(_by_incidence(stmt).limit(limit).offset(offset)).all()
    return _summaries(session, rows, limit, offset, lambda: count(session, stmt))


def _summaries(
    session: Session, rows: Sequence[Any], limit: int, offset: int, total: Callable[[], int]
) -> Page[DrugEffectSummary]:
    # The window count rides on every row; past the last page there is none to read it from.
    found = rows[0].total if rows else (total() if offset else 0)
    sources = evidence_sources(session, [r.id for r in rows])
    items = [
        DrugEffectSummary(
            effect=effect_summary(r),
            context=r.context,
            incidence=incidence(r),
            onset=onset(r),
            severity=r.severity,
            sources=sources.get(r.id, []),
        )
        for r in rows
    ]
    return Page(items=items, total=found, limit=limit, offset=offset)


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


def _by_incidence(stmt: AnySelect) -> AnySelect:
    return stmt.order_by(
        DrugEffect.incidence_rank.desc(),
        DrugEffect.frequency.is_(None),
        DrugEffect.frequency.desc(),
        Effect.name,
        DrugEffect.context,
    )


# Built once: the unfiltered first pages are most of the traffic.
_FIRST_PAGES = (
    _by_incidence(
        select(*SUMMARY_COLUMNS, *EFFECT_COLUMNS, func.count().over().label("total"))
        .join(Effect, Effect.id == DrugEffect.effect_id)
        .where(DrugEffect.drug_id == bindparam("drug_id"))
    )
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)
