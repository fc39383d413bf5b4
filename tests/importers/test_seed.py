"""The curated seed: valid, cited, idempotent and atomic."""

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.cli import cli
from app.importers.seed import load_seed
from app.importers.seed_files import SeedError, read_seed
from app.models import Base, DrugEffect, Evidence
from tests.conftest import SEED_DIR

SHARED_SEEDS = SEED_DIR.parent.parent / "shared" / "seeds"


def _dump(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows without surrogate ids or load times: what a user could observe."""
    out = {}
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if c.name not in {"id", "loaded_at"}]
        rows = session.execute(select(*columns)).all()
        out[table.name] = sorted(tuple(map(repr, r)) for r in rows)
    return out


def test_every_seed_record_validates() -> None:
    seed = read_seed(SEED_DIR)
    assert len(seed.sources) == 5
    assert {"clonazepam", "diazepam", "cyclobenzaprine", "baclofen", "lorazepam", "tizanidine"} <= {
        d.slug for d in seed.drugs
    }


def test_every_drug_effect_cites_a_source(session: Session) -> None:
    uncited = session.scalars(
        select(DrugEffect.id).where(~DrugEffect.id.in_(select(Evidence.drug_effect_id)))
    ).all()
    assert uncited == []
    assert session.scalar(select(DrugEffect.id).limit(1)) is not None


def test_reloading_the_seed_changes_nothing(session: Session) -> None:
    before = _dump(session)
    report = load_seed(session, read_seed(SEED_DIR), force=True)
    session.flush()
    assert report.changed
    assert _dump(session) == before


def test_unchanged_seed_is_skipped(session: Session) -> None:
    report = load_seed(session, read_seed(SEED_DIR))
    assert not report.changed


def _broken_copy(tmp_path: Path, file: str, mutate: Any) -> Path:
    target = tmp_path / "seed"
    shutil.copytree(SEED_DIR, target)
    records = yaml.safe_load((target / file).read_text())
    mutate(records)
    (target / file).write_text(yaml.safe_dump(records, sort_keys=False))
    return target


def test_bad_field_error_names_file_record_and_field(tmp_path: Path) -> None:
    def break_context(records: list[dict[str, Any]]) -> None:
        records[2]["context"] = "sometimes"

    with pytest.raises(SeedError, match=r"drug_effects\.yaml: record 3 .*field 'context'"):
        read_seed(_broken_copy(tmp_path, "drug_effects.yaml", break_context))


def test_unknown_reference_is_rejected(tmp_path: Path) -> None:
    def dangling(records: list[dict[str, Any]]) -> None:
        records[0]["effect"] = "no-such-effect"

    with pytest.raises(SeedError, match=r"record 1: field 'effect': unknown slug 'no-such-effect'"):
        read_seed(_broken_copy(tmp_path, "drug_effects.yaml", dangling))


def test_cli_seed_with_broken_file_leaves_database_unchanged(
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
            records[-1]["pubchem_cid"] = "not a number"

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


def test_failed_write_rolls_back_everything(session: Session, tmp_path: Path) -> None:
    """A database error mid-load (here: a CHECK violation) must leave no partial rows."""
    before = _dump(session)

    def bad_band(records: list[dict[str, Any]]) -> None:
        records[-1]["name"] = "Changed name"

    seed = read_seed(_broken_copy(tmp_path, "drugs.yaml", bad_band))
    broken = seed.drug_effects[-1].model_copy(update={"context": "not-a-context"})
    seed.drug_effects[-1] = broken
    nested = session.begin_nested()
    with pytest.raises(StatementError, match="not-a-context"):
        load_seed(session, seed, force=True)
    nested.rollback()
    assert _dump(session) == before
    assert inspect(session.get_bind()).has_table("drug")


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="source documents not present beside repo")
def test_seed_text_does_not_copy_source_sentences() -> None:
    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9']+", text.lower())

    n = 10
    grams: set[str] = set()
    for doc in SHARED_SEEDS.glob("*.txt"):
        w = words(doc.read_text(errors="ignore"))
        grams.update(" ".join(w[i : i + n]) for i in range(len(w) - n + 1))
    copied = []
    for file in SEED_DIR.glob("*.yaml"):
        records = yaml.safe_load(file.read_text())
        if file.name == "sources.yaml":  # titles are quoted exactly: they identify the source
            records = [{k: v for k, v in r.items() if k != "title"} for r in records]
        w = words(yaml.safe_dump(records, width=10_000))
        copied += [g for i in range(len(w) - n + 1) if (g := " ".join(w[i : i + n])) in grams]
    assert copied == []
