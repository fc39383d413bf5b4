"""Every paged list names its next and previous pages in its body (`links`) and in the `Link`
header, the same URLs: a client pages by following them, never by offset arithmetic."""

import httpx
import pytest

from app.schemas.common import EffectRef

pytestmark = pytest.mark.anyio

PAGED = [
    "/v1/drugs?limit=2",
    "/v1/effects?limit=2",
    "/v1/drugs/clonazepam/effects?limit=2",
    "/v1/drugs/clonazepam/contexts?limit=2",
    "/v1/effects/leg-cramps/drugs?limit=1",
    "/v1/search?q=c&limit=2",
    "/v1/sources?limit=2",
    "/v1/lookup?system=atc&code=N03AE01&limit=1",
]


def _header_links(response: httpx.Response) -> dict[str, str]:
    return {rel: link["url"] for rel, link in response.links.items() if rel in ("next", "prev")}


async def _walk(client: httpx.AsyncClient, url: str, page: str) -> list[object]:
    """Follow `links.next` from URL to the end; PAGE picks the page out of a body."""
    items: list[object] = []
    while url:
        response = await client.get(url)
        assert response.status_code == 200, url
        body = response.json()
        if page:
            body = body[page]
        items += body["items"]
        links = body["links"]
        assert _header_links(response) == {k: v["url"] for k, v in links.items() if v}, url
        url = links["next"] and links["next"]["url"]
    return items


@pytest.mark.parametrize("url", PAGED)
async def test_following_links_next_reads_every_item_once(
    client: httpx.AsyncClient, url: str
) -> None:
    total = (await client.get(url)).json()["total"]
    items = await _walk(client, url, "")
    assert len(items) == total >= 1
    assert len({repr(i) for i in items}) == total


async def test_compares_effect_matrix_pages_by_its_links(client: httpx.AsyncClient) -> None:
    url = "/v1/compare?drugs=clonazepam,diazepam&limit=3"
    first = (await client.get(url)).json()["effects"]
    assert first["links"]["prev"] is None
    assert first["links"]["next"] == {
        "url": "/v1/compare?drugs=clonazepam%2Cdiazepam&offset=3&limit=3",
        "offset": 3,
    }
    rows = await _walk(client, url, "effects")
    assert len(rows) == first["total"] > 3


async def test_the_last_page_has_no_next_and_the_first_no_prev(
    client: httpx.AsyncClient,
) -> None:
    body = (await client.get("/v1/drugs?limit=100")).json()
    assert body["links"] == {"next": None, "prev": None}
    later = (await client.get("/v1/drugs?limit=2&offset=3")).json()
    assert later["links"]["prev"] == {"url": "/v1/drugs?offset=1&limit=2", "offset": 1}


async def test_compare_summary_lists_every_shared_and_unique_effect(
    client: httpx.AsyncClient,
) -> None:
    summary = (await client.get("/v1/compare?drugs=clonazepam,baclofen")).json()["summary"]
    for part in (summary["shared_by_all"], *summary["unique"]):
        assert len(part["effects"]) == part["count"]
        assert all(set(e) == set(EffectRef.model_fields) for e in part["effects"])
