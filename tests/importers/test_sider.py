"""The SIDER importer on tiny hand-made files in SIDER's format (tests/fixtures/sider).

The fixtures invent their compounds (zorbatinib, quellofen sodium ...) and UMLS codes (C91...,
C92...); only clonazepam's STITCH id is real, so that SIDER meets the curated clonazepam records.
"""

import gzip
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.cli import cli
from app.config import get_settings
from app.db import make_engine
from app.enums import IncidenceBand
from app.importers.sider import import_sider
from app.importers.sider_files import SiderError
from app.models import Alias, Base, Drug, DrugEffect, DrugUse, Effect, Evidence, Source
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "sider"
SIDER = "sider-4-1"


def _dump(session: Session) -> dict[str, list[str]]:
    """Every table as a user could observe it: no surrogate ids, load times, list positions or
    stored first pages (derived: new records take their place in a drug's list), and rows that
    point at a drug effect name it by (drug, effect, context) instead of its id."""
    columns = (DrugEffect.id, DrugEffect.drug_id, DrugEffect.effect_id, DrugEffect.context)
    record = {i: (d, e, c) for i, d, e, c in session.execute(select(*columns))}
    out = {}
    for table in Base.metadata.sorted_tables:
        if table.name == "drug_effect_page":  # derived, like list_rank
            continue
        names = [c.name for c in table.columns if c.name not in {"id", "loaded_at", "list_rank"}]
        rows = []
        for row in session.execute(select(*(table.c[n] for n in names))):
            values = dict(zip(names, row, strict=True))
            if "drug_effect_id" in values:
                values["drug_effect_id"] = record[values["drug_effect_id"]]
            rows.append(repr(sorted(values.items())))
        out[table.name] = sorted(rows)
    return out


def _release(tmp_path: Path, edits: dict[str, Callable[[list[str]], list[str]]]) -> Path:
    """A copy of the fixtures with some files' lines rewritten (gzip stays gzip)."""
    target = tmp_path / "release"
    shutil.copytree(FIXTURES, target)
    for name, edit in edits.items():
        path = next(target.glob(f"{name}.tsv*"))
        opener: Any = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="latin-1") as file:
            lines = file.read().splitlines()
        with opener(path, "wt", encoding="latin-1") as file:
            file.write("".join(f"{line}\n" for line in edit(lines)))
    return target


