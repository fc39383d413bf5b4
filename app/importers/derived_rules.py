"""The read model's rules: the summary incidence, the flags and the list order of a record.

Pure functions over one drug's records (derived.py reads them and writes what these return);
the rules are stated in derived.py's docstring and README "How sources combine".
"""

import re
import statistics
from dataclasses import dataclass, field
from typing import Any

from app.enums import INCIDENCE_RANK, Context, Flag, IncidenceBand, IncidenceBasis

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


def band_of_fraction(fraction: float) -> IncidenceBand:
    for floor, band in CIOMS_FLOORS:
        if fraction >= floor:
            return band
    return IncidenceBand.very_rare


@dataclass
class Record:
    id: int
    drug_id: int
    context: Context
    curated: bool
    effect_name: str
    umls_cui: str | None
    current: tuple[Any, ...]
    rows: list[Any] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)


def summary(r: Record, document_source: int | None) -> dict[str, Any]:
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


def flag(r: Record, indications: set[str]) -> dict[str, Any]:
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


def rank(records: list[Record]) -> None:
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
