"""Rows to response shapes, shared by every view of drug effects: summaries, full context
records (symptoms, management, evidence) and the sources behind them."""

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Enum, String, bindparam, cast, func, literal_column, select, type_coerce
from sqlalchemy.orm import Session

from app.models import DrugEffect, DrugEffectSymptom, Effect, Evidence, ManagementStep, Source
from app.schemas.effect import ContextRecord, EffectSummary, EvidenceRead, Incidence, Onset
from app.services.catalog import catalog

EFFECT_COLUMNS = (Effect.slug, Effect.name, Effect.kind, Effect.body_system)


# The summary columns of a drug effect; `incidence()` and `onset()` read rows of these.
SUMMARY_COLUMNS = (
    DrugEffect.id, DrugEffect.context, DrugEffect.severity, DrugEffect.incidence_band,
    DrugEffect.frequency, DrugEffect.placebo_frequency, DrugEffect.incidence_wording,
    DrugEffect.onset_text, DrugEffect.onset_relative_to, DrugEffect.onset_min_days,
    DrugEffect.onset_max_days, DrugEffect.peak_text, DrugEffect.peak_min_days,
    DrugEffect.peak_max_days,
)  # fmt: skip


# The sources behind a record, as "1,3,1" (deduplicated by `summary_item`): one correlated
# lookup per row instead of a second statement.
SOURCE_IDS = (
    # A literal separator: a bound one is re-rendered into the SQL on every execution.
    select(func.aggregate_strings(cast(Evidence.source_id, String), literal_column("','")))  # type: ignore[arg-type]
    .where(Evidence.drug_effect_id == DrugEffect.id)
    .scalar_subquery()
    .label("source_ids")
)
# A list row, unpacked by `summary_item`. Vocabulary columns come back as the stored strings
# (CHECK constraints hold them to the vocabulary), which is exactly what the JSON carries.
LIST_COLUMNS = (
    *(
        type_coerce(c, String).label(c.key) if isinstance(c.type, Enum) else c
        for c in (*SUMMARY_COLUMNS, *EFFECT_COLUMNS)
    ),
    SOURCE_IDS,
)


SlugReader = Callable[[str | None], list[str]]


def summary_item(row: Sequence[Any], source_slugs: SlugReader) -> dict[str, Any]:
    """A DrugEffectSummary as plain JSON data, fields in the model's order (see RawPage)."""
    (_, context, severity, band, frequency, placebo, wording, onset_text, relative_to, min_days,
     max_days, peak_text, peak_min, peak_max, slug, name, kind, body_system,
     source_ids) = row[:19]  # fmt: skip
    timing = (onset_text, relative_to, min_days, max_days, peak_text, peak_min, peak_max)
    return {
        "effect": {"slug": slug, "name": name, "kind": kind, "body_system": body_system},
        "context": context,
        "incidence": {
            "band": band, "frequency": frequency, "placebo_frequency": placebo, "wording": wording
        },
        "onset": None if timing.count(None) == len(timing) else {
            "text": onset_text, "relative_to": relative_to, "min_days": min_days,
            "max_days": max_days, "peak_text": peak_text, "peak_min_days": peak_min,
            "peak_max_days": peak_max,
        },
        "severity": severity,
        "sources": source_slugs(source_ids),
    }  # fmt: skip


def source_slug_reader(session: Session, slugs: Mapping[int, str] | None = None) -> SlugReader:
    """Reads SOURCE_IDS values into sorted, distinct source slugs (by default from the catalog).

    Most records of a page share one value ("6", "6,6"), so each value is read once."""
    slugs, seen = (
        catalog(session).sources if slugs is None else slugs,
        dict[str | None, list[str]](),
    )

    def read(source_ids: str | None) -> list[str]:
        if (known := seen.get(source_ids)) is not None:
            return known
        ids = {int(i) for i in source_ids.split(",")} if source_ids else set()
        seen[source_ids] = sorted(slugs.get(i) or _source_slug(session, i) for i in ids)
        return seen[source_ids]

    return read


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
