"""Small keyword-only builders for records the curated seed lacks (flushed, never committed).

`make_record` writes a record as an import would (its own values as evidence rows) and then
runs the derived read model, as every loader does."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import AnchorKind, Context, IncidenceBand, Release, SourceKind
from app.importers.recompute import recompute
from app.importers.sider.incidence import FreqRow, row_band
from app.models import Drug, DrugEffect, Effect, Evidence, Source, SourceAnchor
from app.name_keys import ingredient_key, name_key, slugify


def make_drug(session: Session, *, name: str = "Testamine", **overrides: Any) -> Drug:
    drug = Drug(
        slug=slugify(name),
        name=name,
        key=name_key(name),
        ingredient_key=ingredient_key(name),
        release=Release.sider,
        **overrides,
    )
    session.add(drug)
    session.flush()
    return drug


def make_effect(session: Session, *, name: str = "Test rash", **overrides: Any) -> Effect:
    effect = Effect(
        slug=slugify(name), name=name, key=name_key(name), release=Release.sider, **overrides
    )
    session.add(effect)
    session.flush()
    return effect


def dataset_source(session: Session) -> tuple[int, int]:
    """A dataset source with one file anchor, made once per test transaction."""
    source = session.scalar(select(Source).where(Source.slug == "test-dataset"))
    if source is None:
        source = Source(slug="test-dataset", title="Test dataset", kind=SourceKind.database_release)
        session.add(source)
        session.flush()
        session.add(
            SourceAnchor(
                source_id=source.id, key="rows", kind=AnchorKind.file, label="rows.tsv", position=0
            )
        )
        session.flush()
    anchor = session.scalar(select(SourceAnchor.id).where(SourceAnchor.source_id == source.id))
    assert anchor is not None
    return source.id, anchor


def make_record(
    session: Session,
    *,
    drug: Drug,
    effect: Effect,
    context: Context = Context.side_effect,
    rows: list[tuple[str, float, float, bool]] | None = None,
) -> DrugEffect:
    """A record backed by ROWS of the test dataset: (text, lower, upper, placebo); none gives
    one bare row (listed without a frequency)."""
    source_id, anchor_id = dataset_source(session)
    record = DrugEffect(drug_id=drug.id, effect_id=effect.id, context=context)
    session.add(record)
    session.flush()
    for text, lower, upper, placebo in rows or [("", 0.0, 0.0, False)]:
        bare = not rows
        session.add(
            Evidence(
                drug_effect_id=record.id,
                source_id=source_id,
                anchor_id=anchor_id,
                incidence_band=IncidenceBand.unknown
                if bare
                else row_band(FreqRow(text, lower, upper, placebo)),
                frequency_text=None if bare else text,
                frequency_lower=None if bare else lower,
                frequency_upper=None if bare else upper,
                placebo=placebo,
            )
        )
    session.flush()
    recompute(session)  # as the loaders do after every write
    session.expire_all()
    return record
