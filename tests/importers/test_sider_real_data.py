"""The real SIDER 4.1 files at ../shared/data/sider (never copied into the repository).

The whole release is imported once into a database of its own (a temp SQLite file, or a fresh
PostgreSQL database), next to the curated seed. Expected numbers come straight from the files
(csv module), not from the importer's code. Skipped when the files are absent.
"""

import csv
import gzip
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from alembic import command
from sqlalchemy import Engine, func, select, true
from sqlalchemy.orm import Session

from app.cli import alembic_config
from app.config import Settings
from app.db import Database, make_engine, make_sessionmaker
from app.importers.seed import load_seed
from app.importers.seed_files import read_seed
from app.importers.sider import import_sider
from app.importers.sider_report import SiderReport
from app.main import attach_database, create_app
from app.models import Alias, Drug, DrugEffect, DrugUse, Effect, Evidence, Source
from app.text import name_key
from tests.conftest import ROOT, SEED_DIR, separate_database

SIDER_DIR = ROOT.parent / "shared" / "data" / "sider"
CLONAZEPAM = "CID100002802"

pytestmark = pytest.mark.skipif(
    not any(SIDER_DIR.glob("meddra_all_se.tsv*")),
    reason=f"real SIDER files not found in {SIDER_DIR} (licence: never copy them into the repo)",
)


@dataclass(frozen=True)
class Imported:
    url: str
    engine: Engine
    report: SiderReport


@dataclass(frozen=True)
class Expected:
    clonazepam_terms: int  # distinct PT CUIs of clonazepam in meddra_all_se
    drugs: int
    effects: int
    pairs: int
    clonazepam_pairs: int
    frequencies: int
    placebo: int
    uses: int


def _rows(name: str) -> Iterator[list[str]]:
    path = next(SIDER_DIR.glob(f"{name}.tsv*"))
    opener: Any = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="latin-1", newline="") as file:
        yield from csv.reader(file, delimiter="\t", quoting=csv.QUOTE_NONE)


