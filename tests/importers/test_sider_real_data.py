"""The real SIDER 4.1 files at ../shared/data/sider (never copied into the repository), with the
curated seed, as a pharmacist would look at them.

The release is imported once into a database of its own (a temp SQLite file, or a fresh
PostgreSQL database). Expected numbers come straight from the files (csv module), not from the
importer's code. Skipped when the files are absent.
"""

import csv
import gzip
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from app.enums import Context, Flag, Release
from app.importers.sider.load import import_sider
from app.importers.sider.release import WITHDRAWAL_TERMS
from app.importers.sider.report import SiderReport
from app.models import (
    Citation,
    Drug,
    DrugEffect,
    DrugUse,
    Effect,
    Evidence,
    Source,
    StoredRecord,
)
from app.schemas.record import DrugEffectRecord
from tests.conftest import (
    SIDER_DIR,
    SIDER_FIXTURES,
    app_over,
    database_over,
    seeded,
    separate_database,
    settings_for,
)
from tests.readmodel.test_read_model import LIST_FILTERS, effect_list_both_ways

pytestmark = [
    pytest.mark.skipif(
        not any(SIDER_DIR.glob("meddra_all_se.tsv*")),
        reason=f"real SIDER files not found in {SIDER_DIR} (licence: never copy them here)",
    ),
    pytest.mark.anyio,
    pytest.mark.slow,  # imports the real release: minutes
]
CID = {
    "clonazepam": "CID100002802",
    "cyclobenzaprine": "CID100002895",
    "baclofen": "CID100002284",
    "atorvastatin": "CID100002250",
    "diazepam": "CID100003016",
    "sertraline": "CID100005203",
}


@dataclass(frozen=True)
class Imported:
    url: str
    engine: Engine
    report: SiderReport


def _rows(name: str) -> Iterator[list[str]]:
    path = next(SIDER_DIR.glob(f"{name}.tsv*"))
    opener: Any = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="latin-1", newline="") as file:
        yield from csv.reader(file, delimiter="\t", quoting=csv.QUOTE_NONE)


def _errata() -> set[tuple[str, ...]]:
    with (SIDER_DIR / "meddra_freq_to_exclude.tsv").open() as file:
        return {
            tuple(r) for r in csv.reader(file, delimiter="\t") if r and not r[0].startswith("#")
        }


def _label_terms(cid: str) -> dict[str, set[str]]:
    """Label concept -> the PT CUIs SIDER gives it for the drug (side-effect file)."""
    out: dict[str, set[str]] = {}
    for r in _rows("meddra_all_se"):
        if r[0] == cid and r[3] == "PT":
            out.setdefault(r[2], set()).add(r[4])
    return out


@pytest.fixture(scope="module")
def imported(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Imported]:
    with separate_database(database_url, tmp_path_factory.mktemp("sider"), "sider") as url:
        engine = seeded(url)
        with Session(engine) as session, session.begin():
            report = import_sider(session, SIDER_DIR)
        yield Imported(url=url, engine=engine, report=report)
        engine.dispose()


