import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Drug
from tests.builders import make_drug

pytestmark = pytest.mark.anyio


async def test_list_drugs_returns_page_envelope(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/drugs")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "total", "limit", "offset"}
    assert body["limit"] == 20
    assert body["offset"] == 0
    slugs = {d["slug"] for d in body["items"]}
    assert {"clonazepam", "diazepam", "cyclobenzaprine", "baclofen"} <= slugs


async def test_list_drugs_shows_brand_names(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/drugs", params={"q": "clonazepam"})).json()
    assert body["items"][0]["brand_names"] == ["Klonopin"]


async def test_list_drugs_matches_brand_name_fragment(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/drugs", params={"q": "KLONO"})).json()
    assert [d["slug"] for d in body["items"]] == ["clonazepam"]
    assert body["total"] == 1


async def test_list_drugs_filters_by_drug_class_any_case(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/drugs", params={"drug_class": "BENZODIAZEPINE"})).json()
    slugs = {d["slug"] for d in body["items"]}
    assert {"clonazepam", "diazepam"} <= slugs
    assert "baclofen" not in slugs


async def test_list_drugs_treats_like_wildcards_literally(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/drugs", params={"q": "%"})).json()
    assert body["total"] == 0


async def test_list_drugs_links_next_and_prev_pages(client: httpx.AsyncClient) -> None:
    first = await client.get("/v1/drugs", params={"limit": 2})
    assert 'rel="next"' in first.headers["link"]
    assert "offset=2" in first.headers["link"]
    second = await client.get("/v1/drugs", params={"limit": 2, "offset": 2})
    assert 'rel="prev"' in second.headers["link"]
    assert second.json()["items"][0] != first.json()["items"][0]


async def test_list_drugs_past_the_end_is_an_empty_page(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/drugs", params={"offset": 10_000})).json()
    assert body["items"] == []
    assert body["total"] > 0


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "x"}])
async def test_list_drugs_rejects_bad_paging_with_422(
    client: httpx.AsyncClient, params: dict[str, str | int]
) -> None:
    response = await client.get("/v1/drugs", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


async def test_read_drug_by_brand_name_returns_canonical_slug(client: httpx.AsyncClient) -> None:
    for name in ("Klonopin", "KLONOPIN", "  klonopin ", "Clonazepam"):
        response = await client.get(f"/v1/drugs/{name}")
        assert response.status_code == 200, name
        assert response.json()["slug"] == "clonazepam"


async def test_read_drug_has_uses_warnings_and_counts(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/drugs/clonazepam")).json()
    assert body["dependence"]["risk"] == "high"
    assert body["identifiers"]["pubchem_cid"] == 2802
    assert any(w["kind"] == "boxed_warning" for w in body["warnings"])
    assert any(w["kind"] == "interaction" for w in body["warnings"])
    assert any("panic" in u["condition"].lower() for u in body["uses"])
    assert any(u["line_of_therapy"] == "off_label" for u in body["uses"])
    assert body["effect_counts"]["withdrawal"] > 0
    assert body["effect_counts"]["side_effect"] > 0
    assert {"name": "Klonopin", "kind": "brand"} in body["aliases"]


async def test_read_drug_cites_every_comparison_attribute(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/drugs/baclofen")).json()
    cited = {c["attribute"] for c in body["citations"]}
    assert {"drug_class", "mechanism", "dependence_risk", "common_use"} <= cited


async def test_read_unknown_drug_is_404_with_suggestions(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/drugs/clonazepan")
    assert response.status_code == 404
    body = response.json()
    assert "clonazepan" in body["detail"]
    assert "clonazepam" in body["suggestions"]


async def test_read_drug_never_substitutes_a_close_name(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/drugs/diazepan")
    assert response.status_code == 404


async def test_new_drug_is_visible_without_effects(
    client: httpx.AsyncClient, session: Session
) -> None:
    make_drug(session, name="Testamine")
    body = (await client.get("/v1/drugs/testamine")).json()
    assert body["effect_counts"] == {"side_effect": 0, "withdrawal": 0, "overdose": 0}
    assert session.scalar(select(Drug.slug).where(Drug.slug == "testamine")) == "testamine"