@pytest.fixture(scope="module")
def sider_url(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with separate_database(database_url, tmp_path_factory.mktemp("sider"), "sider") as url:
        yield url


@pytest.fixture(scope="module")
def imported(sider_url: str) -> Iterator[Imported]:
    command.upgrade(alembic_config(sider_url), "head")
    engine = make_engine(sider_url)
    with Session(engine) as session, session.begin():
        load_seed(session, read_seed(SEED_DIR))
    with Session(engine) as session, session.begin():
        report = import_sider(session, SIDER_DIR)
    yield Imported(url=sider_url, engine=engine, report=report)
    engine.dispose()


@pytest.fixture(scope="module")
def expected(imported: Imported) -> Expected:
    with Session(imported.engine) as session:
        curated = _curated_effect_keys(session)
    mapped = {f"CID1{row[3][2:]}" for row in _rows("label_mapping") if len(row) > 3 and not row[2]}

    def effect(cui: str, name: str) -> str:
        return curated.get(name_key(name), cui)  # a term meets a curated effect by name

    se = [(r[0], r[4], r[5]) for r in _rows("meddra_all_se") if r[3] == "PT" and r[0] in mapped]
    freq = [r for r in _rows("meddra_freq") if r[7] == "PT" and r[0] in mapped]
    pairs = {(cid, effect(cui, name)) for cid, cui, name in se}
    pairs |= {(r[0], effect(r[8], r[9])) for r in freq}
    drugs = {cid for cid, _, _ in se}
    uses = {(r[0], r[5]) for r in _rows("meddra_all_indications") if r[4] == "PT" and r[0] in drugs}
    return Expected(
        clonazepam_terms=len({cui for cid, cui, _ in se if cid == CLONAZEPAM}),
        drugs=len(drugs),
        effects=len({key for _, key in pairs}),
        pairs=len(pairs),
        clonazepam_pairs=sum(cid == CLONAZEPAM for cid, _ in pairs),
        frequencies=len(freq),
        placebo=sum(r[3] == "placebo" for r in freq),
        uses=len(uses),
    )


def _curated_effect_keys(session: Session) -> dict[str, str]:
    """Name key -> slug for the names and aliases of effects without a UMLS code (curated)."""
    effects = session.execute(
        select(Effect.id, Effect.slug, Effect.name).where(Effect.umls_cui.is_(None))
    )
    keys: dict[str, str] = {}
    slugs: dict[int, str] = {}
    for effect_id, slug, name in effects:
        slugs[effect_id] = slug
        keys[name_key(name)] = slug
        keys[name_key(slug.replace("-", " "))] = slug
    for key, owner in session.execute(select(Alias.key, Alias.effect_id)):
        if owner in slugs:
            keys.setdefault(key, slugs[owner])
    return keys


def _sider_scalar(imported: Imported, *columns: Any, where: Any = None) -> int:
    """count(...) over SIDER's evidence joined to its drug effects."""
    with Session(imported.engine) as session:
        stmt = (
            select(*columns)
            .select_from(Evidence)
            .join(DrugEffect, DrugEffect.id == Evidence.drug_effect_id)
            .join(Source, Source.id == Evidence.source_id)
            .where(Source.slug == "sider-4-1", true() if where is None else where)
        )
        return int(session.scalar(stmt) or 0)


def test_real_clonazepam_has_247_preferred_terms(expected: Expected) -> None:
    assert expected.clonazepam_terms == 247


def test_real_drugs_with_side_effects_match_the_files(
    imported: Imported, expected: Expected
) -> None:
    assert expected.drugs == 1430
    assert imported.report.drugs == expected.drugs
    assert _sider_scalar(imported, func.count(DrugEffect.drug_id.distinct())) == expected.drugs


def test_real_effects_and_pairs_match_the_files(imported: Imported, expected: Expected) -> None:
    assert _sider_scalar(imported, func.count(DrugEffect.effect_id.distinct())) == expected.effects
    assert _sider_scalar(imported, func.count(DrugEffect.id.distinct())) == expected.pairs
    assert (imported.report.effects, imported.report.pairs) == (expected.effects, expected.pairs)


def test_real_clonazepam_pairs_match_the_files(imported: Imported, expected: Expected) -> None:
    clonazepam = (
        DrugEffect.drug_id == select(Drug.id).where(Drug.slug == "clonazepam").scalar_subquery()
    )
    count = func.count(DrugEffect.id.distinct())
    assert _sider_scalar(imported, count, where=clonazepam) == expected.clonazepam_pairs


def test_real_frequency_rows_become_evidence(imported: Imported, expected: Expected) -> None:
    stated = Evidence.frequency_lower.isnot(None)
    assert _sider_scalar(imported, func.count(), where=stated) == expected.frequencies
    assert _sider_scalar(imported, func.count(), where=Evidence.placebo) == expected.placebo


def test_real_indications_become_drug_uses(imported: Imported, expected: Expected) -> None:
    with Session(imported.engine) as session:
        uses = session.scalar(
            select(func.count()).select_from(DrugUse).join(Source).where(Source.slug == "sider-4-1")
        )
    assert uses == expected.uses


def test_real_import_again_is_a_no_op(imported: Imported) -> None:
    with Session(imported.engine) as session, session.begin():
        assert not import_sider(session, SIDER_DIR).changed


@pytest.fixture
async def sider_client(imported: Imported) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url=imported.url, data_version_ttl=0))
    attach_database(app, Database(make_sessionmaker(imported.engine)))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.mark.anyio
async def test_real_clonazepam_lists_curated_and_sider_records(
    sider_client: httpx.AsyncClient,
) -> None:
    body = (await sider_client.get("/v1/drugs/clonazepam/effects?limit=100")).json()
    sources = {s for item in body["items"] for s in item["sources"]}
    assert "sider-4-1" in sources
    assert "clonazepam-leg-cramps" in sources
    assert body["total"] > 247


@pytest.mark.anyio
async def test_real_effect_shared_by_a_thousand_drugs_pages(
    sider_client: httpx.AsyncClient,
) -> None:
    first = await sider_client.get("/v1/effects/nausea/drugs?limit=100")
    second = await sider_client.get("/v1/effects/nausea/drugs?limit=100&offset=100")
    assert first.json()["total"] >= 1000
    assert 'rel="next"' in first.headers["link"]
    slugs = [[i["drug"]["slug"] for i in r.json()["items"]] for r in (first, second)]
    assert len(slugs[0]) == len(slugs[1]) == 100
    assert not set(slugs[0]) & set(slugs[1])


@pytest.mark.anyio
async def test_real_frequencies_with_placebo_rates_appear(
    sider_client: httpx.AsyncClient,
) -> None:
    body = (await sider_client.get("/v1/drugs/clonazepam/effects?limit=100")).json()
    with_placebo = [i for i in body["items"] if i["incidence"]["placebo_frequency"] is not None]
    assert with_placebo
    assert all("placebo" in i["incidence"]["wording"] for i in with_placebo)
