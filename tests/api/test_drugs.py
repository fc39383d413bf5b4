"""Drug list and drug detail on the curated data."""

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.builders import make_drug

pytestmark = pytest.mark.anyio


async def test_list_drugs_returns_the_page_envelope(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/drugs?limit=5")).json()
    assert set(body) == {"items", "total", "limit", "offset", "links"}
    assert (body["limit"], body["offset"]) == (5, 0)
    assert len(body["items"]) == 5
    assert body["total"] > 5
    names = [d["name"] for d in body["items"]]
    assert names == sorted(names)


async def test_list_drugs_shows_classes_and_brand_names(client: httpx.AsyncClient) -> None:
    items = (await client.get("/v1/drugs?q=clonazepam")).json()["items"]
    (clonazepam,) = items
    assert clonazepam["brand_names"] == ["Klonopin"]
    assert clonazepam["classes"] == [{"slug": "benzodiazepine", "name": "Benzodiazepines"}]


async def test_list_drugs_matches_a_brand_name_fragment(client: httpx.AsyncClient) -> None:
    slugs = [d["slug"] for d in (await client.get("/v1/drugs?q=lonop")).json()["items"]]
    assert slugs == ["clonazepam"]


@pytest.mark.parametrize("name", ["benzodiazepine", "Benzodiazepines", "benzo", "BENZOS"])
async def test_drug_class_filter_takes_the_class_vocabulary(
    client: httpx.AsyncClient, name: str
) -> None:
    slugs = {d["slug"] for d in (await client.get(f"/v1/drugs?drug_class={name}")).json()["items"]}
    assert {"clonazepam", "diazepam"} <= slugs
    assert "cyclobenzaprine" not in slugs


async def test_muscle_relaxant_class_finds_the_drugs_the_articles_call_muscle_relaxants(
    client: httpx.AsyncClient,
) -> None:
    body = (await client.get("/v1/drugs?drug_class=muscle%20relaxant")).json()
    assert {d["slug"] for d in body["items"]} == {"baclofen", "cyclobenzaprine", "tizanidine"}


async def test_statins_are_a_class_with_members_not_a_drug(client: httpx.AsyncClient) -> None:
    assert (await client.get("/v1/drugs/statins")).status_code == 404
    members = (await client.get("/v1/drugs?drug_class=statin&limit=100")).json()["items"]
    assert "atorvastatin" in {d["slug"] for d in members}


async def test_unknown_drug_class_is_422_listing_the_classes(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/drugs?drug_class=antifungal")
    assert response.status_code == 422
    body = response.json()
    assert body["type"] == "/v1/problems/invalid-parameter"
    assert "benzodiazepine" in body["detail"]
    assert body["errors"][0]["loc"] == ["query", "drug_class"]


async def test_list_drugs_treats_like_wildcards_literally(client: httpx.AsyncClient) -> None:
    assert (await client.get("/v1/drugs?q=%25")).json()["total"] == 0


async def test_list_drugs_links_next_and_prev_pages(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/drugs?limit=2&offset=2")
    links = response.headers["link"]
    assert '</v1/drugs?offset=4&limit=2>; rel="next"' in links
    assert '</v1/drugs?offset=0&limit=2>; rel="prev"' in links


async def test_list_drugs_past_the_end_is_an_empty_page(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/drugs?offset=9000")).json()
    assert body["items"] == []
    assert body["total"] > 0


async def test_read_drug_by_brand_name_returns_the_canonical_slug(
    client: httpx.AsyncClient,
) -> None:
    body = (await client.get("/v1/drugs/KLONOPIN")).json()
    assert body["slug"] == "clonazepam"


async def test_read_drug_cites_every_attribute_and_says_what_is_not_stated(
    client: httpx.AsyncClient,
) -> None:
    body = (await client.get("/v1/drugs/clonazepam")).json()
    for name, value in body["attributes"].items():
        if value is None:
            assert name in body["not_stated"]
        else:
            assert value["cites"], name
    assert "controlled_substance" in body["not_stated"]
    assert body["attributes"]["dependence_risk"]["value"] == "high"


async def test_diazepams_dependence_risk_is_not_stated_rather_than_unknown(
    client: httpx.AsyncClient,
) -> None:
    body = (await client.get("/v1/drugs/valium")).json()
    assert body["attributes"]["dependence_risk"] is None
    assert "dependence_risk" in body["not_stated"]


async def test_read_drug_has_cited_uses_warnings_and_counts(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/drugs/clonazepam")).json()
    assert body["uses"]
    assert all(u["cites"] for u in body["uses"])
    assert body["warnings"]
    assert all(w["cites"] for w in body["warnings"])
    interactions = [w for w in body["warnings"] if w["kind"] == "interaction"]
    assert any("alcohol" in w["interacts_with"] for w in interactions)
    assert body["effect_counts"]["withdrawal"] > 0
    assert "not typically" not in " ".join(u["condition"] for u in body["uses"]).lower()


async def test_identifiers_come_from_the_curators_not_a_document(
    client: httpx.AsyncClient,
) -> None:
    identifiers = (await client.get("/v1/drugs/clonazepam")).json()["identifiers"]
    assert (identifiers["pubchem_cid"], identifiers["atc"]) == (2802, "N03AE01")
    assert {c["source"]["slug"] for c in identifiers["cites"]} == {"sidefx-curation"}


async def test_unknown_drug_is_a_typed_404_with_suggestions(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/drugs/klonopn")
    assert response.status_code == 404
    body = response.json()
    assert body["type"] == "/v1/problems/unknown-drug"
    assert "clonazepam" in body["suggestions"]


@pytest.mark.parametrize("name", ["clonazepam!!!", "clonazepa", "klonopin-xr"])
async def test_a_close_name_is_never_substituted(client: httpx.AsyncClient, name: str) -> None:
    assert (await client.get(f"/v1/drugs/{name}")).status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "%EF%BD%83%EF%BD%8C%EF%BD%8F%EF%BD%8E%EF%BD%81%EF%BD%9A%EF%BD%85%EF%BD%90%EF%BD%81%EF%BD%8D",
        "clonazepam%E2%80%8B",
        "CLONAZEPAM",
        "Clonazepam%20",
    ],
)
async def test_names_match_after_unicode_normalisation(
    client: httpx.AsyncClient, name: str
) -> None:
    """Fullwidth letters, a zero-width space, case and surrounding spaces do not matter."""
    response = await client.get(f"/v1/drugs/{name}/effects")
    assert response.status_code == 200
    assert response.json()["items"][0]["drug"]["slug"] == "clonazepam"


async def test_a_new_drug_is_visible_without_effects(
    session: Session, client: httpx.AsyncClient
) -> None:
    make_drug(session, name="Testamine")
    body = (await client.get("/v1/drugs/testamine")).json()
    assert body["effect_counts"] == {"side_effect": 0, "withdrawal": 0, "overdose": 0, "flagged": 0}
