import httpx
import pytest

pytestmark = pytest.mark.anyio

SEED_SOURCES = {
    "clonazepam-leg-cramps",
    "clonazepam-muscle-spasms",
    "diazepam-leg-muscle-pain",
    "clonazepam-overview",
    "leg-spasms-guide",
}


async def test_list_sources_has_one_per_document(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/sources")).json()
    assert {s["slug"] for s in body["items"]} >= SEED_SOURCES


async def test_source_detail_says_what_it_backs(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/sources/clonazepam-leg-cramps")).json()
    assert body["title"]
    assert body["backs"]["drug_effects"] > 0
    assert "clonazepam" in body["drug_slugs"]


async def test_guide_source_backs_the_leg_cramp_profile(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/sources/leg-spasms-guide")).json()
    assert body["backs"]["effect_facts"] > 0
    assert body["published_date"] == "2023-07-22"


async def test_unknown_source_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/sources/nope")
    assert response.status_code == 404
