"""The SIDER importer on tiny hand-made files in SIDER's format (tests/fixtures/sider/README.md
says what each invented drug exercises)."""

import gzip
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from app.enums import Context, Flag, IncidenceBand, IncidenceBasis
from app.importers.sider.files import SiderError
from app.importers.sider.load import import_sider
from app.importers.sider.read import NOT_AN_INDICATION
from app.models import Alias, Base, Drug, DrugEffect, DrugUse, Effect, Evidence
from tests.conftest import SIDER_FIXTURES, seeded, separate_database

pytestmark = pytest.mark.anyio
SIDER = "sider-4-1"


def _release(tmp_path: Path, edits: dict[str, Callable[[list[str]], list[str]]]) -> Path:
    """A copy of the fixtures with some files' lines rewritten (gzip stays gzip)."""
    target = tmp_path / "release"
    shutil.copytree(SIDER_FIXTURES, target)
    for name, edit in edits.items():
        path = next(target.glob(f"{name}.tsv*"))
        opener: Any = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="latin-1") as file:
            lines = file.read().splitlines()
        with opener(path, "wt", encoding="latin-1") as file:
            file.write("".join(f"{line}\n" for line in edit(lines)))
    return target


def _record(session: Session, drug: str, effect_cui: str, context: Context) -> DrugEffect:
    return session.execute(
        select(DrugEffect)
        .join(Drug, Drug.id == DrugEffect.drug_id)
        .join(Effect, Effect.id == DrugEffect.effect_id)
        .where(Drug.slug == drug, Effect.umls_cui == effect_cui, DrugEffect.context == context)
    ).scalar_one()


def _dump(session: Session) -> dict[str, list[str]]:
    """Every table as a user could observe it: no surrogate ids or load times; rows that point
    at a record name it by (drug, effect, context)."""
    columns = (DrugEffect.id, DrugEffect.drug_id, DrugEffect.effect_id, DrugEffect.context)
    record = {i: (d, e, c) for i, d, e, c in session.execute(select(*columns))}
    out = {}
    for table in Base.metadata.sorted_tables:
        skip = {"id", "loaded_at", "anchor_id", "drug_effect_item_id", "alias_id", "drug_use_id"}
        names = [c.name for c in table.columns if c.name not in skip]
        rows = []
        for row in session.execute(select(*(table.c[n] for n in names))):
            values = dict(zip(names, row, strict=True))
            if values.get("drug_effect_id") is not None:
                values["drug_effect_id"] = record[values["drug_effect_id"]]
            rows.append(repr(sorted(values.items())))
        out[table.name] = sorted(rows)
    return out


def test_fixture_import_reports_what_it_read_and_wrote(session: Session) -> None:
    report = import_sider(session, SIDER_FIXTURES)
    assert report.changed
    assert report.rows_read == {
        "label_mapping": 20,
        "meddra_all_se": 37,
        "meddra_freq": 17,
        "meddra_all_indications": 7,
    }
    # clonazepam is curated; quellofen and quellofen sodium are one drug (one ingredient)
    assert (report.drugs, report.drugs_created) == (3, 2)
    assert report.pairs == 16
    assert report.withdrawal == 1  # clonazepam's drug withdrawal syndrome
    assert report.errata == "meddra_freq_to_exclude.tsv: 1 rows"
    assert report.skipped["meddra_all_se: lower-level term (its PT row is used)"] == 18


def test_effects_join_curated_records_by_code_never_by_name(session: Session) -> None:
    """Somnolence (the preferred term curated drowsiness records) lands on the curated record;
    Nervousness, which the curated data once merged into anxiety by an alias, stays its own."""
    import_sider(session, SIDER_FIXTURES)
    drowsiness = _record(session, "clonazepam", "C2830004", Context.side_effect)
    assert drowsiness.curated
    effect = session.get_one(Effect, drowsiness.effect_id)
    assert (effect.slug, effect.meddra_term) == ("drowsiness", "Somnolence")
    anxiety = session.scalar(select(Effect.slug).where(Effect.umls_cui == "C0003467"))
    nervousness = session.scalar(select(Effect.slug).where(Effect.umls_cui == "C0027769"))
    assert (anxiety, nervousness) == ("anxiety", "nervousness")


def test_summary_is_the_median_of_the_measured_rows_with_their_range_and_placebo(
    session: Session,
) -> None:
    import_sider(session, SIDER_FIXTURES)
    record = _record(session, "clonazepam", "C2830004", Context.side_effect)
    assert record.basis is IncidenceBasis.measured
    assert (record.frequency, record.frequency_low, record.frequency_high) == (0.36, 0.06, 0.52)
    assert record.placebo_frequency == 0.04
    assert record.summary_band is IncidenceBand.very_common
    assert record.measured_rows == 3
    assert record.incidence_wording is not None  # the curated wording stays


