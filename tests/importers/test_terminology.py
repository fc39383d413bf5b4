"""`sidefx import rxnorm` / `import atc` on the invented fixtures (tests/fixtures/rxnorm and
atc, whose READMEs say what each row exercises): codes land, ambiguity is reported and never
guessed, a second run changes nothing, a bad file changes nothing and names file and line."""

import shutil
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import AliasKind, DrugCodeSystem, Release
from app.importers.terminology.drugs import TerminologyError, import_atc, import_rxnorm
from app.models import Alias, Citation, DataRelease, Drug, DrugCode, Source, SourceAnchor
from tests.conftest import FIXTURES, seeded, separate_database

RXNORM = FIXTURES / "rxnorm"
ATC = FIXTURES / "atc" / "atc_index.csv"


def _codes(session: Session) -> set[tuple[str, str, str]]:
    rows = session.execute(
        select(Drug.slug, DrugCode.system, DrugCode.code).join(Drug, Drug.id == DrugCode.drug_id)
    )
    return {(slug, system.value, code) for slug, system, code in rows}


def _state(session: Session) -> dict[str, object]:
    """What a user could observe of the terminology rows (no surrogate ids, no load times)."""
    session.flush()
    aliases = session.execute(
        select(Alias.name, Alias.kind, Drug.slug).join(Drug).where(Alias.release == Release.rxnorm)
    )
    cites = session.execute(
        select(Source.slug, SourceAnchor.key, Citation.part, Citation.drug_id.isnot(None))
        .join(SourceAnchor, SourceAnchor.id == Citation.anchor_id)
        .join(Source, Source.id == SourceAnchor.source_id)
    )
    releases = session.execute(select(DataRelease.name, DataRelease.checksum))
    return {
        "codes": _codes(session),
        "aliases": sorted(tuple(r) for r in aliases),
        "citations": sorted((tuple(r) for r in cites), key=repr),
        "releases": sorted(tuple(r) for r in releases),
    }


def test_rxnorm_codes_and_brands_land_on_the_drugs_named_by_their_ingredient(
    session: Session,
) -> None:
    report = import_rxnorm(session, RXNORM)
    assert report.release == "RxNorm 20990101"
    assert dict(report.drugs["seed"]) == {"matched": 2, "ambiguous": 1, "unmatched": 25}
    assert _codes(session) == {
        ("clonazepam", "rxnorm", "900101"),
        ("clonazepam", "atc", "X91BB01"),
        ("atorvastatin", "rxnorm", "900301"),  # its precise ingredient is the same one
        ("atorvastatin", "atc", "X91AA05"),
        ("atorvastatin", "atc", "X92AA05"),
    }
    brands = session.execute(
        select(Alias.name, Drug.slug).join(Drug).where(Alias.release == Release.rxnorm)
    )
    assert sorted(tuple(r) for r in brands) == [
        ("Lipistat", "atorvastatin"),
        ("Rivotrix", "clonazepam"),
    ]
    assert report.skipped == {
        "brand names: already a drug's name or alias": 1,  # Klonopin
        "brand names: its ingredient matched no drug, or several": 1,  # Simvacor
        "brand names: several ingredients (a combination)": 1,  # Statinex Duo
    }
    source = session.scalars(select(Source).where(Source.slug == "rxnorm-20990101")).one()
    assert source.title == "RxNorm 20990101"


def test_an_ambiguous_ingredient_is_reported_and_given_no_code(session: Session) -> None:
    report = import_rxnorm(session, RXNORM)
    assert report.ambiguous == ["simvastatin: Simvastatin (900201), Simvastatin sodium (900202)"]
    assert not {c for c in _codes(session) if c[0] == "simvastatin"}
    assert "ambiguous, left without a code: simvastatin" in "\n".join(report.lines())


def test_every_imported_alias_and_code_is_cited_to_the_release(session: Session) -> None:
    import_rxnorm(session, RXNORM)
    aliases = session.scalars(select(Alias.id).where(Alias.release == Release.rxnorm)).all()
    cited = session.scalars(
        select(Citation.alias_id).where(Citation.alias_id.in_(aliases)).distinct()
    ).all()
    assert set(cited) == set(aliases)
    coded = session.scalars(select(DrugCode.drug_id).distinct()).all()
    identifiers = session.scalars(
        select(Citation.drug_id)
        .join(SourceAnchor, SourceAnchor.id == Citation.anchor_id)
        .where(SourceAnchor.key == "RXNCONSO.RRF", Citation.part == "identifiers")
    ).all()
    assert sorted(i or 0 for i in identifiers) == sorted(coded)
    assert session.scalars(select(Alias.kind).where(Alias.release == Release.rxnorm)).all() == [
        AliasKind.brand,
        AliasKind.brand,
    ]


def test_a_second_run_changes_nothing_and_a_forced_one_writes_the_same(session: Session) -> None:
    import_rxnorm(session, RXNORM)
    import_atc(session, ATC)
    first = _state(session)
    again = import_rxnorm(session, RXNORM)
    assert not again.changed
    assert not import_atc(session, ATC).changed
    assert _state(session) == first
    assert import_rxnorm(session, RXNORM, force=True).changed
    assert _state(session) == first


