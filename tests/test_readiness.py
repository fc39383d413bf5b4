"""/readyz after a migration round trip: the real migrations, a seeded database of its own.

A downgrade below the effect rank and back leaves every row count as it was, but the derived
columns at their defaults (effect_rank 0: every reverse lookup answered `total: 0`). Ready
means the read model was rebuilt since."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from alembic import command
from sqlalchemy import Engine

from app.cli.database import alembic_config
from app.db import Database
from app.services.meta import data_version
from tests.conftest import app_over, seeded, separate_database, settings_for

pytestmark = pytest.mark.anyio
BELOW_EFFECT_RANK = "4f2a8c6d1e09"
REVERSE_LOOKUP = "/v1/effects/drowsiness/drugs"


@pytest.fixture
async def served(database_url: str, tmp_path: Path) -> AsyncIterator[tuple[str, httpx.AsyncClient]]:
    with separate_database(database_url, tmp_path, "ready") as url:
        engine: Engine = seeded(url)
        settings = settings_for(url, response_cache=False)
        app = app_over(Database.for_engine(engine, settings, data_version), settings)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            yield url, client
        engine.dispose()


async def test_readyz_is_503_after_a_downgrade_round_trip_until_the_seed_rebuilds(
    served: tuple[str, httpx.AsyncClient],
) -> None:
    url, client = served
    assert (await client.get("/readyz")).status_code == 200
    total = (await client.get(REVERSE_LOOKUP)).json()["total"]
    assert total > 0

    command.downgrade(alembic_config(url), BELOW_EFFECT_RANK)
    command.upgrade(alembic_config(url), "head")
    not_ready = await client.get("/readyz")
    assert not_ready.status_code == 503
    assert "sidefx seed" in not_ready.json()["detail"]
    assert (await client.get(REVERSE_LOOKUP)).json()["total"] == 0  # why it must not be ready

    engine = seeded(url)  # `sidefx seed`: the same files, the read model rebuilt
    engine.dispose()
    assert (await client.get("/readyz")).status_code == 200
    assert (await client.get(REVERSE_LOOKUP)).json()["total"] == total


async def test_an_upgrade_alone_keeps_a_built_read_model_ready(
    served: tuple[str, httpx.AsyncClient],
) -> None:
    url, client = served
    command.upgrade(alembic_config(url), "head")  # nothing to do, nothing forgotten
    assert (await client.get("/readyz")).status_code == 200
