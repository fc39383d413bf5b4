"""Effect list, effect detail (codes, broader and narrower terms, cited profile), reverse lookup."""

import httpx
import pytest

pytestmark = pytest.mark.anyio


async def test_list_effects_matches_a_synonym_fragment(client: httpx.AsyncClient) -> None:
    slugs = [e["slug"] for e in (await client.get("/v1/effects?q=charley")).json()["items"]]
    assert slugs == ["leg-cramps"]


async def test_list_effects_filters_by_body_system(client: httpx.AsyncClient) -> None:
    items = (await client.get("/v1/effects?body_system=psychiatric&limit=100")).json()["items"]
    assert items
    assert {e["body_system"] for e in items} == {"psychiatric"}


async def test_read_effect_by_synonym_gives_a_cited_profile(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/effects/charley%20horse")).json()
    assert body["slug"] == "leg-cramps"
    aspects = {s["aspect"]: s["facts"] for s in body["profile"]}
    assert {"triggers", "management", "when_to_seek_care", "diagnosis"} <= set(aspects)
    assert all(f["cites"] for facts in aspects.values() for f in facts)


async def test_leg_cramp_self_care_cites_the_article_that_lists_it(
    client: httpx.AsyncClient,
) -> None:
    """The audit found every management step cited to the guide's 'When to Seek Medical
    Attention'; stretching and massage are in the clonazepam article's own section."""
    body = (await client.get("/v1/effects/leg-cramps")).json()
    (management,) = [s["facts"] for s in body["profile"] if s["aspect"] == "management"]
    stretch = next(f for f in management if "stretch" in f["text"].lower())
    keys = {(c["source"]["slug"], c["anchor"]["key"]) for c in stretch["cites"]}
    assert keys == {("clonazepam-leg-cramps", "managing-and-preventing-leg-cramps")}


async def test_an_effect_shows_its_code_and_the_term_it_sits_under(
    client: httpx.AsyncClient,
) -> None:
    body = (await client.get("/v1/effects/leg-cramps")).json()
    assert (body["codes"]["umls_cui"], body["codes"]["level"]) == ("C0023218", "llt")
    assert body["broader"]["effect"]["slug"] == "muscle-spasms"
    spasms = (await client.get("/v1/effects/muscle-spasms")).json()
    (cramps,) = [n for n in spasms["narrower"] if n["effect"]["slug"] == "leg-cramps"]
    assert cramps["cites"] == body["broader"]["cites"]  # one relation, cited the same both ways


async def test_a_meddra_term_resolves_to_the_curated_effect(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/effects/Somnolence")).json()
    assert body["slug"] == "drowsiness"


async def test_nervousness_is_not_an_alias_of_anxiety(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/effects/anxiety")).json()
    assert "nervousness" not in {a["name"].lower() for a in body["aliases"]}


async def test_reverse_lookup_lists_drugs_in_each_context(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/effects/leg-cramps/drugs")).json()
    pairs = {(i["drug"]["slug"], i["context"]) for i in body["items"]}
    assert {("clonazepam", "side_effect"), ("clonazepam", "withdrawal")} <= pairs
    assert all(
        i["effect"]["slug"] == "leg-cramps"
        for i in body["items"]
        if i["matched_via"]["kind"] == "exact"
    )


async def test_reverse_lookup_reaches_narrower_terms_marked(client: httpx.AsyncClient) -> None:
    """Muscle tension: diazepam records rebound muscle tension (narrower) in withdrawal."""
    body = (await client.get("/v1/effects/muscle%20tension/drugs")).json()
    (item,) = [i for i in body["items"] if i["drug"]["slug"] == "diazepam"]
    assert item["context"] == "withdrawal"
    assert item["matched_via"] == {
        "kind": "narrower_term",
        "effect": item["effect"],
    }
    assert item["effect"]["slug"] == "rebound-muscle-tension"


async def test_reverse_lookup_filters_by_context(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/effects/tremor/drugs?context=withdrawal")).json()
    assert body["items"]
    assert {i["context"] for i in body["items"]} == {"withdrawal"}


async def test_reverse_lookup_pages_with_a_link_header(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/effects/leg-cramps/drugs?limit=1")
    assert 'rel="next"' in response.headers["link"]


async def test_unknown_effect_is_404_with_suggestions(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/effects/leg%20crampz")).json()
    assert body["type"] == "/v1/problems/unknown-effect"
    assert "leg-cramps" in body["suggestions"]