def test_atc_codes_land_with_the_salt_rule(session: Session) -> None:
    report = import_atc(session, ATC)
    assert dict(report.drugs["seed"]) == {"matched": 3, "unmatched": 25}
    atc = {(s, c) for s, system, c in _codes(session) if system == DrugCodeSystem.atc.value}
    assert atc == {
        ("furosemide", "X93AA01"),
        ("furosemide", "X93BA02"),  # `furosemide sodium`
        ("baclofen", "X93AA03"),
        ("ethacrynic-acid", "X93AA04"),
    }
    baclofen = session.scalars(select(Drug).where(Drug.slug == "baclofen")).one()
    assert baclofen.atc_code == "M03BX01"  # the curated code stays


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "rrf"
    shutil.copytree(RXNORM, target)
    return target


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("RXNCONSO.RRF", b"", "RXNCONSO.RRF: empty"),
        ("RXNREL.RRF", b"", "RXNREL.RRF: empty"),
        ("RXNCONSO.RRF", None, "RXNCONSO.RRF line 17: no newline at its end"),
        ("RXNCONSO.RRF", b"900101|ENG|Clonazepam|\n", "RXNCONSO.RRF line 18: 3 fields"),
        ("RXNREL.RRF", b"\xff\xfe|\n", "RXNREL.RRF line 10: not UTF-8"),
        ("RXNCONSO.RRF", "missing", "RXNCONSO.RRF: not found"),
    ],
)
def test_a_bad_release_changes_nothing_and_names_file_and_line(
    session: Session, tmp_path: Path, name: str, content: bytes | str | None, message: str
) -> None:
    import_rxnorm(session, RXNORM)
    before = _state(session)
    release = _copy(tmp_path)
    path = release / name
    if content == "missing":
        path.unlink()
    elif content is None:  # a download cut mid-line
        path.write_bytes(path.read_bytes()[:-5])
    elif isinstance(content, bytes) and content:
        path.write_bytes(path.read_bytes() + content)
    else:
        path.write_bytes(b"")
    with pytest.raises(TerminologyError, match=message):
        import_rxnorm(session, release)
    assert _state(session) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "atc_index.csv line 1: the header must name 'code' and 'name'"),
        (b"code,name\n", "atc_index.csv: no codes"),
        (b"code,name\nN03AE01,clonazepam\nN3,x\n", "atc_index.csv line 3: 'N3' is not an ATC"),
        (b"code,name\nN03AE01\n", "atc_index.csv line 2: 1 fields, expected 2"),
    ],
)
def test_a_bad_atc_file_changes_nothing(
    session: Session, tmp_path: Path, content: bytes, message: str
) -> None:
    import_atc(session, ATC)
    before = _state(session)
    path = tmp_path / "atc_index.csv"
    path.write_bytes(content)
    with pytest.raises(TerminologyError, match=message):
        import_atc(session, path)
    assert _state(session) == before


@pytest.mark.anyio
async def test_a_drugs_detail_shows_every_imported_code(
    session: Session, client: httpx.AsyncClient
) -> None:
    """The JSON API answers with the codes as FHIR does: atorvastatin has two ATC codes."""
    import_rxnorm(session, RXNORM)
    identifiers = (await client.get("/v1/drugs/atorvastatin")).json()["identifiers"]
    assert identifiers["rxcui"] == "900301"
    assert {(c["system"], c["code"], c["source"]) for c in identifiers["codes"]} == {
        ("rxnorm", "900301", "rxnorm"),
        ("atc", "X91AA05", "rxnorm"),
        ("atc", "X92AA05", "rxnorm"),
    }
    assert identifiers["cites"]


def test_the_cli_imports_rxnorm_and_atc_and_refuses_a_bad_file_leaving_the_codes(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`sidefx import rxnorm DIR` and `sidefx import atc FILE`, as the README shows them: codes
    land and the report is printed; a bad file is refused with exit 1, naming file and line,
    and the codes already loaded stay."""
    from typer.testing import CliRunner

    from app.cli import cli
    from app.config import get_settings

    with separate_database(database_url, tmp_path, "terminology-cli") as url:
        engine = seeded(url)
        monkeypatch.setenv("SIDEFX_DATABASE_URL", url)
        get_settings.cache_clear()
        try:
            rxnorm = CliRunner().invoke(cli, ["import", "rxnorm", str(RXNORM)])
            atc = CliRunner().invoke(cli, ["import", "atc", str(ATC)])
            bad = tmp_path / "atc_index.csv"
            bad.write_bytes(b"code,name\nN03AE01\n")
            refused = CliRunner().invoke(cli, ["import", "atc", str(bad)])
        finally:
            get_settings.cache_clear()
        assert rxnorm.exit_code == 0, rxnorm.output
        assert "codes written:" in rxnorm.output
        assert atc.exit_code == 0, atc.output
        assert refused.exit_code == 1
        assert "ATC import refused, database unchanged" in refused.output
        assert "atc_index.csv line 2" in refused.output
        with Session(engine) as session:
            codes = _codes(session)
        assert ("clonazepam", "rxnorm", "900101") in codes
        assert {system for _, system, _ in codes} == {"rxnorm", "atc"}
        engine.dispose()
