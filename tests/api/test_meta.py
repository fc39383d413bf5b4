import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

pytestmark = pytest.mark.anyio


async def test_meta_has_disclaimer_counts_and_version(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/meta")).json()
    assert "not medical advice" in body["disclaimer"]
    assert body["counts"]["drugs"] >= 9
    assert body["counts"]["drug_effects"] > 0
    assert len(body["data_version"]) == 16
    assert [r["name"] for r in body["releases"]] == ["seed"]
    assert len(body["sources"]) >= 5


async def test_openapi_description_carries_disclaimer(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    assert "not medical advice" in spec["info"]["description"]


async def test_healthz_is_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.json() == {"status": "ok", "detail": None}


async def test_readyz_reports_migration_head(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"


async def test_readyz_is_503_problem_when_schema_is_behind(
    client: httpx.AsyncClient, session: Session
) -> None:
    session.execute(text("UPDATE alembic_version SET version_num = 'an_old_revision'"))
    session.flush()
    response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"]
    assert "an_old_revision" in response.json()["detail"]
