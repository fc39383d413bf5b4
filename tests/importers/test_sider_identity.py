"""SIDER's judgments on hand-made rows: which term a label word is, which drug a salt is, when
a record is flagged, how a list is ordered (README "How sources combine").

Each test adds a few invented rows to a copy of the fixtures (tests/fixtures/sider), for the
invented drug zorbatinib (CID 990001); the CUIs of added terms are invented too.
"""

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import Context, Flag, IncidenceBasis
from app.importers.sider.load import import_sider
from app.importers.sider.terms import choose_preferred_terms
from app.models import Drug, DrugEffect, Effect, Evidence
from tests.builders import make_drug, make_effect, make_record
from tests.conftest import SIDER_FIXTURES
from tests.importers.test_sider import _record, _release

pytestmark = pytest.mark.anyio
ZORB = "CID100990001\tCID000990001"


def _se(label: str, label_name: str, *pts: tuple[str, str]) -> list[str]:
    """A label term's rows in meddra_all_se: its LLT row, then a PT row per preferred term."""
    rows = [f"{ZORB}\t{label}\tLLT\t{label}\t{label_name}"]
    return rows + [f"{ZORB}\t{label}\tPT\t{cui}\t{name}" for cui, name in pts]


def _freq(
    label: str, text: str, fraction: float, cui: str, name: str, placebo: bool = False
) -> str:
    kind = "placebo" if placebo else ""
    return f"{ZORB}\t{label}\t{kind}\t{text}\t{fraction}\t{fraction}\tPT\t{cui}\t{name}"


def _adding(se: list[str], freq: list[str] | None = None) -> dict[str, Callable[..., list[str]]]:
    edits: dict[str, Callable[..., list[str]]] = {"meddra_all_se": lambda lines: lines + se}
    if freq:
        edits["meddra_freq"] = lambda lines: lines + freq
    return edits


def _cuis(session: Session, drug: str) -> set[str]:
    rows = session.scalars(
        select(Effect.umls_cui)
        .join(DrugEffect, DrugEffect.effect_id == Effect.id)
        .join(Drug, Drug.id == DrugEffect.drug_id)
        .where(Drug.slug == drug)
    )
    return {cui for cui in rows if cui}


FATIGUE = ("C9100020", "Fatigue")
ASTHENIA = ("C9100021", "Asthenia")


def test_one_label_term_makes_one_record_under_its_own_preferred_term(
    session: Session, tmp_path: Path
) -> None:
    """The label said fatigue; SIDER also maps it to Asthenia: one record, Fatigue."""
    release = _release(
        tmp_path,
        _adding(
            _se("C9100020", "Fatigue", FATIGUE, ASTHENIA),
            [_freq("C9100020", "3%", 0.03, *FATIGUE), _freq("C9100020", "3%", 0.03, *ASTHENIA)],
        ),
    )
    report = import_sider(session, release)
    cuis = _cuis(session, "zorbatinib")
    assert "C9100020" in cuis
    assert "C9100021" not in cuis
    fatigue = _record(session, "zorbatinib", "C9100020", Context.side_effect)
    rows = session.scalars(select(Evidence).where(Evidence.drug_effect_id == fatigue.id)).all()
    assert [(r.frequency_text, r.label_cui, r.label_term) for r in rows] == [
        ("3%", "C9100020", "Fatigue")
    ]
    secondary = "another preferred term of the same label term (its own term is used)"
    assert report.skipped[f"meddra_all_se: {secondary}"] == 1
    assert report.skipped[f"meddra_freq: {secondary}"] == 1


def test_a_label_term_that_is_none_of_its_preferred_terms_takes_the_closest_name() -> None:
    chosen = choose_preferred_terms(
        {"C1": {"C2", "C3"}},
        {"C1": "Ankle edema"},
        {"C2": "Joint swelling", "C3": "Oedema peripheral"},
    )
    assert chosen == {"C1": "C3"}  # edema ~ oedema; nothing of "Joint swelling"


def test_a_bare_listing_cites_the_label_term_it_was_found_as(session: Session) -> None:
    import_sider(session, SIDER_FIXTURES)
    spasms = _record(session, "zorbatinib", "C0037763", Context.side_effect)
    terms = session.scalars(select(Evidence.label_term).where(Evidence.drug_effect_id == spasms.id))
    assert set(terms) == {"Cramp muscle"}


