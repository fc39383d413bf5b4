"""Small keyword-only builders for records the curated seed lacks (flushed, never committed)."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import INCIDENCE_RANK, Context, IncidenceBand
from app.importers.list_order import refresh_drug_effect_lists
from app.models import Drug, DrugEffect, Effect, Evidence, Source
from app.text import slugify


def make_drug(session: Session, *, name: str = "Testamine", **overrides: Any) -> Drug:
    drug = Drug(slug=slugify(name), name=name, formulations=[], **overrides)
    session.add(drug)
    session.flush()
    return drug


def make_effect(session: Session, *, name: str = "Test rash", **overrides: Any) -> Effect:
    effect = Effect(slug=slugify(name), name=name, **overrides)
    session.add(effect)
    session.flush()
    return effect


def source_id(session: Session, slug: str) -> int:
    return session.execute(select(Source.id).where(Source.slug == slug)).scalar_one()


def make_drug_effect(
    session: Session,
    *,
    drug: Drug,
    effect: Effect,
    source: str = "clonazepam-leg-cramps",
    context: Context = Context.side_effect,
    band: IncidenceBand = IncidenceBand.unknown,
    frequency: float | None = None,
) -> DrugEffect:
    sid = source_id(session, source)
    record = DrugEffect(
        drug_id=drug.id,
        effect_id=effect.id,
        context=context,
        source_id=sid,
        incidence_band=band,
        incidence_rank=INCIDENCE_RANK[band],
        frequency=frequency,
    )
    session.add(record)
    session.flush()
    session.add(Evidence(drug_effect_id=record.id, source_id=sid, incidence_band=band))
    session.flush()
    refresh_drug_effect_lists(session)  # as the loaders do after every write
    return record
