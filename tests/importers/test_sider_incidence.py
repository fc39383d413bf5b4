"""SIDER frequency rows -> CIOMS bands and a record's summary values."""

import pytest

from app.enums import IncidenceBand
from app.importers.sider_incidence import FreqRow, row_band, summarise


@pytest.mark.parametrize(
    ("text", "lower", "upper", "band"),
    [
        ("21%", 0.21, 0.21, IncidenceBand.very_common),
        ("1-10%", 0.01, 0.1, IncidenceBand.common),
        ("0.5%", 0.005, 0.005, IncidenceBand.uncommon),
        ("0.05%", 0.0005, 0.0005, IncidenceBand.rare),
        ("0.001%", 0.00001, 0.00001, IncidenceBand.very_rare),
        ("very common", 0.1, 1, IncidenceBand.very_common),
        ("frequent", 0.01, 1, IncidenceBand.common),
        ("infrequent", 0.001, 0.01, IncidenceBand.uncommon),
        ("rare", 0, 0.001, IncidenceBand.rare),
        ("very rare", 0, 0.0001, IncidenceBand.very_rare),
        ("postmarketing", 0, 0.001, IncidenceBand.unknown),
    ],
)
def test_frequency_row_maps_to_cioms_band(
    text: str, lower: float, upper: float, band: IncidenceBand
) -> None:
    assert row_band(FreqRow(text, lower, upper, placebo=False)) == band


def test_words_give_a_band_but_never_a_frequency() -> None:
    summary = summarise([FreqRow("common", 0.01, 1, False), FreqRow("rare", 0, 0.001, False)])
    assert (summary.band, summary.frequency) == (IncidenceBand.common, None)


def test_placebo_rows_set_only_the_placebo_rate() -> None:
    summary = summarise([FreqRow("3%", 0.03, 0.03, True)])
    assert (summary.band, summary.frequency, summary.placebo_frequency) == (
        IncidenceBand.unknown,
        None,
        0.03,
    )
    assert summary.wording == "SIDER: placebo 3%"
