"""The read model: every derived value, computed in one place, after every load.

Every loader (the seed, each import) calls `refresh(session)` at the end of its transaction,
and nothing else writes these columns. Per drug-effect record:

- the **summary incidence** (how sources combine): measured percentages and ranges from labels
  (the median of the record's active rows, their lowest and highest bound beside it) beat
  frequency words from labels ("common", "rare": a band, never turned into a number), which beat
  a curated document's wording (no band), which beats a label listing the effect without any
  frequency. Placebo rows give the placebo frequency (their median). Sources' own values are
  never overwritten; the summary only sits next to them;
- the **flag** of an imported record unlikely to be an effect of the drug (FLAG_RULES in
  derived_rules.py; records a curated document states are never flagged), left out of
  default answers;
- the **list position** in its drug's list: unflagged first, then most frequent first; and
  in its effect's list (`effect_rank`, the reverse lookup's order, models.effect_list_order).

The rules are derived_rules.py; this module reads the records and has derived_update.py
write what they give.
And per record, the sources behind it (DrugEffectSource), for the `source` filter, and the
record itself as the API serves it (derived_records.py).

The pass streams records drug by drug, so memory is bounded by the largest drug, and writes
only values that changed.
"""

from collections.abc import Iterator
from itertools import groupby
from typing import Any

from sqlalchemy import (
    Enum,
    String,
    delete,
    func,
    insert,
    select,
    type_coerce,
    union,
    update,
)
from sqlalchemy.orm import Session

from app.enums import (
    Release,
)
from app.importers.bulk import analyze, id_ranges
from app.importers.derived_keys import rekey
from app.importers.derived_records import store_records
from app.importers.derived_rules import Record, flag, rank, summary
from app.importers.derived_update import DERIVED, RANGE, RecordUpdates
from app.importers.terminology.effects.links import link
from app.models import (
    Citation,
    Drug,
    DrugEffect,
    DrugEffectItem,
    DrugEffectSource,
    DrugUse,
    Effect,
    Evidence,
    Source,
    SourceAnchor,
)

CHUNK = 5000


def refresh(session: Session) -> int:
    """Recompute the read model; returns how many records changed."""
    rekey(session)  # name keys in the current rule (app.text.name_key), before any name join
    link(session)  # effects' MedDRA codes, body systems, kinds and aliases from terminologies
    analyze(session)  # the load's rows in the planner's statistics
    changed = 0
    document_sources = _document_sources(session)
    indications = _indications(session)
    prevalence = _prevalence(session)
    with RecordUpdates(session) as updates:
        for drug_id, records in _records_by_drug(session):
            for r in records:
                r.values = summary(r, document_sources.get(r.id))
                r.values.update(flag(r, indications.get(drug_id, set())))
            rank(records, prevalence)
            for r in records:
                row_changed = tuple(r.values[k] for k in DERIVED) != r.current
                updates.add({"id": r.id, **r.values, "changed": row_changed})
                changed += row_changed
    _record_sources(session)
    _source_backing(session)
    store_records(session)  # last: a record shows its summary, flag and sources
    return changed


def _records_by_drug(session: Session) -> Iterator[tuple[int, list[Record]]]:
    """Each drug's records with their evidence rows, drug by drug (two ordered streams)."""
    # Core rows, and vocabulary columns as their stored strings: at a million rows the ORM's
    # row and enum processing cost more than the arithmetic.
    conn = session.connection()
    records = conn.execute(
        select(
            DrugEffect.id,
            DrugEffect.drug_id,
            DrugEffect.effect_id,
            _text(DrugEffect.context),
            DrugEffect.curated,
            Effect.name,
            Effect.umls_cui,
            *(_text(getattr(DrugEffect, k)) for k in DERIVED),
        )
        .join(Effect, Effect.id == DrugEffect.effect_id)
        .order_by(DrugEffect.drug_id, DrugEffect.id)
        .execution_options(yield_per=CHUNK)
    )
    evidence = iter(
        conn.execute(
            select(
                DrugEffect.drug_id,
                Evidence.drug_effect_id,
                Evidence.source_id,
                _text(Evidence.incidence_band),
                Evidence.frequency_text,
                Evidence.frequency_lower,
                Evidence.frequency_upper,
                Evidence.placebo,
            )
            .join(DrugEffect, DrugEffect.id == Evidence.drug_effect_id)
            .order_by(DrugEffect.drug_id, Evidence.drug_effect_id, Evidence.id)
            .execution_options(yield_per=CHUNK)
        )
    )
    pending = next(evidence, None)
    for drug_id, rows in groupby(records, key=lambda row: row[1]):
        batch = [Record(r[0], r[1], r[2], r[3], r[4], r[5], r[6], tuple(r[7:])) for r in rows]
        by_id = {r.id: r for r in batch}
        while pending is not None and pending[0] <= drug_id:
            if pending[0] == drug_id:
                by_id[pending[1]].rows.append(pending)
            pending = next(evidence, None)
        yield drug_id, batch


