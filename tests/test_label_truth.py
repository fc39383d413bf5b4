"""The label-truth benchmark's counting (benchmarks/label_gold.py, benchmarks/label_truth.py) on
a tiny gold excerpt written here in the gold file's format, held against the real app over the
curated seed and the hand-made SIDER fixtures (zorbatinib: five listed effects, three flagged)."""

import json
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session

from app.importers.sider.load import import_sider
from benchmarks.label_gold import (
    EffectNames,
    Item,
    Label,
    listed,
    listed_as_preferred_term,
    read_gold,
    summarise,
)
from benchmarks.label_truth import Measure
from tests.conftest import SIDER_FIXTURES


def _event(mention: str, pt: str, llt: str) -> list[object]:
    # [mention, PT name, PT code, LLT name, LLT code, offsets, lengths, annotator]
    return [mention, pt, 10000000.0, llt, 10000001.0, "0", str(len(mention)), "human"]


GOLD = [
    {
        "label_id": "ZORBIX",  # zorbatinib's brand in the fixtures' label mapping
        "section_name": "adverse reactions",
        "section_text": "Headache, feeling sick, alcohol withdrawal and anemia were reported.",
        "adverse_events": [
            _event("headache", "Headache", "Headache"),
            _event("feeling sick", "Nausea", "Feeling sick"),
            _event("alcohol withdrawal", "Alcohol withdrawal syndrome", "Alcohol withdrawal"),
        ],
    },
    {
        "label_id": "ZORBIX",
        "section_name": "warnings and precautions",
        "section_text": "Anemia.",
        "adverse_events": [_event("anemia", "Anaemia", "Anemia")],
    },
    {
        "label_id": "Unheardof",
        "section_name": "boxed warnings",
        "section_text": "Headache.",
        "adverse_events": [_event("headache", "Headache", "Headache")],
    },
]


@pytest.fixture
def labels(tmp_path: Path) -> list[Label]:
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(GOLD))
    return read_gold(path)


def test_a_label_pools_its_sections_pt_and_llt_names_case_folded(labels: list[Label]) -> None:
    unheard, zorbix = labels  # in label_id order, case-folded
    assert zorbix.label_id == "ZORBIX"
    assert zorbix.sections == ("adverse reactions", "warnings and precautions")
    assert zorbix.mentions == 4
    assert zorbix.terms == {
        "headache", "nausea", "feeling sick", "alcohol withdrawal syndrome",
        "alcohol withdrawal", "anaemia", "anemia",
    }  # fmt: skip
    assert zorbix.preferred_terms == {
        "headache",
        "nausea",
        "alcohol withdrawal syndrome",
        "anaemia",
    }
    assert unheard.terms == {"headache"}


def test_an_effect_is_listed_by_its_name_an_alias_or_its_meddra_term(
    labels: list[Label],
) -> None:
    zorbix = labels[1]
    by_alias = EffectNames("Queasiness", ("Feeling sick",), "Nausea", is_preferred_term=True)
    by_term = EffectNames("Tummy upset", (), "Nausea", is_preferred_term=True)
    llt_coded = EffectNames("Sickness", (), "Feeling sick", is_preferred_term=False)
    unlisted = EffectNames("Rash", ("skin rash",), "Rash", is_preferred_term=True)
    assert listed(by_alias, zorbix)
    assert listed(by_term, zorbix)
    assert listed(llt_coded, zorbix)
    assert not listed_as_preferred_term(llt_coded, zorbix)  # an LLT is not a PT
    assert listed_as_preferred_term(by_term, zorbix)
    assert not listed(unlisted, zorbix)
    assert not listed(EffectNames("Anemia", (), None, is_preferred_term=False), labels[0])


@pytest.mark.anyio
async def test_the_scores_count_the_apis_lists_against_the_label(
    session: Session, client: httpx.AsyncClient, labels: list[Label]
) -> None:
    import_sider(session, SIDER_FIXTURES)
    measure = Measure(client)
    unheard, zorbix = [await measure.label(label) for label in labels]
    assert unheard.slug is None
    assert zorbix.slug == "zorbatinib"
    shown = {i.name: i.listed for i in zorbix.top}
    assert shown == {
        "Headache": True,
        "Nausea": True,
        "Muscle spasms": False,
        "Hair colour changes": False,
        "Dry mouth": False,  # at placebo level: listed, last
    }
    flagged = {i.name: (i.flag, i.listed) for i in zorbix.flagged}
    assert flagged["Alcohol withdrawal syndrome"] == ("other_substance_withdrawal", True)
    assert flagged["Psoriasis"] == ("indication", False)
    assert len(flagged) == 3
    checked = {c.effect: c.explained for c in zorbix.checks}
    assert {n.casefold() for n in (await _names(measure, checked))} == {
        "headache",
        "nausea",
        "alcohol withdrawal syndrome",
    }  # the listed effects SIDER lists; anaemia is not zorbatinib's
    assert all(checked.values())  # a flagged record is explained as such

    s = summarise([unheard, zorbix])
    assert (s.labels, s.resolved, s.unresolved) == (2, 1, ["Unheardof"])
    assert (s.p10_mean, s.p10_micro, s.scored) == (0.4, 0.4, 1)
    assert (s.flagged, s.flagged_listed) == (3, 1)
    assert s.by_flag["other_substance_withdrawal"] == (1, 1)
    assert s.by_flag["indication"] == (1, 0)
    assert s.checks == s.checkable == 3


async def _names(measure: Measure, slugs: dict[str, bool]) -> list[str]:
    return [(await measure.effect_names(slug)).name for slug in slugs]


def _slug(items: list[Item], name: str) -> str:
    return next(i.effect for i in items if i.name == name)