def _count(session: Session, model: Any, *where: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _sider_id(session: Session) -> int:
    return session.execute(select(Source.id).where(Source.slug == SIDER)).scalar_one()


# --- counts -----------------------------------------------------------------------------------


def test_fixture_import_reports_what_it_read_and_wrote(session: Session) -> None:
    report = import_sider(session, FIXTURES)
    assert report.changed
    assert report.rows_read == {
        "label_mapping": 19,
        "meddra_all_se": 23,
        "meddra_freq": 15,
        "meddra_all_indications": 8,
    }
    assert (report.drugs, report.drugs_created) == (3, 2)  # clonazepam is curated
    assert (report.effects, report.effects_created) == (7, 4)  # drowsiness, dizziness, spasms
    assert (report.pairs, report.pairs_on_existing) == (10, 2)
    assert report.frequencies == 11
    assert report.evidence == 14  # 11 frequency rows + 3 pairs listed without a frequency
    assert (report.uses, report.aliases) == (3, 5)


def test_fixture_import_writes_the_reported_rows(session: Session) -> None:
    import_sider(session, FIXTURES)
    sider = _sider_id(session)
    assert _count(session, DrugEffect, DrugEffect.source_id == sider) == 8
    assert _count(session, Evidence, Evidence.source_id == sider) == 14
    assert _count(session, Evidence, Evidence.source_id == sider, Evidence.placebo) == 2
    assert _count(session, Alias, Alias.source_id == sider) == 5
    assert _count(session, DrugUse, DrugUse.source_id == sider) == 3
    assert _count(session, Effect, Effect.umls_cui.isnot(None)) == 4
    zorbatinib = session.execute(select(Drug).where(Drug.slug == "zorbatinib")).scalar_one()
    assert (zorbatinib.name, zorbatinib.pubchem_cid) == ("Zorbatinib", 990001)


def test_main_file_rows_that_are_not_used_are_counted_by_reason(session: Session) -> None:
    skipped = import_sider(session, FIXTURES).skipped
    assert skipped["meddra_all_se: lower-level term (its PT row is used)"] == 11
    assert skipped["meddra_all_se: not a MedDRA term"] == 1
    assert skipped["meddra_all_se: drug not in the name mapping"] == 1
    assert skipped["meddra_freq: lower-level term (its PT row is used)"] == 3
    assert skipped["meddra_freq: not a MedDRA term"] == 1
    assert skipped["meddra_all_indications: drug without side effects in this release"] == 2


def test_two_terms_matching_one_curated_effect_make_one_record(session: Session) -> None:
    """'Muscle spasm' (an alias) and 'Muscle spasms' (the name) both mean muscle-spasms."""
    import_sider(session, FIXTURES)
    rows = session.execute(
        select(DrugEffect.incidence_band, DrugEffect.incidence_wording)
        .join(Drug, Drug.id == DrugEffect.drug_id)
        .join(Effect, Effect.id == DrugEffect.effect_id)
        .where(Drug.slug == "quellofen-sodium", Effect.slug == "muscle-spasms")
    ).all()
    assert rows == [(IncidenceBand.uncommon, "SIDER: infrequent")]


# --- name mapping ------------------------------------------------------------------------------


def test_unmappable_mapping_rows_are_skipped_and_counted_by_reason(session: Session) -> None:
    skipped = import_sider(session, FIXTURES).skipped
    mapping = {k: v for k, v in skipped.items() if k.startswith("mapping: ")}
    assert mapping == {
        "mapping: ragged row": 1,
        "mapping: combination": 1,
        "mapping: not found": 1,
        "mapping: mapping conflict": 1,
        "mapping: template": 1,
        "mapping: no flat STITCH id": 1,
    }


def test_brand_names_become_aliases_unless_they_would_mislead(session: Session) -> None:
    report = import_sider(session, FIXTURES)
    aliases = session.execute(
        select(Alias.name, Drug.slug)
        .join(Drug, Drug.id == Alias.drug_id)
        .where(Alias.source_id == _sider_id(session))
        .order_by(Alias.name)
    ).all()
    assert [tuple(a) for a in aliases] == [
        ("CLONAXA 0.5 MG", "clonazepam"),
        ("QUELLA", "quellofen-sodium"),  # "QUELLA, QUELLA FORTE" is two brands
        ("QUELLA FORTE", "quellofen-sodium"),
        ("ZORBIX", "zorbatinib"),
        ("ZORBÏX FORTE", "zorbatinib"),  # a Latin-1 line, as in SIDER 4.0
    ]
    brands = {k: v for k, v in report.skipped.items() if k.startswith("brand names: ")}
    assert brands == {
        "brand names: already a curated alias": 1,  # KLONOPIN
        "brand names: given to several drugs": 2,  # TRIVEX
        "brand names: name another drug": 1,  # QUELLOFEN SODIUM on a zorbatinib label
        "brand names: the drug's own name": 1,  # ZORBATINIB
    }


# --- matching curated records -------------------------------------------------------------------


def test_curated_rows_are_never_changed(session: Session) -> None:
    before = _dump(session)
    import_sider(session, FIXTURES)
    after = _dump(session)
    for table, rows in before.items():
        assert set(rows) <= set(after[table]), table


@pytest.mark.anyio
async def test_curated_record_and_sider_evidence_show_side_by_side(
    session: Session, client: httpx.AsyncClient
) -> None:
    import_sider(session, FIXTURES)
    response = await client.get("/v1/drugs/clonazepam/effects/drowsiness")
    assert response.status_code == 200
    (side_effect,) = [c for c in response.json()["contexts"] if c["context"] == "side_effect"]
    assert side_effect["incidence"]["band"] == "unknown"  # the curated summary stands
    assert side_effect["incidence"]["wording"].startswith("Common (the articles' word)")
    sider = [e for e in side_effect["evidence"] if e["source"] == SIDER]
    assert [(e["frequency_text"], e["placebo"], e["incidence_band"]) for e in sider] == [
        ("37%", False, "very_common"),
        ("10%", True, "very_common"),
    ]
    assert any(e["source"] != SIDER for e in side_effect["evidence"])


@pytest.mark.anyio
async def test_drug_effect_list_names_curated_and_sider_sources(
    session: Session, client: httpx.AsyncClient
) -> None:
    import_sider(session, FIXTURES)
    body = (await client.get("/v1/drugs/clonazepam/effects?limit=100")).json()
    sources = {i["effect"]["slug"]: i["sources"] for i in body["items"]}
    assert sources["hair-colour-changes"] == [SIDER]
    assert SIDER in sources["drowsiness"]
    assert len(sources["drowsiness"]) > 1


@pytest.mark.anyio
async def test_sider_record_carries_frequency_and_placebo_rate(
    session: Session, client: httpx.AsyncClient
) -> None:
    import_sider(session, FIXTURES)
    body = (await client.get("/v1/drugs/zorbatinib/effects/headache")).json()
    (record,) = body["contexts"]
    assert record["incidence"] == {
        "band": "very_common",
        "frequency": 0.21,
        "placebo_frequency": 0.04,
        "wording": "SIDER: 21%, 5% (placebo 4%)",
    }
    assert [e["frequency_text"] for e in record["evidence"]] == ["21%", "5%", "4%"]


@pytest.mark.anyio
async def test_sider_brand_name_resolves_to_its_drug(
    session: Session, client: httpx.AsyncClient
) -> None:
    import_sider(session, FIXTURES)
    response = await client.get("/v1/drugs/Zorbix")
    assert response.status_code == 200
    assert response.json()["slug"] == "zorbatinib"


@pytest.mark.anyio
async def test_meta_lists_sider_licence_and_changes_data_version(
    session: Session, client: httpx.AsyncClient
) -> None:
    before = (await client.get("/v1/meta")).json()["data_version"]
    import_sider(session, FIXTURES)
    body = (await client.get("/v1/meta")).json()
    (source,) = [s for s in body["sources"] if s["slug"] == SIDER]
    assert source["licence"] == "CC BY-NC-SA 4.0"
    assert "sider" in [r["name"] for r in body["releases"]]
    assert body["data_version"] != before


# --- idempotence and releases ------------------------------------------------------------------


def test_same_files_again_change_nothing(session: Session) -> None:
    import_sider(session, FIXTURES)
    before = _dump(session)
    report = import_sider(session, FIXTURES)
    assert not report.changed
    assert _dump(session) == before


def test_forced_reimport_gives_identical_tables(session: Session) -> None:
    import_sider(session, FIXTURES)
    before = _dump(session)
    report = import_sider(session, FIXTURES, force=True)
    assert report.changed
    assert _dump(session) == before


def test_newer_release_replaces_sider_records_and_keeps_curated(
    session: Session, tmp_path: Path
) -> None:
    import_sider(session, FIXTURES)
    curated = _count(session, Evidence, Evidence.source_id != _sider_id(session))

    def drop_quellofen_and_zorbatinib_nausea(lines: list[str]) -> list[str]:
        return [
            line
            for line in lines
            if not line.startswith("CID100990002") and "\tC9100004\tNausea" not in line
        ]

    def new_headache_rate(lines: list[str]) -> list[str]:
        return [line.replace("21%\t0.21\t0.21", "30%\t0.3\t0.3") for line in lines]

    newer = _release(
        tmp_path,
        {
            "meddra_all_se": drop_quellofen_and_zorbatinib_nausea,
            "meddra_freq": lambda lines: new_headache_rate(
                drop_quellofen_and_zorbatinib_nausea(lines)
            ),
        },
    )
    report = import_sider(session, newer)
    assert report.changed
    assert (report.drugs, report.pairs) == (2, 5)
    assert _count(session, Evidence, Evidence.source_id != _sider_id(session)) == curated
    assert session.scalar(select(Drug.id).where(Drug.slug == "quellofen-sodium")) is None
    assert session.scalar(select(Effect.id).where(Effect.slug == "tinnitus")) is None
    assert session.scalar(select(Effect.id).where(Effect.slug == "muscle-spasms")) is not None
    headache = session.execute(
        select(DrugEffect.frequency)
        .join(Effect, Effect.id == DrugEffect.effect_id)
        .join(Drug, Drug.id == DrugEffect.drug_id)
        .where(Drug.slug == "zorbatinib", Effect.slug == "headache")
    ).scalar_one()
    assert headache == 0.3


# --- malformed input -----------------------------------------------------------------------------


def test_wrong_column_count_aborts_with_file_and_line_and_changes_nothing(
    session: Session, tmp_path: Path
) -> None:
    import_sider(session, FIXTURES)
    before = _dump(session)
    broken = _release(
        tmp_path,
        {"meddra_all_se": lambda lines: [*lines[:4], "CID100990001\tC9100004", *lines[4:]]},
    )
    with pytest.raises(SiderError, match=r"meddra_all_se\.tsv:5: expected 6 tab-separated"):
        import_sider(session, broken)
    assert _dump(session) == before


def test_bad_number_aborts_with_file_and_line(session: Session, tmp_path: Path) -> None:
    broken = _release(
        tmp_path, {"meddra_freq": lambda lines: [lines[0], lines[1].replace("0.37", "0.3x", 1)]}
    )
    before = _dump(session)
    with pytest.raises(SiderError, match=r"meddra_freq\.tsv\.gz:2: lower bound '0\.3x' is not a"):
        import_sider(session, broken)
    assert _dump(session) == before


def test_missing_file_is_named(tmp_path: Path, session: Session) -> None:
    shutil.copytree(FIXTURES, tmp_path / "partial")
    (tmp_path / "partial" / "meddra_all_indications.tsv").unlink()
    with pytest.raises(SiderError, match=r"missing meddra_all_indications\.tsv"):
        import_sider(session, tmp_path / "partial")


# --- command line --------------------------------------------------------------------------------


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("SIDEFX_DATABASE_URL", url)
    get_settings.cache_clear()
    assert CliRunner().invoke(cli, ["db", "upgrade"]).exit_code == 0
    yield url
    get_settings.cache_clear()


def test_cli_import_prints_summary(cli_database: str) -> None:
    result = CliRunner().invoke(cli, ["import", "sider", str(FIXTURES)])
    assert result.exit_code == 0, result.output
    assert "drug-effect pairs" in result.output
    assert "mapping: combination" in result.output
    again = CliRunner().invoke(cli, ["import", "sider", str(FIXTURES)])
    assert "unchanged" in again.output


def test_cli_rejects_malformed_file_and_leaves_database_empty(
    cli_database: str, tmp_path: Path
) -> None:
    broken = _release(tmp_path, {"meddra_all_indications": lambda lines: [*lines, "CID1"]})
    result = CliRunner().invoke(cli, ["import", "sider", str(broken)])
    assert result.exit_code == 1
    assert "meddra_all_indications.tsv:9" in result.output
    engine = make_engine(cli_database)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM drug_effect")).scalar_one() == 0
    engine.dispose()
