"""The read model: every derived value, computed in one place, after every load.

Every loader (the seed, each import) calls `refresh(session)` at the end of its transaction,
and nothing else writes these columns. Per drug-effect record:

- the **summary incidence** (how sources combine): measured percentages and ranges from labels
  (the median of the record's active rows, their lowest and highest bound beside it) beat
  frequency words from labels ("common", "rare": a band, never turned into a number), which beat
  a curated document's wording (no band), which beats a label listing the effect without any
  frequency. Placebo rows give the placebo frequency (their median). Sources' own values are
  never overwritten; the summary only sits next to them;
- the **flag** of an imported record unlikely to be an effect of the drug (see FLAG_RULES;
  records a curated document states are never flagged), left out of default answers;
- the **list position** in its drug's list: unflagged first, then most frequent first.

And per record, the sources behind it (DrugEffectSource), for the `source` filter, and the
record itself as the API serves it (derived_records.py).

The pass streams records drug by drug, so memory is bounded by the largest drug, and writes
only values that changed.
"""

import re
import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from sqlalchemy import (
    Column,
    Enum,
    Float,
    Integer,
    MetaData,
    String,
    Table,
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
    INCIDENCE_RANK,
    Context,
    Flag,
    IncidenceBand,
    IncidenceBasis,
    Release,
)
from app.importers.bulk import analyze, write_rows
from app.importers.derived_records import store_records
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

CIOMS_FLOORS = (  # lowest fraction of each band, most frequent first
    (0.1, IncidenceBand.very_common),
    (0.01, IncidenceBand.common),
    (0.001, IncidenceBand.uncommon),
    (0.0001, IncidenceBand.rare),
)
PROCEDURE_TERM = re.compile(r"(?:\btherapy|\bprocedure|\boperation|^surgery)$", re.IGNORECASE)
# Withdrawal from something other than the drug (alcohol, tobacco): UMLS CUIs of the PTs.
OTHER_SUBSTANCE_WITHDRAWAL = {"C0236663": "alcohol", "C1167842": "tobacco"}
FLAG_RULES = {
    Flag.procedure_or_therapy: "the term names a procedure or a therapy, not an effect "
    "(a MedDRA term ending in 'therapy', 'procedure' or 'operation', or 'Surgery')",
    Flag.indication: "the term is an indication of this drug in the same release",
    Flag.not_above_placebo: "its measured frequency is not above the placebo frequency",
    Flag.other_substance_withdrawal: "withdrawal from another substance, not from this drug",
}
DERIVED = (
    "summary_band",
    "summary_rank",
    "frequency",
    "frequency_low",
    "frequency_high",
    "placebo_frequency",
    "basis",
    "basis_source_id",
    "measured_rows",
    "flag",
    "flag_reason",
    "list_rank",
)
CHUNK = 5000


def band_of_fraction(fraction: float) -> IncidenceBand:
    for floor, band in CIOMS_FLOORS:
        if fraction >= floor:
            return band
    return IncidenceBand.very_rare


@dataclass
class _Record:
    id: int
    drug_id: int
    context: Context
    curated: bool
    effect_name: str
    umls_cui: str | None
    current: tuple[Any, ...]
    rows: list[Any] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)


def refresh(session: Session) -> int:
    """Recompute the read model; returns how many records changed."""
    analyze(session)  # the load's rows in the planner's statistics
    changed = 0
    document_sources = _document_sources(session)
    indications = _indications(session)
    with _Updates(session) as updates:
        for drug_id, records in _records_by_drug(session):
            for r in records:
                r.values = _summary(r, document_sources.get(r.id))
                r.values.update(_flag(r, indications.get(drug_id, set())))
            _rank(records)
            for r in records:
                row = tuple(r.values[k] for k in DERIVED)
                if row != r.current:
                    updates.add({"id": r.id, **r.values})
                    changed += 1
    _record_sources(session)
    _source_backing(session)
    store_records(session)  # last: a record shows its summary, flag and sources
    return changed


