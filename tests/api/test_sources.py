import httpx
import pytest

pytestmark = pytest.mark.anyio


async def test_sources_list_the_five_documents_and_the_curators_notes(
    client: httpx.AsyncClient,
) -> None:
    body = (await client.get("/v1/sources")).json()
    kinds = {s["slug"]: s["kind"] for s in body["items"]}
    assert len([k for k in kinds.values() if k in ("article", "blog_post")]) == 5
    assert kinds["sidefx-curation"] == "curation"


async def test_a_source_lists_its_anchors_and_what_it_backs(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/sources/diazepam-leg-muscle-pain")).json()
    assert [a["key"] for a in body["anchors"]][:3] == ["p1", "p2", "p3"]
    assert {a["kind"] for a in body["anchors"]} == {"paragraph"}
    assert body["backs"]["statements"] > 20
    assert "diazepam" in body["drug_slugs"]


async def test_a_headed_document_lists_its_headings_exactly(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/sources/clonazepam-overview")).json()
    assert [a["label"] for a in body["anchors"]] == [
        "What is clonazepam?",
        "How does it work?",
        "Why is it used?",
    ]


async def test_unknown_source_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/sources/nope")
    assert response.json()["type"] == "/v1/problems/unknown-source"
