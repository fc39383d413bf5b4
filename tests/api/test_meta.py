from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy.orm import Session

from app.models import DataRelease
from app.schemas.common import DISCLAIMER
from app.services.meta import API_VERSION

pytestmark = pytest.mark.anyio


async def test_meta_has_the_disclaimer_counts_version_and_licences(
    client: httpx.AsyncClient,
) -> None:
    body = (await client.get("/v1/meta")).json()
    assert body["disclaimer"] == DISCLAIMER
    assert body["api_version"] == API_VERSION
    assert body["counts"]["drugs"] > 5
    assert body["counts"]["flagged"] == 0
    assert {r["name"] for r in body["releases"]} == {"seed", "read-model"}


async def test_one_version_number_everywhere(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    meta = (await client.get("/v1/meta")).json()
    assert spec["info"]["version"] == meta["api_version"] == API_VERSION
    assert spec["info"]["contact"]
    assert spec["info"]["license"]


async def test_meta_shows_a_reload_of_the_same_files(
    client: httpx.AsyncClient, session: Session
) -> None:
    """A forced reload with the same checksum is still a new load: new time, new version."""
    before = (await client.get("/v1/meta")).json()
    release = session.get_one(DataRelease, "seed")
    release.loaded_at = datetime(2030, 1, 1, tzinfo=UTC)
    session.flush()
    after = (await client.get("/v1/meta")).json()
    seed = next(r for r in after["releases"] if r["name"] == "seed")
    assert seed["loaded_at"].startswith("2030-01-01")
    assert after["data_version"] != before["data_version"]


async def test_openapi_description_carries_the_disclaimer(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    assert DISCLAIMER in spec["info"]["description"]


async def test_healthz_is_ok(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}


async def test_readyz_says_ready_without_showing_the_revision(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.json() == {"status": "ready"}


async def test_readyz_is_503_when_the_schema_is_behind(
    client: httpx.AsyncClient, session: Session
) -> None:
    from sqlalchemy import text

    session.execute(text("UPDATE alembic_version SET version_num = '78b11056320f'"))
    session.flush()
    response = await client.get("/readyz")
    assert response.status_code == 503
    assert "78b11056320f" not in response.text


async def test_vocabularies_define_every_value(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/vocabularies")).json()
    by_name = {v["name"]: v for v in body["vocabularies"]}
    bands = {t["value"]: t for t in by_name["incidence_bands"]["terms"]}
    assert ">= 10%" in bands["very_common"]["definition"]
    assert {"contexts", "severities", "flags", "alias_kinds", "body_systems"} <= set(by_name)
    assert all(t["label"] and t["definition"] for v in body["vocabularies"] for t in v["terms"])
    classes = {c["value"]: c for c in body["drug_classes"]}
    assert "benzo" in classes["benzodiazepine"]["aliases"]
    assert classes["statins"]["drugs"] >= 5


def test_every_enum_value_has_a_label() -> None:
    from app.vocabularies import check

    check()


async def test_problem_types_are_documented_at_their_uri(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/problems/unknown-drug")).json()
    assert (body["type"], body["status"]) == ("/v1/problems/unknown-drug", 404)
    assert body["description"]
    assert (await client.get("/v1/problems/nope")).status_code == 404


async def test_metrics_are_off_by_default(client: httpx.AsyncClient) -> None:
    assert (await client.get("/metrics")).status_code == 404
