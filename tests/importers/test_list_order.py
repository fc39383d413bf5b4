"""`drug_effect.list_rank`: every loader leaves each drug's list numbered 1..n in list order,
and the migration numbers existing rows exactly as the loaders do; every loader rewrites the
stored first pages."""

import importlib.util
from pathlib import Path
from types import ModuleType

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from app.importers.list_order import first_pages_current, rank_drug_effects
from app.importers.sider import import_sider
from app.models import DrugEffect, DrugEffectPage
from app.services.drug_effects import first_page
from app.services.records import source_slug_reader
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "sider"


def _ranks(session: Session) -> dict[int, int]:
    return dict(session.execute(select(DrugEffect.id, DrugEffect.list_rank)).all())


def _dense(session: Session) -> bool:
    """Every drug's ranks are exactly 1..n."""
    per_drug = session.execute(
        select(
            func.count(), func.min(DrugEffect.list_rank), func.max(DrugEffect.list_rank)
        ).group_by(DrugEffect.drug_id)
    ).all()
    return bool(per_drug) and all(low == 1 and high == n for n, low, high in per_drug)


def _migration(name: str) -> ModuleType:
    (path,) = Path(ROOT / "migrations" / "versions").glob(f"*_{name}.py")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_seed_leaves_every_list_numbered(session: Session) -> None:
    assert _dense(session)
    assert rank_drug_effects(session) == 0  # nothing left to move


def test_an_import_renumbers_lists_it_adds_to(session: Session) -> None:
    import_sider(session, FIXTURES)
    assert _dense(session)
    assert rank_drug_effects(session) == 0


def test_the_migration_numbers_existing_rows_as_the_loaders_do(session: Session) -> None:
    import_sider(session, FIXTURES)
    expected = _ranks(session)
    session.execute(update(DrugEffect).values(list_rank=0))
    session.execute(text(_migration("drug_effect_list_rank").RANK_EXISTING_ROWS))
    assert _ranks(session) == expected


def test_an_import_rewrites_the_first_pages(session: Session) -> None:
    import_sider(session, FIXTURES)
    assert first_pages_current(session)
    read = source_slug_reader(session)
    for page in session.scalars(select(DrugEffectPage)):
        assembled = first_page(session, page.drug_id, read)
        assert (page.items.encode(), page.total) == (assembled.items_json, assembled.total)
