"""SIDER frequency rows -> CIOMS incidence bands and a drug effect's summary values.

Numbers are only ever taken from rows that state one (an exact percentage or a range): a word
such as "rare" gives a band but never a made-up percentage.
"""

from dataclasses import dataclass

from app.enums import INCIDENCE_RANK, IncidenceBand

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
CIOMS_FLOORS = (  # lowest fraction of each band, most frequent first
    (0.1, IncidenceBand.very_common),
    (0.01, IncidenceBand.common),
    (0.001, IncidenceBand.uncommon),
    (0.0001, IncidenceBand.rare),
)
MAX_TEXTS = 4  # distinct wordings quoted in a summary


@dataclass(frozen=True, slots=True)
class FreqRow:
    """One row of meddra_freq.tsv, as SIDER states it."""

    text: str
    lower: float
    upper: float
    placebo: bool


@dataclass(frozen=True, slots=True)
class IncidenceSummary:
    band: IncidenceBand
    frequency: float | None
    placebo_frequency: float | None
    wording: str | None


def band_of_fraction(fraction: float) -> IncidenceBand:
    for floor, band in CIOMS_FLOORS:
        if fraction >= floor:
            return band
    return IncidenceBand.very_rare


def states_number(row: FreqRow) -> bool:
    """'21%' or '1-3%' state a number; 'rare' and 'postmarketing' do not."""
    return any(c.isdigit() for c in row.text)


def midpoint(row: FreqRow) -> float:
    return round((row.lower + row.upper) / 2, 6)


def row_band(row: FreqRow) -> IncidenceBand:
    if states_number(row):
        return band_of_fraction(midpoint(row))
    return WORD_BANDS.get(row.text.lower(), IncidenceBand.unknown)


def summarise(rows: list[FreqRow]) -> IncidenceSummary:
    """A drug effect's band, frequency and placebo frequency from all its SIDER rows.

    The frequency is the highest stated rate (the midpoint of a range); the band follows it, or,
    when only words are given, the most frequent band they name.
    """
    active = [r for r in rows if not r.placebo]
    placebo = [r for r in rows if r.placebo]
    frequency = max((midpoint(r) for r in active if states_number(r)), default=None)
    if frequency is not None:
        band = band_of_fraction(frequency)
    else:
        bands = [row_band(r) for r in active]
        band = max(bands, key=INCIDENCE_RANK.__getitem__, default=IncidenceBand.unknown)
    return IncidenceSummary(
        band=band,
        frequency=frequency,
        placebo_frequency=max((midpoint(r) for r in placebo if states_number(r)), default=None),
        wording=_wording(active, placebo),
    )


def _wording(active: list[FreqRow], placebo: list[FreqRow]) -> str | None:
    """'SIDER: 21%, 5% (placebo 3%)' -- the source's own texts, quoted."""
    if not active and not placebo:
        return None
    parts = [_texts(active)] if active else []
    if placebo:
        parts.append(f"(placebo {_texts(placebo)})" if active else f"placebo {_texts(placebo)}")
    return "SIDER: " + " ".join(parts)


def _texts(rows: list[FreqRow]) -> str:
    texts = list(dict.fromkeys(r.text for r in rows if r.text))
    shown = ", ".join(texts[:MAX_TEXTS])
    return shown + (", …" if len(texts) > MAX_TEXTS else "") if texts else "no rate given"