def _prevalence(session: Session) -> dict[int, int]:
    """Effect -> how many drugs have a record of it (a prior for records without numbers)."""
    rows = session.connection().execute(
        select(DrugEffect.effect_id, func.count(DrugEffect.drug_id.distinct())).group_by(
            DrugEffect.effect_id
        )
    )
    return {int(effect_id): int(count) for effect_id, count in rows}


def _document_sources(session: Session) -> dict[int, int]:
    """Curated record -> the source its incidence wording (else its first part) cites."""
    rows = session.execute(
        select(Citation.drug_effect_id, SourceAnchor.source_id, Citation.part)
        .join(SourceAnchor, SourceAnchor.id == Citation.anchor_id)
        .where(Citation.drug_effect_id.isnot(None))
        .order_by(Citation.drug_effect_id, Citation.id)
    )
    first: dict[int, int] = {}
    wording: dict[int, int] = {}
    for record_id, source_id, part in rows:
        if record_id is not None:
            first.setdefault(record_id, source_id)
            if part == "incidence":
                wording.setdefault(record_id, source_id)
    return first | wording


def _indications(session: Session) -> dict[int, set[str]]:
    """Drug -> the UMLS CUIs of its indications in the imported release."""
    out: dict[int, set[str]] = {}
    for drug_id, cui in session.connection().execute(
        select(DrugUse.drug_id, DrugUse.umls_cui).where(
            DrugUse.release == Release.sider, DrugUse.umls_cui.isnot(None)
        )
    ):
        if cui is not None:
            out.setdefault(drug_id, set()).add(cui)
    return out


def _text(column: Any) -> Any:
    return (
        type_coerce(column, String).label(column.key) if isinstance(column.type, Enum) else column
    )


def _record_sources(session: Session) -> None:
    """Rebuild record -> source from citations (parts and items) and evidence, a range of
    records at a time (10x SIDER on PostgreSQL: 37 s as one statement)."""
    for low, high in id_ranges(session, DrugEffect.id, RANGE):
        by_part = (
            select(Citation.drug_effect_id, SourceAnchor.source_id)
            .join(SourceAnchor, SourceAnchor.id == Citation.anchor_id)
            .where(Citation.drug_effect_id.between(low, high))
        )
        by_item = (
            select(DrugEffectItem.drug_effect_id, SourceAnchor.source_id)
            .join(Citation, Citation.drug_effect_item_id == DrugEffectItem.id)
            .join(SourceAnchor, SourceAnchor.id == Citation.anchor_id)
            .where(DrugEffectItem.drug_effect_id.between(low, high))
        )
        by_evidence = select(Evidence.drug_effect_id, Evidence.source_id).where(
            Evidence.drug_effect_id.between(low, high)
        )
        session.execute(
            delete(DrugEffectSource).where(DrugEffectSource.drug_effect_id.between(low, high))
        )
        session.execute(
            insert(DrugEffectSource).from_select(
                ["drug_effect_id", "source_id"], union(by_part, by_item, by_evidence)
            )
        )


MAX_DRUG_SLUGS = 100


def _source_backing(session: Session) -> None:
    """Per source: drugs, records, rows and statements it backs (the /v1/sources figures)."""
    conn = session.connection()
    records = dict(
        conn.execute(
            select(DrugEffectSource.source_id, func.count()).group_by(DrugEffectSource.source_id)
        ).all()
    )
    drugs: dict[int, list[str]] = {}
    for source_id, slug in conn.execute(
        select(DrugEffectSource.source_id, Drug.slug)
        .join(DrugEffect, DrugEffect.id == DrugEffectSource.drug_effect_id)
        .join(Drug, Drug.id == DrugEffect.drug_id)
        .distinct()
        .order_by(DrugEffectSource.source_id, Drug.slug)
    ):
        drugs.setdefault(source_id, []).append(slug)
    evidence = dict(
        conn.execute(select(Evidence.source_id, func.count()).group_by(Evidence.source_id)).all()
    )
    statements = dict(
        conn.execute(
            select(SourceAnchor.source_id, func.count())
            .join(Citation, Citation.anchor_id == SourceAnchor.id)
            .group_by(SourceAnchor.source_id)
        ).all()
    )
    for source_id in conn.execute(select(Source.id)).scalars():
        slugs = drugs.get(source_id, [])
        backing = {
            "drugs": len(slugs),
            "drug_effects": records.get(source_id, 0),
            "evidence": evidence.get(source_id, 0),
            "statements": statements.get(source_id, 0),
            "drug_slugs": slugs[:MAX_DRUG_SLUGS],
        }
        conn.execute(update(Source).where(Source.id == source_id).values(backing=backing))
