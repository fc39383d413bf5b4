"""The read model's rules: the summary incidence and the flags of a record.

Pure functions over one drug's records (refresh.py reads them and writes what these return;
the order of the lists is order.py); the rules are stated in refresh.py's docstring and
README "How sources combine". The flags' texts are the vocabulary's (effect_vocabularies.py).
"""

import re
import statistics
from dataclasses import dataclass, field
from typing import Any

from app.effect_vocabularies import FLAG_RULES
from app.enums import INCIDENCE_RANK, Context, Flag, IncidenceBand, IncidenceBasis

CIOMS_FLOORS = (  # lowest fraction of each band, most frequent first
    (0.1, IncidenceBand.very_common),
    (0.01, IncidenceBand.common),
    (0.001, IncidenceBand.uncommon),
    (0.0001, IncidenceBand.rare),
)
PROCEDURE_TERM = re.compile(r"(?:\btherapy|\bprocedure|\boperation|^surgery)$", re.IGNORECASE)
# MedDRA preferred terms that SIDER reads from a label's system-organ-class headings ("Nervous
# System Disorders:", "Metabolism and Nutrition Disorders:") rather than from an effect the label
# names: each names a whole body system, or is the mining artifact of one (Malnutrition from
# "nutrition", Mediastinal disorder from "Respiratory, thoracic and mediastinal disorders").
HEADING_TERMS = frozenset(
    {
        "blood disorder", "bone disorder", "breast disorder", "cardiac disorder",
        "cardiovascular disorder", "connective tissue disorder", "ear disorder",
        "endocrine disorder", "eye disorder", "gastrointestinal disorder",
        "hepatobiliary disease", "immune system disorder", "infestation",
        "malnutrition", "mediastinal disorder", "mental disorder",
        "metabolic disorder", "musculoskeletal disorder", "nervous system disorder",
        "renal disorder", "reproductive tract disorder", "respiratory disorder",
        "skin disorder", "urinary tract disorder", "vascular disorder",
        "unspecified disorder of skin and subcutaneous tissue",
    }
)  # fmt: skip

# Withdrawal from something other than the drug (alcohol, tobacco): UMLS CUIs of the PTs.
OTHER_SUBSTANCE_WITHDRAWAL = {"C0236663": "alcohol", "C1167842": "tobacco"}


def band_of_fraction(fraction: float) -> IncidenceBand:
    for floor, band in CIOMS_FLOORS:
        if fraction >= floor:
            return band
    return IncidenceBand.very_rare


@dataclass
class Record:
    id: int
    drug_id: int
    effect_id: int
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
    placebo = _placebo_rows(r.rows, measured)
    values: dict[str, Any] = {
        "frequency": None,
        "frequency_low": None,
        "frequency_high": None,
        "placebo_frequency": None,
        "placebo_low": None,
        "placebo_high": None,
        "excess_over_placebo": None,
        "measured_rows": len(measured),
        "basis_source_id": None,
    }
    if placebo:
        values["placebo_frequency"] = round(statistics.median(map(_midpoint, placebo)), 6)
        values["placebo_low"] = min(row.frequency_lower for row in placebo)
        values["placebo_high"] = max(row.frequency_upper for row in placebo)
    if measured:
        median = round(statistics.median([_midpoint(row) for row in measured]), 6)
        band, basis = band_of_fraction(median), IncidenceBasis.measured
        values["frequency"] = median
        values["frequency_low"] = min(row.frequency_lower for row in measured)
        values["frequency_high"] = max(row.frequency_upper for row in measured)
        values["basis_source_id"] = measured[0].source_id
        if placebo:
            # SIDER's rows of a pair are not paired by trial or table (and some "placebo" rows
            # are another column): the highest rate on the drug against the highest on
            # placebo is the comparison its labels' own tables make at their largest, where
            # medians over unrelated rows hid real effects (zolpidem's drowsiness: drug rows
            # 0.5-15%, placebo 2-5%, medians 1.8% vs 5%).
            excess = values["frequency_high"] - values["placebo_high"]
            values["excess_over_placebo"] = round(excess, 6)
    elif worded := [row for row in active if row.frequency_text]:
        band = max((row.incidence_band for row in worded), key=INCIDENCE_RANK.__getitem__)
        basis, values["basis_source_id"] = IncidenceBasis.label_words, worded[0].source_id
    elif r.curated:
        band, basis = IncidenceBand.unknown, IncidenceBasis.document_wording
        values["basis_source_id"] = document_source
    else:
        band, basis = IncidenceBand.unknown, IncidenceBasis.listed_without_frequency
        values["basis_source_id"] = r.rows[0].source_id if r.rows else None
    return values | {"summary_band": band, "summary_rank": INCIDENCE_RANK[band], "basis": basis}


def _placebo_rows(rows: list[Any], measured: list[Any]) -> list[Any]:
    """The placebo rows that state a number, less those with exactly the value of a drug row:
    SIDER tags some drug columns placebo as well (amlodipine's oedema: 10.8% and 14.6% on both
    sides, next to placebo's 0.6%), and such a row compares the drug with itself."""
    drug = {_midpoint(row) for row in measured}
    return [
        row
        for row in rows
        if row.placebo and _states_number(row.frequency_text) and _midpoint(row) not in drug
    ]


def flag(r: Record, indications: set[str]) -> dict[str, Any]:
    flag: Flag | None = None
    if r.umls_cui in OTHER_SUBSTANCE_WITHDRAWAL:
        flag = Flag.other_substance_withdrawal
    elif r.curated:
        flag = None  # a document states it: never flagged
    elif PROCEDURE_TERM.search(r.effect_name):
        flag = Flag.procedure_or_therapy
    elif r.effect_name.casefold() in HEADING_TERMS:
        flag = Flag.system_heading
    elif (
        r.umls_cui in indications
        and r.context == Context.side_effect
        and r.values["basis"] == IncidenceBasis.listed_without_frequency
    ):
        # SIDER's indications are text-mined: an effect with a frequency in the drug's
        # adverse-reaction tables (lisinopril's hypotension, 6.7% vs 0.5%) is one, whatever
        # the indications say.
        flag = Flag.indication
    return {"flag": flag, "flag_reason": FLAG_RULES[flag] if flag else None}


def _states_number(text: str | None) -> bool:
    """'21%' or '1-3%' state a number; 'rare' and 'postmarketing' do not."""
    return text is not None and any(c.isdigit() for c in text)


def _midpoint(row: Any) -> float:
    return float((row.frequency_lower + row.frequency_upper) / 2)
