import httpx
import pytest

pytestmark = pytest.mark.anyio


async def test_list_effects_matches_synonym_fragment(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/effects", params={"q": "charley"})).json()
    assert [e["slug"] for e in body["items"]] == ["leg-cramps"]


async def test_list_effects_filters_by_body_system(client: httpx.AsyncClient) -> None:
    params: dict[str, str | int] = {"body_system": "psychiatric", "limit": 100}
    body = (await client.get("/v1/effects", params=params)).json()
    assert body["items"]
    assert {e["body_system"] for e in body["items"]} == {"psychiatric"}
    assert "leg-cramps" not in {e["slug"] for e in body["items"]}


async def test_read_effect_by_synonym_gives_cited_profile(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/effects/Charley Horse")
    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == "leg-cramps"
    aspects = {p["aspect"]: p["facts"] for p in body["profile"]}
    for aspect in ("triggers", "when_to_seek_care", "diagnosis", "management", "prevalence"):
        assert aspects.get(aspect), aspect
        assert all(f["source"] for f in aspects[aspect])
    assert any("7" in f["text"] for f in aspects["prevalence"])
    assert body["drug_counts"]["withdrawal"] >= 1
    assert {"name": "charley horse", "kind": "synonym"} in [
        {"name": a["name"].lower(), "kind": a["kind"]} for a in body["aliases"]
    ]


async def test_read_effect_lists_related_effects(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/effects/leg-cramps")).json()
    assert body["related"]


async def test_read_unknown_effect_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/effects/purple-toes")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_reverse_lookup_lists_drugs_in_each_context(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/effects/leg-cramps/drugs", params={"limit": 100})).json()
    pairs = {(row["drug"]["slug"], row["context"]) for row in body["items"]}
    assert ("clonazepam", "side_effect") in pairs
    assert ("clonazepam", "withdrawal") in pairs
    assert {"statins", "gabapentin", "diuretics"} <= {slug for slug, _ in pairs}
    assert all(row["sources"] for row in body["items"])


async def test_reverse_lookup_filters_by_context(client: httpx.AsyncClient) -> None:
    params: dict[str, str | int] = {"context": "withdrawal", "limit": 100}
    body = (await client.get("/v1/effects/leg-cramps/drugs", params=params)).json()
    assert {row["context"] for row in body["items"]} == {"withdrawal"}
    assert "clonazepam" in {row["drug"]["slug"] for row in body["items"]}


async def test_reverse_lookup_pages_with_link_header(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/effects/leg-cramps/drugs", params={"limit": 1})
    body = response.json()
    assert len(body["items"]) == 1
    assert body["total"] > 1
    assert 'rel="next"' in response.headers["link"]


async def test_reverse_lookup_unknown_effect_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/effects/purple-toes/drugs")
    assert response.status_code == 404
