"""A SIDER frequency row as SIDER states it, and the CIOMS band of that one row.

Numbers are only ever taken from rows that state one (an exact percentage or a range): a word
such as "rare" gives a band but never a made-up percentage. How a record's rows combine into
its summary is the read model's job (app/readmodel/rules.py).
"""

from dataclasses import dataclass

from app.enums import IncidenceBand
from app.readmodel import band_of_fraction

WORD_BANDS = {
    "very common": IncidenceBand.very_common,
    "very frequent": IncidenceBand.very_common,
    "common": IncidenceBand.common,
    "frequent": IncidenceBand.common,
    "uncommon": IncidenceBand.uncommon,
    "infrequent": IncidenceBand.uncommon,
    "rare": IncidenceBand.rare,
    "very rare": IncidenceBand.very_rare,
    "postmarketing": IncidenceBand.unknown,
}


@dataclass(frozen=True, slots=True)
class FreqRow:
    """One row of meddra_freq.tsv, as SIDER states it."""

    text: str
    lower: float
    upper: float
    placebo: bool


def states_number(row: FreqRow) -> bool:
    """'21%' or '1-3%' state a number; 'rare' and 'postmarketing' do not."""
    return any(c.isdigit() for c in row.text)


def row_band(row: FreqRow) -> IncidenceBand:
    if states_number(row):
        return band_of_fraction((row.lower + row.upper) / 2)
    return WORD_BANDS.get(row.text.lower(), IncidenceBand.unknown)
