"""A drug's effects (list, filters) and one drug x effect across every context."""

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from app.enums import INCIDENCE_RANK, BodySystem, Context, IncidenceBand
from app.errors import NotFound
from app.models import DrugEffect, DrugEffectSymptom, Effect, Evidence, ManagementStep, Source
from app.schemas.common import Page
from app.schemas.drug import DrugRef
from app.schemas.effect import (
    ContextRecord,
    DrugEffectDetail,
    DrugEffectSummary,
    EffectSummary,
    EvidenceRead,
    Incidence,
    Onset,
)
from app.services.catalog import catalog
from app.services.pages import AnySelect, count
from app.services.resolve import resolve_drug, resolve_effect

EFFECT_COLUMNS = (Effect.slug, Effect.name, Effect.kind, Effect.body_system)


# The summary columns of a drug effect; `incidence()` and `onset()` read rows of these.
SUMMARY_COLUMNS = (
    DrugEffect.id, DrugEffect.context, DrugEffect.severity, DrugEffect.incidence_band,
    DrugEffect.frequency, DrugEffect.placebo_frequency, DrugEffect.incidence_wording,
    DrugEffect.onset_text, DrugEffect.onset_relative_to, DrugEffect.onset_min_days,
    DrugEffect.onset_max_days, DrugEffect.peak_text, DrugEffect.peak_min_days,
    DrugEffect.peak_max_days,
)  # fmt: skip


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


def context_records(session: Session, records: Sequence[DrugEffect]) -> list[ContextRecord]:
    """Full records (symptoms, management, evidence) in three statements, whatever the count."""
    ids = [r.id for r in records]
    symptoms = accompanying_symptoms(session, ids)
    steps = management_steps(session, ids)
    evidence = evidence_records(session, ids)
    return [
        ContextRecord(
            context=r.context,
            incidence=incidence(r),
            onset=onset(r),
            severity=r.severity,
            severity_note=r.severity_note,
            accompanying_symptoms=symptoms.get(r.id, []),
            management=steps.get(r.id, []),
            notes=r.notes,
            evidence=evidence.get(r.id, []),
        )
        for r in records
    ]


def source_id_for(session: Session, slug: str) -> int:
    source_id = session.scalar(select(Source.id).where(Source.slug == slug.strip().lower()))
    if source_id is None:
        raise NotFound(f"No source named '{slug[:80]}'; see /v1/sources for the slugs.")
    return source_id


def evidence_sources(session: Session, drug_effect_ids: list[int]) -> dict[int, list[str]]:
    """Distinct source slugs backing each drug effect, sorted (slugs from the catalog)."""
    if not drug_effect_ids:
        return {}
    rows = session.connection().execute(_SOURCES_OF, {"ids": drug_effect_ids}).all()
    slugs = catalog(session).sources
    out: dict[int, set[str]] = defaultdict(set)
    for drug_effect_id, source_id in rows:
        out[drug_effect_id].add(slugs.get(source_id) or _source_slug(session, source_id))
    return {k: sorted(v) for k, v in out.items()}


_SOURCES_OF = (
    select(Evidence.drug_effect_id, Evidence.source_id)
    .where(Evidence.drug_effect_id.in_(bindparam("ids", expanding=True)))
    .distinct()
)


def _source_slug(session: Session, source_id: int) -> str:
    return session.execute(select(Source.slug).where(Source.id == source_id)).scalar_one()


def effect_summary(row: Any) -> EffectSummary:
    return EffectSummary(slug=row.slug, name=row.name, kind=row.kind, body_system=row.body_system)


def incidence(de: Any) -> Incidence:
    return Incidence(
        band=de.incidence_band,
        frequency=de.frequency,
        placebo_frequency=de.placebo_frequency,
        wording=de.incidence_wording,
    )


def onset(de: Any) -> Onset | None:
    values = (de.onset_text, de.onset_relative_to, de.onset_min_days, de.onset_max_days,
              de.peak_text, de.peak_min_days, de.peak_max_days)  # fmt: skip
    if all(v is None for v in values):
        return None
    return Onset(
        text=de.onset_text,
        relative_to=de.onset_relative_to,
        min_days=de.onset_min_days,
        max_days=de.onset_max_days,
        peak_text=de.peak_text,
        peak_min_days=de.peak_min_days,
        peak_max_days=de.peak_max_days,
    )


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


def accompanying_symptoms(session: Session, ids: list[int]) -> dict[int, list[EffectSummary]]:
    rows = session.execute(
        select(DrugEffectSymptom.drug_effect_id, *EFFECT_COLUMNS)
        .join(Effect, Effect.id == DrugEffectSymptom.effect_id)
        .where(DrugEffectSymptom.drug_effect_id.in_(ids))
        .order_by(DrugEffectSymptom.drug_effect_id, DrugEffectSymptom.position)
    ).all()
    out: dict[int, list[EffectSummary]] = defaultdict(list)
    for r in rows:
        out[r.drug_effect_id].append(effect_summary(r))
    return out


def management_steps(session: Session, ids: list[int]) -> dict[int, list[str]]:
    rows = session.execute(
        select(ManagementStep.drug_effect_id, ManagementStep.text)
        .where(ManagementStep.drug_effect_id.in_(ids))
        .order_by(ManagementStep.drug_effect_id, ManagementStep.position)
    ).all()
    out: dict[int, list[str]] = defaultdict(list)
    for drug_effect_id, text in rows:
        out[drug_effect_id].append(text)
    return out


def evidence_records(session: Session, ids: list[int]) -> dict[int, list[EvidenceRead]]:
    rows = session.execute(
        select(Evidence, Source.slug)
        .join(Source, Source.id == Evidence.source_id)
        .where(Evidence.drug_effect_id.in_(ids))
        .order_by(Evidence.drug_effect_id, Evidence.id)
    ).all()
    out: dict[int, list[EvidenceRead]] = defaultdict(list)
    for ev, slug in rows:
        out[ev.drug_effect_id].append(
            EvidenceRead(
                source=slug,
                section=ev.section,
                incidence_band=ev.incidence_band,
                frequency_text=ev.frequency_text,
                frequency_lower=ev.frequency_lower,
                frequency_upper=ev.frequency_upper,
                placebo=ev.placebo,
                note=ev.note,
            )
        )
    return out