def _records_by_drug(session: Session) -> Iterator[tuple[int, list[_Record]]]:
    """Each drug's records with their evidence rows, drug by drug (two ordered streams)."""
    # Core rows, and vocabulary columns as their stored strings: at a million rows the ORM's
    # row and enum processing cost more than the arithmetic.
    conn = session.connection()
    records = conn.execute(
        select(
            DrugEffect.id,
            DrugEffect.drug_id,
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
        batch = [_Record(r[0], r[1], r[2], r[3], r[4], r[5], tuple(r[6:])) for r in rows]
        by_id = {r.id: r for r in batch}
        while pending is not None and pending[0] <= drug_id:
            if pending[0] == drug_id:
                by_id[pending[1]].rows.append(pending)
            pending = next(evidence, None)
        yield drug_id, batch


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


def _summary(r: _Record, document_source: int | None) -> dict[str, Any]:
    active = [row for row in r.rows if not row.placebo]
    measured = [row for row in active if _states_number(row.frequency_text)]
    placebo = [
        _midpoint(row) for row in r.rows if row.placebo and _states_number(row.frequency_text)
    ]
    values: dict[str, Any] = {
        "frequency": None,
        "frequency_low": None,
        "frequency_high": None,
        "placebo_frequency": round(statistics.median(placebo), 6) if placebo else None,
        "measured_rows": len(measured),
        "basis_source_id": None,
    }
    if measured:
        median = round(statistics.median([_midpoint(row) for row in measured]), 6)
        band, basis = band_of_fraction(median), IncidenceBasis.measured
        values["frequency"] = median
        values["frequency_low"] = min(row.frequency_lower for row in measured)
        values["frequency_high"] = max(row.frequency_upper for row in measured)
        values["basis_source_id"] = measured[0].source_id
    elif active:
        band = max((row.incidence_band for row in active), key=INCIDENCE_RANK.__getitem__)
        basis, values["basis_source_id"] = IncidenceBasis.label_words, active[0].source_id
    elif r.curated:
        band, basis = IncidenceBand.unknown, IncidenceBasis.document_wording
        values["basis_source_id"] = document_source
    else:
        band, basis = IncidenceBand.unknown, IncidenceBasis.listed_without_frequency
        values["basis_source_id"] = r.rows[0].source_id if r.rows else None
    return values | {"summary_band": band, "summary_rank": INCIDENCE_RANK[band], "basis": basis}


def _flag(r: _Record, indications: set[str]) -> dict[str, Any]:
    flag: Flag | None = None
    if r.umls_cui in OTHER_SUBSTANCE_WITHDRAWAL:
        flag = Flag.other_substance_withdrawal
    elif r.curated:
        flag = None  # a document states it: never flagged
    elif PROCEDURE_TERM.search(r.effect_name):
        flag = Flag.procedure_or_therapy
    elif r.umls_cui in indications and r.context == Context.side_effect:
        flag = Flag.indication
    elif _not_above_placebo(r.values["frequency"], r.values["placebo_frequency"]):
        flag = Flag.not_above_placebo
    return {"flag": flag, "flag_reason": FLAG_RULES[flag] if flag else None}


def _not_above_placebo(frequency: float | None, placebo: float | None) -> bool:
    return frequency is not None and placebo is not None and frequency <= placebo


def _rank(records: list[_Record]) -> None:
    """Unflagged first; then band, then the number, then curated before imported; A-Z."""
    order = sorted(
        records,
        key=lambda r: (
            r.values["flag"] is not None,
            -r.values["summary_rank"],
            -(r.values["frequency"] if r.values["frequency"] is not None else -1.0),
            not r.curated,
            r.effect_name.casefold(),
            list(Context).index(r.context),
            r.id,
        ),
    )
    for position, r in enumerate(order, start=1):
        r.values["list_rank"] = position


def _states_number(text: str | None) -> bool:
    """'21%' or '1-3%' state a number; 'rare' and 'postmarketing' do not."""
    return text is not None and any(c.isdigit() for c in text)


def _midpoint(row: Any) -> float:
    return float((row.frequency_lower + row.frequency_upper) / 2)


class _Updates:
    """Changed rows go to a temporary table in chunks, then into drug_effect in one UPDATE."""

    def __init__(self, session: Session) -> None:
        self.session, self.pending, self.count = session, list[dict[str, Any]](), 0
        columns: list[Column[Any]] = [Column("id", Integer, primary_key=True)]
        for name in DERIVED:
            if isinstance(DrugEffect.__table__.c[name].type, Float):
                columns.append(Column(name, Float()))
            elif name in ("summary_rank", "basis_source_id", "measured_rows", "list_rank"):
                columns.append(Column(name, Integer()))
            else:
                columns.append(Column(name, String(300)))
        self.table = Table("derived_update", MetaData(), *columns, prefixes=["TEMPORARY"])

    def __enter__(self) -> "_Updates":
        self.table.create(self.session.connection())
        return self

    def add(self, row: dict[str, Any]) -> None:
        self.pending.append({k: (v.value if hasattr(v, "value") else v) for k, v in row.items()})
        if len(self.pending) >= CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self.pending:
            self.count += write_rows(self.session, self.table, self.pending)
            self.pending = []

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self._flush()
            if self.count:
                t = self.table.c
                self.session.execute(
                    update(DrugEffect)
                    .where(DrugEffect.id == t.id)
                    .values({name: t[name] for name in DERIVED}),
                    execution_options={"synchronize_session": False},
                )
        self.table.drop(self.session.connection())


def _record_sources(session: Session) -> None:
    """Rebuild record -> source from citations (parts and items) and evidence."""
    by_part = (
        select(Citation.drug_effect_id, SourceAnchor.source_id)
        .join(SourceAnchor, SourceAnchor.id == Citation.anchor_id)
        .where(Citation.drug_effect_id.isnot(None))
    )
    by_item = (
        select(DrugEffectItem.drug_effect_id, SourceAnchor.source_id)
        .join(Citation, Citation.drug_effect_item_id == DrugEffectItem.id)
        .join(SourceAnchor, SourceAnchor.id == Citation.anchor_id)
    )
    by_evidence = select(Evidence.drug_effect_id, Evidence.source_id)
    session.execute(delete(DrugEffectSource))
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