def test_frequency_words_give_a_band_never_a_number(session: Session) -> None:
    import_sider(session, SIDER_FIXTURES)
    record = _record(session, "clonazepam", "C0012833", Context.side_effect)
    assert (record.summary_band, record.frequency) == (IncidenceBand.common, None)
    assert record.basis is IncidenceBasis.label_words


def test_the_drugs_own_withdrawal_terms_are_in_the_withdrawal_context(session: Session) -> None:
    import_sider(session, SIDER_FIXTURES)
    record = _record(session, "clonazepam", "C0152128", Context.withdrawal)
    assert record.flag is None


@pytest.mark.parametrize(
    ("cui", "flag"),
    [
        ("C1142135", Flag.procedure_or_therapy),  # Muscle relaxant therapy
        ("C9200004", Flag.indication),  # Psoriasis, an indication of zorbatinib
        ("C0236663", Flag.other_substance_withdrawal),  # Alcohol withdrawal syndrome
    ],
)
def test_records_unlikely_to_be_effects_are_flagged_with_a_reason(
    session: Session, cui: str, flag: Flag
) -> None:
    import_sider(session, SIDER_FIXTURES)
    record = _record(session, "zorbatinib", cui, Context.side_effect)
    assert record.flag is flag
    assert record.flag_reason


def test_only_the_labels_indications_are_indications(session: Session) -> None:
    """A term the indications file only mentions, or names as a precondition, is neither a
    use of the drug nor a reason to hide its side effect."""
    report = import_sider(session, SIDER_FIXTURES)
    assert report.skipped[f"meddra_all_indications: {NOT_AN_INDICATION}"] == 2
    assert _record(session, "zorbatinib", "C9100004", Context.side_effect).flag is None  # nausea
    assert _record(session, "zorbatinib", "C9100005", Context.side_effect).flag is None
    uses = session.scalars(
        select(DrugUse.umls_cui).join(Drug).where(Drug.slug == "zorbatinib")
    ).all()
    assert set(uses) == {"C9200004"}  # psoriasis alone


def test_effects_above_placebo_are_not_flagged(session: Session) -> None:
    import_sider(session, SIDER_FIXTURES)
    assert _record(session, "zorbatinib", "C9100005", Context.side_effect).flag is None


async def test_flagged_records_are_left_out_of_default_lists_and_counts(
    session: Session, client: httpx.AsyncClient
) -> None:
    import_sider(session, SIDER_FIXTURES)
    default = (await client.get("/v1/drugs/zorbatinib/effects?limit=100")).json()
    everything = (
        await client.get("/v1/drugs/zorbatinib/effects?limit=100&include_flagged=true")
    ).json()
    assert {i["effect"]["name"] for i in default["items"]} == {
        "Headache",
        "Nausea",
        "Muscle spasms",
        "Hair colour changes",
        "Dry mouth",  # 2% against 3% on placebo: listed, at placebo level
    }
    flagged = [i for i in everything["items"] if i["flag"]]
    assert len(flagged) == 3
    assert everything["total"] == default["total"] + 3
    assert everything["items"][-3:] == flagged  # flagged records come last
    counts = (await client.get("/v1/drugs/zorbatinib")).json()["effect_counts"]
    assert counts == {"side_effect": 5, "withdrawal": 0, "overdose": 0, "flagged": 3}


def test_errata_rows_are_dropped_when_the_errata_file_is_present(
    session: Session, tmp_path: Path
) -> None:
    import_sider(session, SIDER_FIXTURES)
    acne = select(func.count()).select_from(Effect).where(Effect.umls_cui == "C9100010")
    assert session.scalar(acne) == 0


def test_without_the_errata_file_the_erroneous_row_is_imported(
    session: Session, tmp_path: Path
) -> None:
    release = _release(tmp_path, {})
    (release / "meddra_freq_to_exclude.tsv").unlink()
    report = import_sider(session, release)
    assert report.errata is None
    record = _record(session, "zorbatinib", "C9100010", Context.side_effect)
    assert record.frequency == 1.0


def test_an_errata_file_given_elsewhere_is_applied(session: Session, tmp_path: Path) -> None:
    release = _release(tmp_path, {})
    errata = tmp_path / "errata.tsv"
    (release / "meddra_freq_to_exclude.tsv").rename(errata)
    report = import_sider(session, release, errata=errata)
    assert report.errata == "errata.tsv: 1 rows"


