"""The curated seed loader: valid, idempotent, atomic, and every citation names a real anchor."""

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import func, select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.cli import cli
from app.importers.seed.files import SeedError, read_seed
from app.importers.seed.load import load_seed
from app.importers.sider.load import import_sider
from app.models import Base, Citation, DrugEffect, Effect, Evidence
from tests.conftest import SEED_DIR, SIDER_FIXTURES


def _dump(session: Session) -> dict[str, list[tuple[str, ...]]]:
    """Every table's rows without surrogate ids or load times: what a user could observe."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if not c.name.endswith("id") and c.name != "loaded_at"]
        if not columns:  # only keys: the row count is what can be observed
            out[table.name] = [(repr(session.scalar(select(func.count()).select_from(table))),)]
            continue
        rows = session.execute(select(*columns)).all()
        out[table.name] = sorted(tuple(map(repr, r)) for r in rows)
    return out


def _broken_copy(tmp_path: Path, file: str, edit: Any) -> Path:
    target = tmp_path / "seed"
    shutil.copytree(SEED_DIR, target)
    records = yaml.safe_load((target / file).read_text())
    edit(records)
    (target / file).write_text(yaml.safe_dump(records, sort_keys=False))
    return target


def test_every_seed_record_validates() -> None:
    seed = read_seed(SEED_DIR)
    assert len([s for s in seed.sources if s.document]) == 5
    assert {"clonazepam", "diazepam", "cyclobenzaprine", "baclofen"} <= {d.slug for d in seed.drugs}


def test_reloading_the_seed_changes_nothing(session: Session) -> None:
    before = _dump(session)
    assert load_seed(session, read_seed(SEED_DIR), force=True).changed
    assert _dump(session) == before


def test_an_unchanged_seed_is_skipped(session: Session) -> None:
    assert not load_seed(session, read_seed(SEED_DIR)).changed


def test_a_citation_to_an_anchor_the_source_does_not_list_is_rejected(tmp_path: Path) -> None:
    def invent(records: list[dict[str, Any]]) -> None:
        records[0]["uses"][0]["cite"] = ["diazepam-leg-muscle-pain#introduction"]

    with pytest.raises(
        SeedError,
        match=r"drugs\.yaml: record 1 \(clonazepam\): field 'uses\[0\]\.cite': 'introduction' is "
        r"not an anchor of diazepam-leg-muscle-pain",
    ):
        read_seed(_broken_copy(tmp_path, "drugs.yaml", invent))


def test_a_statement_without_a_citation_is_rejected(tmp_path: Path) -> None:
    def uncite(records: list[dict[str, Any]]) -> None:
        records[0]["management"][0]["cite"] = []

    with pytest.raises(SeedError, match=r"drug_effects\.yaml: record 1 .*management\.0\.cite"):
        read_seed(_broken_copy(tmp_path, "drug_effects.yaml", uncite))


def test_a_bad_field_error_names_file_record_and_field(tmp_path: Path) -> None:
    def break_context(records: list[dict[str, Any]]) -> None:
        records[2]["context"] = "sometimes"

    with pytest.raises(SeedError, match=r"drug_effects\.yaml: record 3 .*field 'context'"):
        read_seed(_broken_copy(tmp_path, "drug_effects.yaml", break_context))


def test_an_unknown_reference_is_rejected(tmp_path: Path) -> None:
    def dangling(records: list[dict[str, Any]]) -> None:
        records[0]["effect"] = "no-such-effect"

    with pytest.raises(SeedError, match=r"field 'effect': unknown 'no-such-effect'"):
        read_seed(_broken_copy(tmp_path, "drug_effects.yaml", dangling))


def test_an_alias_may_not_name_another_record(tmp_path: Path) -> None:
    def steal(records: list[dict[str, Any]]) -> None:
        anxiety = next(r for r in records if r["slug"] == "anxiety")
        anxiety.setdefault("aliases", []).append(
            {"name": "Somnolence", "kind": "synonym", "cite": ["sidefx-curation#synonyms"]}
        )

    with pytest.raises(SeedError, match="already names 'drowsiness'"):
        read_seed(_broken_copy(tmp_path, "effects.yaml", steal))


def test_the_seed_adopts_an_effect_an_import_created_with_the_same_code(
    session: Session,
) -> None:
    """Imported first, then seeded: SIDER's Somnolence becomes curated drowsiness, records kept."""
    import_sider(session, SIDER_FIXTURES)
    drowsiness = session.scalar(select(Effect).where(Effect.slug == "drowsiness"))
    assert drowsiness is not None
    session.execute(text("UPDATE effect SET slug = 'somnolence' WHERE slug = 'drowsiness'"))
    load_seed(session, read_seed(SEED_DIR), force=True)
    adopted = session.scalar(select(Effect).where(Effect.umls_cui == "C2830004"))
    assert adopted is not None
    assert adopted.slug == "drowsiness"
    backed = (
        select(func.count())
        .select_from(Evidence)
        .join(DrugEffect, DrugEffect.id == Evidence.drug_effect_id)
        .where(DrugEffect.effect_id == adopted.id)
    )
    assert (session.scalar(backed) or 0) >= 4  # SIDER's rows are still on the record


def test_cli_seed_with_a_broken_file_leaves_the_database_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("SIDEFX_DATABASE_URL", url)
    from app.config import get_settings

    get_settings.cache_clear()
    runner = CliRunner()
    try:
        assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
        assert runner.invoke(cli, ["seed"]).exit_code == 0

        def rename_drug(records: list[dict[str, Any]]) -> None:
            records[0]["name"] = "Renamed"
            records[-1]["identifiers"]["pubchem_cid"] = "not a number"

        broken = _broken_copy(tmp_path, "drugs.yaml", rename_drug)
        result = runner.invoke(cli, ["seed", "--dir", str(broken), "--force"])
        assert result.exit_code == 1
        assert "drugs.yaml" in result.output
        assert "pubchem_cid" in result.output
        from app.db import make_engine

        engine = make_engine(url)
        with engine.connect() as conn:
            names = conn.execute(text("SELECT name FROM drug")).scalars().all()
        engine.dispose()
        assert "Renamed" not in names
        assert "Clonazepam" in names
    finally:
        get_settings.cache_clear()


def test_a_failed_write_rolls_back_everything(session: Session, tmp_path: Path) -> None:
    """A database error mid-load (here a CHECK violation) leaves no partial rows."""
    before = _dump(session)
    seed = read_seed(SEED_DIR)
    seed.drug_effects[-1] = seed.drug_effects[-1].model_copy(update={"context": "not-a-context"})
    nested = session.begin_nested()
    with pytest.raises(StatementError, match="not-a-context"):
        load_seed(session, seed, force=True)
    nested.rollback()
    assert _dump(session) == before


def test_no_citation_points_nowhere(session: Session) -> None:
    assert (session.scalar(select(func.count()).select_from(Citation)) or 0) > 400
