"""The app's lifespan as `sidefx serve` runs it: its background work for each data version."""

import logging
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import anyio
import httpx
import pytest
from sqlalchemy.orm import Session

from app.main import create_app
from app.models import DataRelease
from tests.builders import make_drug
from tests.conftest import seeded, settings_for

pytestmark = pytest.mark.anyio


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def index_builds() -> Iterator[Callable[[], list[logging.LogRecord]]]:
    """The name index cache's "name index built" log records (attached after the migrations, whose
    logging set-up replaces the root logger's handlers)."""
    logger, handler = logging.getLogger("app.services.names.index_cache"), _Records()
    level, logger.level = logger.level, logging.INFO
    logger.addHandler(handler)
    yield lambda: [r for r in handler.records if r.getMessage() == "name index built"]
    logger.removeHandler(handler)
    logger.setLevel(level)


async def _until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 60  # generous: a loaded machine is slow, not wrong
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting: {what}"
        await anyio.sleep(0.02)


async def test_a_worker_builds_its_name_index_at_start_and_again_for_new_data(
    tmp_path: Path, index_builds: Callable[[], list[logging.LogRecord]]
) -> None:
    """No search waits for the index build (seconds at 50x SIDER): it runs when the worker
    starts and when the data version changes, before any request asks for it."""
    url = f"sqlite:///{tmp_path / 'served.db'}"
    seeded(url).dispose()
    app = create_app(settings_for(url, data_version_ttl=0.05))
    async with app.router.lifespan_context(app):
        await _until(lambda: len(index_builds()) == 1, "the build at start")
        assert index_builds()[0].names > 100  # type: ignore[attr-defined]
        with Session(app.state.engine) as session, session.begin():
            make_drug(session, name="Testamine")
            session.get_one(DataRelease, "seed").loaded_at = datetime.now(UTC)
        await _until(lambda: len(index_builds()) == 2, "the build for the new data version")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            response = await client.get("/v1/search", params={"q": "testamine"})
        assert response.json()["items"][0]["slug"] == "testamine"
        assert len(index_builds()) == 2  # the request found the index built