async def test_a_salts_name_finds_the_one_drug_of_its_ingredient(
    session: Session, client: httpx.AsyncClient
) -> None:
    import_sider(session, SIDER_FIXTURES)
    salt = (await client.get("/v1/drugs/quellofen%20sodium")).json()
    assert (salt["slug"], salt["same_ingredient"]) == ("quellofen", [])
    assert (await client.get("/v1/drugs/quellofen")).json()["slug"] == "quellofen"


async def test_a_curated_condition_answers_through_the_broader_term(
    session: Session, client: httpx.AsyncClient
) -> None:
    """Zorbatinib has muscle spasms (the preferred term leg cramps sit under), not leg cramps."""
    import_sider(session, SIDER_FIXTURES)
    body = (await client.get("/v1/drugs/zorbatinib/effects/leg-cramps")).json()
    (record,) = body["contexts"]
    assert record["effect"]["slug"] == "muscle-spasms"
    assert record["matched_via"]["kind"] == "broader_term"
    reverse = (await client.get("/v1/effects/leg-cramps/drugs?limit=100")).json()["items"]
    zorbatinib = [i for i in reverse if i["drug"]["slug"] == "zorbatinib"]
    assert zorbatinib
    assert zorbatinib[0]["matched_via"]["effect"]["slug"] == "muscle-spasms"
    exact = (await client.get("/v1/effects/leg-cramps/drugs?limit=100&exact_only=true")).json()
    assert {i["drug"]["slug"] for i in exact["items"]} == {"clonazepam", "gabapentin"}


def test_importing_the_same_files_again_changes_nothing(session: Session) -> None:
    import_sider(session, SIDER_FIXTURES)
    before = _dump(session)
    assert not import_sider(session, SIDER_FIXTURES).changed
    assert import_sider(session, SIDER_FIXTURES, force=True).changed
    assert _dump(session) == before


def _empty(lines: list[str]) -> list[str]:
    return []


@pytest.mark.parametrize(
    "name", ["label_mapping", "meddra_all_se", "meddra_freq", "meddra_all_indications"]
)
def test_an_empty_file_is_refused_and_nothing_changes(
    session: Session, tmp_path: Path, name: str
) -> None:
    import_sider(session, SIDER_FIXTURES)
    before = _dump(session)
    release = _release(tmp_path, {name: _empty})
    with pytest.raises(SiderError, match=name):
        import_sider(session, release, force=True)
    assert _dump(session) == before


def test_a_zero_byte_file_is_refused(session: Session, tmp_path: Path) -> None:
    release = _release(tmp_path, {})
    (release / "meddra_freq.tsv.gz").write_bytes(b"")
    with pytest.raises(SiderError, match=r"meddra_freq\.tsv\.gz: the file is empty"):
        import_sider(session, release)


def test_a_truncated_gzip_file_is_refused(session: Session, tmp_path: Path) -> None:
    release = _release(tmp_path, {})
    path = release / "meddra_freq.tsv.gz"
    path.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(SiderError, match=r"meddra_freq\.tsv\.gz: cannot read"):
        import_sider(session, release)


def test_a_line_that_is_not_utf8_names_its_file_and_line(session: Session, tmp_path: Path) -> None:
    release = _release(tmp_path, {})
    path = release / "meddra_all_se.tsv"
    path.write_bytes(
        path.read_bytes() + b"CID100990001\tCID000990001\tC9\tPT\tC9100004\tN\xe9usea\n"
    )
    with pytest.raises(SiderError, match=r"meddra_all_se.tsv:38: not valid UTF-8"):
        import_sider(session, release)


def test_latin1_lines_of_the_name_mapping_are_read_and_reported(session: Session) -> None:
    report = import_sider(session, SIDER_FIXTURES)
    assert report.skipped["label_mapping: lines read as Latin-1 (first label_mapping.tsv:17)"] == 1


def test_a_truncated_last_line_names_its_file_and_line(session: Session, tmp_path: Path) -> None:
    release = _release(tmp_path, {"meddra_all_se": lambda lines: [*lines, "CID100990001\tCID0"]})
    with pytest.raises(SiderError, match=r"meddra_all_se.tsv:38: expected 6 tab-separated fields"):
        import_sider(session, release)


def test_a_name_mapping_that_names_few_of_the_drugs_is_refused(
    session: Session, tmp_path: Path
) -> None:
    release = _release(tmp_path, {"label_mapping": lambda lines: lines[:2]})
    with pytest.raises(SiderError, match="wrong or truncated name mapping"):
        import_sider(session, release)


