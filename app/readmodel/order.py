"""The read model's list orders, in one place: why a record sits where it does.

A drug's list (`list_rank`): `rank` numbers each drug's records by `evidence_order`, as a
pharmacist weighs the evidence. An effect's list of drugs (`effect_rank`, the reverse
lookup): `effect_list_order`, a SQL ordering, numbered by update.py and used as is by the
reverse lookup through broader or narrower terms (services/terms.py). Both put unflagged
records first and placebo-level ones (PLACEBO_MARGIN) below the others.
"""

from typing import Any

from sqlalchemy import case, func

from app.enums import Context, IncidenceBasis
from app.readmodel.rules import Record

# An excess over placebo this small (half a percentage point) is placebo level: such records
# are listed below those with a real excess (a drug's list and an effect's).
PLACEBO_MARGIN = 0.005


def effect_list_order(
    flag: Any,
    summary_rank: Any,
    frequency: Any,
    excess: Any,
    drug_name: Any,
    context: Any,
    record_id: Any,
) -> list[Any]:
    """The order of an effect's list of drugs (the reverse lookup): unflagged first; records
    at placebo level (excess over placebo at most half a point) after the others; then most
    frequent (band, then the excess over placebo where measured, else the median); then drug
    name, context and id. One definition: the read model numbers `effect_rank` by it, and the
    reverse lookup through other terms sorts by it. Unflagged first, like a drug's
    `list_rank`, makes a list's unflagged total its last rank."""
    placebo_level = case((excess <= PLACEBO_MARGIN, 1), else_=0)
    return [
        flag.isnot(None),
        placebo_level,
        summary_rank.desc(),
        func.coalesce(excess, frequency).desc().nulls_last(),
        drug_name,
        context,
        record_id,
    ]


def evidence_order(r: Record, prevalence: int) -> tuple[Any, ...]:
    """How a pharmacist weighs a record, strongest first (smaller sorts first): a measured
    excess over placebo (or the measured median where no placebo is known), then frequency
    words from labels by band, then a curated document's wording, then a bare listing; within
    those without numbers, effects that labels list for more drugs first (a drug listed
    without any frequency, like warfarin, is not read alphabetically). Placebo-level records
    (excess within PLACEBO_MARGIN) go below every other unflagged record."""
    v = r.values
    excess = v["excess_over_placebo"]
    placebo_level = excess is not None and excess <= PLACEBO_MARGIN
    if v["frequency"] is not None:
        tier, strength = 0, excess if excess is not None else v["frequency"]
    elif v["basis"] == IncidenceBasis.label_words:
        tier, strength = 1, float(v["summary_rank"])
    elif v["basis"] == IncidenceBasis.document_wording:
        tier, strength = 2, 0.0
    else:
        tier, strength = 3, 0.0
    return (v["flag"] is not None, placebo_level, tier, -strength, -prevalence, not r.curated)


def rank(records: list[Record], prevalence: dict[int, int]) -> None:
    """Positions in the drug's list: unflagged first, then evidence_order; ties by name."""
    order = sorted(
        records,
        key=lambda r: (
            evidence_order(r, prevalence.get(r.effect_id, 0)),
            r.effect_name.casefold(),
            list(Context).index(r.context),
            r.id,
        ),
    )
    for position, r in enumerate(order, start=1):
        r.values["list_rank"] = position