@pytest.fixture
async def real(imported: Imported) -> AsyncIterator[httpx.AsyncClient]:
    settings = settings_for(imported.url, response_cache=False)
    app = app_over(database_over(sessionmaker(imported.engine), settings), settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        yield c


def _records(imported: Imported, drug: str) -> list[Any]:
    with Session(imported.engine) as session:
        return list(
            session.execute(
                select(
                    DrugEffect.context,
                    DrugEffect.flag,
                    Effect.umls_cui,
                    Effect.name,
                    DrugEffect.frequency,
                )
                .join(Drug, Drug.id == DrugEffect.drug_id)
                .join(Effect, Effect.id == DrugEffect.effect_id)
                .where(Drug.slug == drug)
            )
        )


async def _top(client: httpx.AsyncClient, drug: str, n: int = 10) -> list[dict[str, Any]]:
    body = (await client.get(f"/v1/drugs/{drug}/effects?limit={n}&context=side_effect")).json()
    return body["items"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "drug", ["clonazepam", "cyclobenzaprine", "baclofen", "diazepam", "atorvastatin"]
)
def test_each_label_term_is_one_effect_of_the_drug(imported: Imported, drug: str) -> None:
    """Identity at the label-term level: a label term that is its own preferred term (or has
    one only) is a record of the drug, and the other PTs SIDER maps it to are not records
    unless another label term of the drug is that PT ("fatigue" does not add Asthenia). No
    alias merges two PTs (clonazepam's Nervousness and Anxiety once became one)."""
    coded = {r.umls_cui for r in _records(imported, drug) if r.umls_cui}
    terms = _label_terms(CID[drug])
    own = {label if label in pts else next(iter(pts)) for label, pts in terms.items()
           if label in pts or len(pts) == 1}  # fmt: skip
    assert own - coded == set()
    assert len(own) >= 100
    for label, pts in terms.items():
        others = pts - {label} - own
        if label in pts:
            assert not others & coded, (label, others & coded)
        else:
            assert len(others & coded) <= 1, (label, others & coded)


def test_nervousness_and_anxiety_are_separate_records_of_clonazepam(imported: Imported) -> None:
    names = {r.name for r in _records(imported, "clonazepam")}
    assert {"Nervousness", "Anxiety"} <= names


async def test_drowsiness_leads_clonazepams_side_effects(real: httpx.AsyncClient) -> None:
    top = await _top(real, "clonazepam", 3)
    first = top[0]
    assert first["effect"]["slug"] == "drowsiness"
    incidence = first["incidence"]
    assert incidence["basis"] == "measured"
    assert incidence["band"] == "very_common"
    assert 0.3 <= incidence["frequency"] <= 0.4
    assert incidence["placebo_frequency"] < 0.1
    assert incidence["document"]["cites"]  # the curated wording stays beside SIDER's numbers


async def test_cyclobenzaprine_drowsiness_is_the_median_not_the_maximum(
    real: httpx.AsyncClient,
) -> None:
    body = (await real.get("/v1/drugs/cyclobenzaprine/effects/drowsiness")).json()
    (record,) = [r for r in body["contexts"] if r["context"] == "side_effect"]
    assert 0.3 <= record["incidence"]["frequency"] <= 0.4
    assert record["incidence"]["frequency_range"]["high"] == 1.0  # the 100% row stays visible


async def test_baclofens_muscle_relaxant_therapy_is_flagged_not_ranked(
    real: httpx.AsyncClient, imported: Imported
) -> None:
    assert "Muscle relaxant therapy" not in {
        i["effect"]["name"] for i in await _top(real, "baclofen")
    }
    # SIDER maps a label's muscle hypertonia to it as a second PT: no record at all now
    records = [r for r in _records(imported, "baclofen") if r.name == "Muscle relaxant therapy"]
    assert all(r.flag is Flag.procedure_or_therapy for r in records)


def test_clonazepams_somnolence_dizziness_and_ataxia_are_not_flagged(imported: Imported) -> None:
    records = {
        r.name: r for r in _records(imported, "clonazepam") if r.context is Context.side_effect
    }
    for name in ("Drowsiness", "Dizziness", "Ataxia"):
        assert records[name].flag is None, name


@pytest.mark.parametrize(
    ("drug", "mentioned"),
    [
        # clonazepam's indications text lists panic-attack symptoms; baclofen's label names
        # respiratory depression as a condition to use it with care in
        ("clonazepam", {"Tremor", "Nausea", "Palpitations", "Chest pain"}),
        ("baclofen", {"Respiratory depression"}),
    ],
)
def test_terms_the_indications_file_only_mentions_are_not_hidden_as_indications(
    imported: Imported, drug: str, mentioned: set[str]
) -> None:
    by_method: dict[str, set[str]] = {}
    for r in _rows("meddra_all_indications"):
        if r[0] == CID[drug] and r[4] == "PT":
            by_method.setdefault(r[2], set()).add(r[5])
    records = [r for r in _records(imported, drug) if r.context is Context.side_effect]
    flagged = {r.umls_cui for r in records if r.flag is Flag.indication}
    assert flagged <= by_method["NLP_indication"]
    shown = {r.name for r in records if r.flag is None}
    assert mentioned <= shown
    with Session(imported.engine) as session:
        uses = set(
            session.scalars(
                select(DrugUse.umls_cui)
                .join(Drug)
                .where(Drug.slug == drug, DrugUse.release == Release.sider)
            )
        )
    assert uses == by_method["NLP_indication"]


def test_clindamycins_acne_100_percent_erratum_is_gone(imported: Imported) -> None:
    acne = [r for r in _records(imported, "clindamycin") if r.name == "Acne"]
    assert all(r.frequency != 1.0 for r in acne)
    assert imported.report.errata
    assert imported.report.errata.endswith(" rows")


async def test_atorvastatin_answers_for_leg_cramps_through_muscle_spasms(
    real: httpx.AsyncClient,
) -> None:
    body = (await real.get("/v1/drugs/atorvastatin/effects/leg-cramps")).json()
    (record,) = body["contexts"]
    assert record["effect"]["slug"] == "muscle-spasms"
    assert record["matched_via"]["kind"] == "broader_term"
    reverse = (await real.get("/v1/effects/leg-cramps/drugs?limit=100")).json()
    assert reverse["total"] > 300
    # The term asked about first: SIDER's muscle-spasm numbers never bury the leg-cramp records.
    kinds = [i["matched_via"]["kind"] if i["matched_via"] else "exact" for i in reverse["items"]]
    assert kinds[:2] == ["exact", "exact"]
    assert kinds == sorted(kinds, key=["exact", "narrower_term", "broader_term"].index)
    assert reverse["items"][0]["drug"]["slug"] == "clonazepam"
    statins = (await real.get("/v1/drugs?drug_class=statins&limit=100")).json()["items"]
    assert "atorvastatin" in {d["slug"] for d in statins}


def test_withdrawal_terms_of_labels_are_in_the_withdrawal_context(imported: Imported) -> None:
    with Session(imported.engine) as session:
        drugs = session.scalar(
            select(func.count(DrugEffect.drug_id.distinct()))
            .join(Effect, Effect.id == DrugEffect.effect_id)
            .where(Effect.umls_cui.in_(WITHDRAWAL_TERMS), DrugEffect.context == Context.withdrawal)
        )
        misplaced = session.scalar(
            select(func.count())
            .select_from(DrugEffect)
            .join(Effect, Effect.id == DrugEffect.effect_id)
            .where(Effect.umls_cui.in_(WITHDRAWAL_TERMS), DrugEffect.context != Context.withdrawal)
        )
    in_files = {r[0] for r in _rows("meddra_all_se") if r[3] == "PT" and r[4] in WITHDRAWAL_TERMS}
    # fewer drugs than compounds: salts are merged into their ingredient's drug
    assert drugs is not None
    assert len(in_files) * 0.9 <= drugs <= len(in_files)
    assert drugs > 80
    assert misplaced == 0


@pytest.mark.parametrize(
    ("names", "slug"),
    [
        (["amlodipine", "amlodipine besylate", "Norvasc"], "amlodipine"),
        (["clindamycin", "clindamycin phosphate", "Cleocin"], "clindamycin"),
        (["venlafaxine", "venlafaxine hydrochloride", "Effexor"], "venlafaxine-hydrochloride"),
    ],
)
async def test_one_ingredient_answers_the_same_whichever_name_is_asked(
    real: httpx.AsyncClient, names: list[str], slug: str
) -> None:
    """Salts and forms of one ingredient are one drug with every compound's rows: Norvasc
    (amlodipine besylate's labels) once showed oedema while amlodipine hid it."""
    answers = [(await real.get(f"/v1/drugs/{n}/effects?limit=100")).json() for n in names]
    pages = [(a["items"], a["total"]) for a in answers]  # the links repeat the name asked
    assert all(p == pages[0] for p in pages[1:])
    assert {i["drug"]["slug"] for i in answers[0]["items"]} == {slug}


async def test_brand_names_are_in_display_case(real: httpx.AsyncClient) -> None:
    hit = (await real.get("/v1/search?q=ketek")).json()["items"][0]
    assert hit["matched"] == "Ketek"


def test_every_imported_row_and_statement_cites_its_file(imported: Imported) -> None:
    with Session(imported.engine) as session:
        sider = session.execute(select(Source.id).where(Source.slug == "sider-4-1")).scalar_one()
        unanchored = session.scalar(
            select(func.count()).where(Evidence.source_id == sider, Evidence.anchor_id.is_(None))
        )
        cited = session.scalar(select(func.count()).select_from(Citation))
    assert unanchored == 0
    assert (cited or 0) > 10_000


def test_every_stored_record_reads_back_as_the_model_writes_it(imported: Imported) -> None:
    """The builder dumps plain data (app/readmodel/compose.py): each of the release's records must
    be, byte for byte, what DrugEffectRecord would write, or clients would see two formats."""
    with Session(imported.engine) as session:
        assert session.scalar(select(func.count()).select_from(StoredRecord)) == session.scalar(
            select(func.count()).select_from(DrugEffect)
        )
        differ = [
            body
            for body in session.scalars(select(StoredRecord.body))
            if DrugEffectRecord.model_validate_json(body).model_dump_json().encode() != body
        ]
    assert not differ, differ[:2]


def test_default_lists_leave_out_what_each_flag_catches(imported: Imported) -> None:
    with Session(imported.engine) as session:
        counts = dict(
            session.execute(
                select(DrugEffect.flag, func.count())
                .where(DrugEffect.flag.isnot(None))
                .group_by(DrugEffect.flag)
            ).all()
        )
    assert set(counts) == set(Flag)
    assert all(n > 0 for n in counts.values())


async def test_an_effect_shared_by_a_thousand_drugs_pages(real: httpx.AsyncClient) -> None:
    first = await real.get("/v1/effects/nausea/drugs?limit=100")
    second = await real.get("/v1/effects/nausea/drugs?limit=100&offset=100")
    assert first.json()["total"] >= 1000
    slugs = [[i["drug"]["slug"] for i in r.json()["items"]] for r in (first, second)]
    assert len(slugs[0]) == len(slugs[1]) == 100
    assert not set(slugs[0]) & set(slugs[1])


def test_importing_the_same_files_again_is_a_no_op(imported: Imported) -> None:
    with Session(imported.engine) as session, session.begin():
        assert not import_sider(session, SIDER_DIR).changed


def test_no_fixture_line_copies_a_line_of_the_real_release() -> None:
    for path in SIDER_FIXTURES.glob("*.tsv*"):
        name = path.name.split(".")[0]
        if not any(SIDER_DIR.glob(f"{name}.tsv*")) or name == "meddra_freq_to_exclude":
            continue
        real = {"\t".join(r) for r in _rows(name)}
        opener: Any = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="latin-1") as file:
            assert not [line for line in file.read().splitlines() if line in real], path.name