async def test_the_salts_of_one_ingredient_are_one_drug_whichever_name_is_asked(
    session: Session, client: httpx.AsyncClient
) -> None:
    """quellofen and quellofen sodium (two compounds) answer as one drug with both's rows."""
    import_sider(session, SIDER_FIXTURES)
    bare = await client.get("/v1/drugs/quellofen/effects?limit=100")
    salt = await client.get("/v1/drugs/quellofen%20sodium/effects?limit=100")
    brand = await client.get("/v1/drugs/quella/effects?limit=100")
    assert bare.status_code == salt.status_code == brand.status_code == 200
    pages = [(r.json()["items"], r.json()["total"]) for r in (bare, salt, brand)]
    assert pages[0] == pages[1] == pages[2]  # the page links repeat the name asked
    names = {i["effect"]["name"] for i in bare.json()["items"]}
    assert {"Nausea", "Headache"} <= names  # nausea from both compounds, headache the salt's
    assert session.scalar(select(Drug.slug).where(Drug.pubchem_cid == 990002)) is None


def test_an_indication_with_a_frequency_among_adverse_reactions_is_not_flagged(
    session: Session, tmp_path: Path
) -> None:
    """Psoriasis is zorbatinib's indication; a label table giving it 5% makes it an effect."""
    psoriasis = ("C9200004", "Psoriasis")
    release = _release(tmp_path, _adding([], [_freq("C9200004", "5%", 0.05, *psoriasis)]))
    import_sider(session, release)
    assert _record(session, "zorbatinib", "C9200004", Context.side_effect).flag is None


def test_a_system_heading_read_as_a_term_is_flagged(session: Session, tmp_path: Path) -> None:
    heading = ("C9100030", "Gastrointestinal disorder")
    import_sider(session, _release(tmp_path, _adding(_se(heading[0], heading[1], heading))))
    record = _record(session, "zorbatinib", "C9100030", Context.side_effect)
    assert record.flag is Flag.system_heading
    assert record.flag_reason


@pytest.mark.parametrize(
    ("drug", "placebo", "level"),
    [
        ((0.02, 0.06), (0.03, 0.05), False),  # 6% against at most 5%: a real excess
        ((0.02, 0.03), (0.03, 0.05), True),  # never above placebo: placebo level
    ],
)
async def test_a_placebo_comparison_orders_the_list_and_never_hides_a_record(
    session: Session,
    tmp_path: Path,
    client: httpx.AsyncClient,
    drug: tuple[float, ...],
    placebo: tuple[float, ...],
    level: bool,
) -> None:
    """SIDER's drug and placebo rows are not paired by trial: they cannot show that a drug
    never beats placebo, so they order the list (placebo level last) and flag nothing."""
    term = ("C9100031", "Insomnia")
    rows = [_freq(term[0], f"{f:.0%}", f, *term) for f in drug]
    rows += [_freq(term[0], f"{f:.0%}", f, *term, placebo=True) for f in placebo]
    import_sider(session, _release(tmp_path, _adding(_se(term[0], term[1], term), rows)))
    assert _record(session, "zorbatinib", term[0], Context.side_effect).flag is None
    body = (await client.get("/v1/drugs/zorbatinib/effects?limit=100&context=side_effect")).json()
    names = [i["effect"]["name"] for i in body["items"]]
    assert (names.index("Insomnia") >= len(names) - 2) is level  # Dry mouth is placebo level


def test_a_placebo_row_with_a_drug_rows_value_is_left_out_of_the_comparison(
    session: Session, tmp_path: Path
) -> None:
    """Amlodipine's oedema in shape: 14.6% and 10.8% on both sides (drug columns SIDER also
    tagged placebo), 0.6% on placebo alone: the excess is 14.6 - 0.6 points, not zero."""
    term = ("C9100035", "Oedema-like")
    rows = [_freq(term[0], f"{f:.1%}", f, *term) for f in (0.03, 0.108, 0.146)]
    rows += [_freq(term[0], f"{f:.1%}", f, *term, placebo=True) for f in (0.006, 0.108, 0.146)]
    import_sider(session, _release(tmp_path, _adding(_se(term[0], term[1], term), rows)))
    record = _record(session, "zorbatinib", term[0], Context.side_effect)
    assert (record.placebo_frequency, record.placebo_high) == (0.006, 0.006)
    assert record.excess_over_placebo == pytest.approx(0.14)