def test_a_release_much_smaller_than_the_last_import_is_refused_unless_allowed(
    session: Session, tmp_path: Path
) -> None:
    import_sider(session, SIDER_FIXTURES)
    before = _dump(session)
    small = _release(
        tmp_path,
        {"meddra_freq": lambda lines: lines[:2], "meddra_all_se": lambda lines: lines[:12]},
    )
    with pytest.raises(SiderError, match="--allow-shrink"):
        import_sider(session, small)
    assert _dump(session) == before
    assert import_sider(session, small, allow_shrink=True).changed


def test_brand_names_come_in_display_case_without_strengths(session: Session) -> None:
    import_sider(session, SIDER_FIXTURES)
    brands = set(session.scalars(select(Alias.name).where(Alias.release == "sider")))
    assert "Zorbix" in brands
    assert not any(b.isupper() and len(b) > 3 for b in brands)
    assert not any(ch.isdigit() for b in brands for ch in b)


def test_every_imported_row_cites_the_file_it_comes_from(session: Session) -> None:
    import_sider(session, SIDER_FIXTURES)
    anchors = session.execute(
        select(Evidence.frequency_text.is_(None), func.count()).group_by(
            Evidence.frequency_text.is_(None)
        )
    ).all()
    assert anchors
    assert session.scalar(select(func.count()).where(Evidence.anchor_id.is_(None))) == 0


async def test_each_value_in_an_answer_names_its_source_and_file(
    session: Session, client: httpx.AsyncClient
) -> None:
    import_sider(session, SIDER_FIXTURES)
    body = (await client.get("/v1/drugs/zorbatinib/effects/headache")).json()
    measurements = body["contexts"][0]["incidence"]["measurements"]
    assert measurements
    for row in measurements:
        assert row["source"]["slug"] == "sider-4-1"
        assert row["source"]["title"].startswith("SIDER 4.1")
        assert row["anchor"]["kind"] == "file"
        assert row["anchor"]["key"] in {"meddra_freq", "meddra_all_se"}


def test_a_load_blocked_past_its_limit_fails_clearly_and_changes_nothing(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another connection holds the tables: the import waits at most its statement limit (on
    SQLite, where that is the database's write lock, its busy timeout for the load lock), then
    says it failed or was refused and left the database as it was."""
    from typer.testing import CliRunner

    from app.cli import cli
    from app.config import get_settings

    with separate_database(database_url, tmp_path, "blocked") as url:
        engine = seeded(url)
        before = _evidence_count(engine)
        monkeypatch.setenv("SIDEFX_DATABASE_URL", url)
        monkeypatch.setenv("SIDEFX_LOAD_STATEMENT_TIMEOUT_MS", "1000")
        get_settings.cache_clear()
        blocker = engine.raw_connection()  # a plain driver connection: no autobegin
        try:
            cursor = blocker.cursor()
            if url.startswith("sqlite"):
                cursor.execute("BEGIN EXCLUSIVE")
            else:
                cursor.execute("LOCK TABLE drug_effect IN ACCESS EXCLUSIVE MODE")
            result = CliRunner().invoke(cli, ["import", "sider", str(SIDER_FIXTURES)])
        finally:
            blocker.rollback()
            blocker.close()
            get_settings.cache_clear()
        assert result.exit_code == 1
        if url.startswith("sqlite"):
            assert "SIDER import refused, database unchanged" in result.output
            assert "write lock" in result.output
        else:
            assert "SIDER import failed, database unchanged" in result.output
            assert "while running:" in result.output  # which statement it stopped
        assert "Traceback" not in result.output
        assert _evidence_count(engine) == before
        engine.dispose()


def _evidence_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(Evidence)) or 0)


def test_an_import_on_postgresql_leaves_no_dead_rows_behind(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read model rewrites every record it loads; the CLI vacuums after the commit, so
    reads right after a load do not step over a dead version of each record."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite keeps no dead row versions")
    from typer.testing import CliRunner

    from app.cli import cli
    from app.config import get_settings

    with separate_database(database_url, tmp_path, "vacuum") as url:
        engine = seeded(url)
        monkeypatch.setenv("SIDEFX_DATABASE_URL", url)
        get_settings.cache_clear()
        try:
            result = CliRunner().invoke(cli, ["import", "sider", str(SIDER_FIXTURES)])
        finally:
            get_settings.cache_clear()
        with engine.connect() as conn:
            pages, visible = conn.execute(
                text("SELECT relpages, relallvisible FROM pg_class WHERE relname = 'drug_effect'")
            ).one()
        engine.dispose()
        assert result.exit_code == 0, result.output
        assert "VACUUM (ANALYZE) after the load" in result.output
        assert pages > 0
        assert visible == pages  # every page all-visible: no dead row versions