async def test_the_symptom_check_on_real_data(real: httpx.AsyncClient) -> None:
    """The README's example: a cramp five days after stopping Klonopin, atorvastatin taken,
    diazepam cut: clonazepam's withdrawal first, atorvastatin through muscle spasms."""
    body = {
        "symptom": "leg cramps",
        "symptom_started_on": "2026-11-25",
        "medications": [
            {"drug": "Klonopin", "status": "stopped", "changed_on": "2026-11-20"},
            {"drug": "atorvastatin", "status": "taking", "started_on": "2026-01-10"},
            {"drug": "valium", "status": "dose_reduced", "changed_on": "2026-11-18"},
        ],
    }
    result = (await real.post("/v1/symptom-check", json=body)).json()
    first = result["explanations"][0]
    assert (first["drug"]["slug"], first["context"], first["timing"]["verdict"]) == (
        "clonazepam", "withdrawal", "fits",
    )  # fmt: skip
    atorvastatin = next(e for e in result["explanations"] if e["drug"]["slug"] == "atorvastatin")
    assert atorvastatin["record"]["matched_via"]["kind"] == "broader_term"
    assert atorvastatin["record"]["incidence"]["basis"] == "measured"


async def test_fhir_bundles_of_fifty_sider_drugs_are_valid_r5(
    real: httpx.AsyncClient, imported: Imported
) -> None:
    from fhir.resources.bundle import Bundle

    from app.services.fhir_common import CLINICAL_USE_TYPES

    with Session(imported.engine) as session:
        slugs = list(session.scalars(select(Drug.slug).order_by(Drug.slug)))
    for slug in slugs[:: max(len(slugs) // 50, 1)][:50]:
        response = await real.get(f"/v1/drugs/{slug}/fhir")
        assert response.status_code == 200, slug
        bundle = response.json()
        Bundle.model_validate(bundle)
        resources = [e["resource"] for e in bundle["entry"]]
        kinds = {r["type"] for r in resources if r["resourceType"] == "ClinicalUseDefinition"}
        assert kinds <= CLINICAL_USE_TYPES, slug


def test_the_most_shared_effects_keep_the_reverse_lookups_order(imported: Imported) -> None:
    """The effect_rank the read model stores orders each effect's drugs as the reverse lookup
    ranks them at request time, on the release's most shared effects (nausea: 1,000+ drugs)."""
    with Session(imported.engine) as session:
        shared = list(
            session.scalars(
                select(DrugEffect.effect_id)
                .group_by(DrugEffect.effect_id)
                .order_by(func.count().desc(), DrugEffect.effect_id)
                .limit(8)
            )
        )
        for effect_id in shared:
            for filters in LIST_FILTERS:
                stored, at_request = effect_list_both_ways(session, effect_id, filters)
                assert len(stored) > 50
                assert stored == at_request, (effect_id, filters)


def test_every_lists_unflagged_records_are_numbered_first(imported: Imported) -> None:
    """The unfiltered total of a drug's or an effect's list is its last unflagged position
    (ranked_page): on the whole release, those positions are 1..n for every list."""
    with Session(imported.engine) as session:
        for owner, position in (
            (DrugEffect.drug_id, DrugEffect.list_rank),
            (DrugEffect.effect_id, DrugEffect.effect_rank),
        ):
            unflagged = (
                select(owner, func.count().label("n"), func.max(position).label("last"))
                .where(DrugEffect.flag.is_(None))
                .group_by(owner)
                .subquery()
            )
            lists, wrong = session.execute(
                select(
                    func.count(), func.count().filter(unflagged.c.n != unflagged.c.last)
                ).select_from(unflagged)
            ).one()
            assert lists > 1000
            assert wrong == 0, owner


@pytest.mark.parametrize(
    ("drug", "expected"),
    [
        # what a pharmacist names first; each list must hold at least one of them
        ("atorvastatin", {"Myalgia", "Arthralgia"}),
        ("amlodipine", {"Oedema", "Oedema peripheral"}),
        ("zolpidem", {"Drowsiness", "Dizziness"}),
        ("lisinopril", {"Dizziness", "Hypotension", "Cough"}),
        ("clonazepam", {"Drowsiness"}),
    ],
)
async def test_default_top_ten_holds_the_effects_a_pharmacist_expects(
    real: httpx.AsyncClient, drug: str, expected: set[str]
) -> None:
    names = {i["effect"]["name"] for i in await _top(real, drug)}
    assert names & expected, sorted(names)


async def test_lisinopril_hypotension_is_shown_though_the_indications_name_it(
    real: httpx.AsyncClient,
) -> None:
    """SIDER's text-mined indications list hypotension for lisinopril; its labels measure it
    at 6.7% against 0.5% on placebo: an effect, not hidden."""
    body = (await real.get("/v1/drugs/lisinopril/effects/hypotension")).json()
    (record,) = [r for r in body["contexts"] if r["context"] == "side_effect"]
    assert record["flag"] is None
    assert record["incidence"]["excess_over_placebo"] > 0.05


def test_a_labels_haemorrhage_is_not_a_haemoglobin_record(imported: Imported) -> None:
    with Session(imported.engine) as session:
        terms = set(
            session.scalars(
                select(Evidence.label_term)
                .join(DrugEffect, DrugEffect.id == Evidence.drug_effect_id)
                .join(Effect, Effect.id == DrugEffect.effect_id)
                .where(Effect.name == "Haemoglobin")
            )
        )
    assert not {t for t in terms if t and "haemorrhage" in t.casefold()}


async def test_system_organ_class_headings_are_not_in_default_lists(
    real: httpx.AsyncClient,
) -> None:
    everything = (await real.get("/v1/drugs/quetiapine/effects?limit=100&offset=0")).json()
    names = {i["effect"]["name"] for i in everything["items"]}
    assert not names & {"Malnutrition", "Nervous system disorder", "Gastrointestinal disorder"}
    flagged = (await real.get("/v1/drugs/quetiapine/effects/malnutrition")).json()
    assert [r["flag"]["kind"] for r in flagged["contexts"]] == ["system_heading"]


async def test_a_symptom_a_source_lists_is_explained_even_when_flagged(
    real: httpx.AsyncClient,
) -> None:
    """Atorvastatin + muscle pain (Myalgia: listed, measured) is explained; quetiapine's
    Malnutrition is listed by SIDER but flagged: explained as such, below, never 'no source'."""
    body = {
        "symptom": "muscle pain",
        "symptom_started_on": "2026-03-01",
        "medications": [{"drug": "atorvastatin", "status": "taking", "started_on": "2026-01-10"}],
    }
    result = (await real.post("/v1/symptom-check", json=body)).json()
    assert [e["drug"]["slug"] for e in result["explanations"]] == ["atorvastatin"]
    assert result["not_explained_by"] == []
    body = {
        "symptom": "malnutrition",
        "medications": [
            {"drug": "quetiapine", "status": "taking"},
            {"drug": "clonazepam", "status": "taking"},
        ],
    }
    result = (await real.post("/v1/symptom-check", json=body)).json()
    quetiapine = next(e for e in result["explanations"] if e["drug"]["slug"] == "quetiapine")
    assert quetiapine["record"]["flag"]["kind"] == "system_heading"
    assert any("flagged" in line for line in quetiapine["why"])
    assert "quetiapine" not in {n["drug"]["slug"] for n in result["not_explained_by"]}


async def test_a_symptom_that_began_before_the_drug_was_started_is_too_early(
    real: httpx.AsyncClient,
) -> None:
    body = {
        "symptom": "dizziness",
        "symptom_started_on": "2026-01-01",
        "medications": [
            {"drug": "amlodipine", "status": "taking", "started_on": "2026-02-10"},
            {"drug": "omeprazole", "status": "taking", "started_on": "2025-06-01"},
        ],
    }
    result = (await real.post("/v1/symptom-check", json=body)).json()
    verdicts = {e["drug"]["slug"]: e["timing"]["verdict"] for e in result["explanations"]}
    assert verdicts == {"omeprazole": "unknown", "amlodipine": "too_early"}
    assert result["explanations"][-1]["drug"]["slug"] == "amlodipine"


@pytest.mark.parametrize(
    ("words", "slug"),
    [
        ("dry cough", "cough"),  # a label's term (SIDER's lower-level term) for Cough
        ("heartburn", "dyspepsia"),  # MedDRA files heartburn under dyspepsia
        ("muscle pain", "myalgia"),
        ("anemia", "anaemia"),  # American spelling of the MedDRA term
        ("edema", "oedema"),
        ("diarrhea", "diarrhoea"),
        ("hemorrhage", "haemorrhage"),
    ],
)
async def test_words_people_use_find_the_preferred_term(
    real: httpx.AsyncClient, words: str, slug: str
) -> None:
    response = await real.get(f"/v1/effects/{words}")
    assert response.status_code == 200, response.json()
    assert response.json()["slug"] == slug


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("warfarin sodium", "warfarin"),
        ("sertraline hydrochloride", "sertraline"),
        ("quetiapine fumarate", "quetiapine"),
        ("metformin hydrochloride", "metformin"),
    ],
)
async def test_a_medicine_as_labelled_finds_its_ingredient(
    real: httpx.AsyncClient, name: str, slug: str
) -> None:
    assert (await real.get(f"/v1/drugs/{name}")).json()["slug"] == slug
    first = (await real.get(f"/v1/search?q={name}")).json()["items"][0]
    assert first["slug"] == slug


async def test_the_start_of_clonazepams_name_lists_it_first_among_drugs(
    real: httpx.AsyncClient,
) -> None:
    items = (await real.get("/v1/search?q=clon&limit=3")).json()["items"]
    assert "clonazepam" in [i["slug"] for i in items]
    assert items[0]["type"] == "drug"