def test_the_excess_over_placebo_is_the_highest_drug_rate_minus_the_highest_placebo_rate(
    session: Session, tmp_path: Path
) -> None:
    """Drug rows 1-15%, placebo 3-5% (zolpidem's drowsiness in shape): the medians (2% vs
    4%) would read as no excess; the label's largest table shows 15% vs 5%."""
    term = ("C9100032", "Somnolence-like")
    rows = [_freq(term[0], f"{f:.0%}", f, *term) for f in (0.01, 0.02, 0.02, 0.15)]
    rows += [_freq(term[0], f"{f:.0%}", f, *term, placebo=True) for f in (0.03, 0.05)]
    import_sider(session, _release(tmp_path, _adding(_se(term[0], term[1], term), rows)))
    record = _record(session, "zorbatinib", term[0], Context.side_effect)
    assert record.frequency == 0.02
    assert record.placebo_frequency == 0.04
    assert (record.placebo_low, record.placebo_high) == (0.03, 0.05)
    assert record.excess_over_placebo == pytest.approx(0.10)
    assert record.flag is None


def test_a_plain_listing_is_listed_without_frequency_not_label_words(session: Session) -> None:
    import_sider(session, SIDER_FIXTURES)
    hair = _record(session, "zorbatinib", "C9100003", Context.side_effect)
    assert hair.basis is IncidenceBasis.listed_without_frequency
    words = _record(session, "quellofen", "C9100005", Context.side_effect)  # postmarketing, rare
    assert words.basis is IncidenceBasis.label_words


async def test_a_list_puts_real_excess_first_words_next_plain_listings_then_placebo_level(
    session: Session, tmp_path: Path, client: httpx.AsyncClient
) -> None:
    level = ("C9100033", "Placebo-level effect")
    big = ("C9100034", "Big excess effect")
    rows = [
        _freq(level[0], "30%", 0.30, *level),
        _freq(level[0], "31%", 0.31, *level, placebo=True),
        _freq(level[0], "29%", 0.29, *level, placebo=True),
        _freq(big[0], "9%", 0.09, *big),
        _freq(big[0], "1%", 0.01, *big, placebo=True),
    ]
    se = _se(level[0], level[1], level) + _se(big[0], big[1], big)
    import_sider(session, _release(tmp_path, _adding(se, rows)))
    body = (await client.get("/v1/drugs/zorbatinib/effects?limit=100&context=side_effect")).json()
    names = [i["effect"]["name"] for i in body["items"]]
    # Headache: 21% vs 4% placebo (excess 17 points) leads; the 9% vs 1% one next.
    assert names[:2] == ["Headache", "Big excess effect"]
    # 30% against up to 31% on placebo, then dry mouth (2% against 3%): below plain listings
    assert set(names[-2:]) == {"Placebo-level effect", "Dry mouth"}
    bases = [i["incidence"]["basis"] for i in body["items"][:-2]]
    ranks = {"measured": 0, "label_words": 1, "document_wording": 2}
    assert [ranks.get(b, 3) for b in bases] == sorted(ranks.get(b, 3) for b in bases)


async def test_an_effects_list_of_drugs_puts_placebo_level_records_after_real_ones(
    session: Session, client: httpx.AsyncClient
) -> None:
    """Which drugs cause it: 30% on the drug against 31% on placebo (very common, but no
    excess) comes after 5% against 1%."""
    effect = make_effect(session, name="Test headache")
    level = make_drug(session, name="Levelamine")
    real = make_drug(session, name="Realamine")
    make_record(session, drug=level, effect=effect,
                rows=[("30%", 0.30, 0.30, False), ("31%", 0.31, 0.31, True)])  # fmt: skip
    make_record(session, drug=real, effect=effect,
                rows=[("5%", 0.05, 0.05, False), ("1%", 0.01, 0.01, True)])  # fmt: skip
    body = (await client.get("/v1/effects/test-headache/drugs")).json()
    assert [i["drug"]["slug"] for i in body["items"]] == ["realamine", "levelamine"]
