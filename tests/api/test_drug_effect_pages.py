"""A drug's effect list: served from plain data (not models) in the precomputed list order,
so both are held here to the published schema and to the full records."""

from typing import Any

import httpx
import pytest

from app.enums import INCIDENCE_RANK, IncidenceBand
from app.schemas.common import Page
from app.schemas.effect import DrugEffectSummary

pytestmark = pytest.mark.anyio


async def _curated_drugs(client: httpx.AsyncClient) -> list[str]:
    body = (await client.get("/v1/drugs", params={"limit": 100})).json()
    return [d["slug"] for d in body["items"]]


async def test_every_list_is_exactly_the_published_schema(client: httpx.AsyncClient) -> None:
    checked = 0
    for drug in await _curated_drugs(client):
        response = await client.get(f"/v1/drugs/{drug}/effects", params={"limit": 100})
        assert response.status_code == 200, drug
        page = Page[DrugEffectSummary].model_validate_json(response.content)
        # Nothing more, nothing less, and the same JSON types as the model would write.
        assert page.model_dump(mode="json") == response.json(), drug
        checked += len(page.items)
    assert checked == 41  # every curated drug effect


async def test_list_items_agree_with_the_full_records(client: httpx.AsyncClient) -> None:
    for drug in await _curated_drugs(client):
        items = (await client.get(f"/v1/drugs/{drug}/effects", params={"limit": 100})).json()
        for item in items["items"]:
            effect = item["effect"]["slug"]
            detail = (await client.get(f"/v1/drugs/{drug}/effects/{effect}")).json()
            (record,) = [c for c in detail["contexts"] if c["context"] == item["context"]]
            assert detail["effect"] == item["effect"]
            for key in ("incidence", "onset", "severity"):
                assert record[key] == item[key], (drug, effect, key)
            assert item["sources"] == sorted({e["source"] for e in record["evidence"]})


def _list_key(item: dict[str, Any]) -> tuple[Any, ...]:
    frequency = item["incidence"]["frequency"]
    return (
        -INCIDENCE_RANK[IncidenceBand(item["incidence"]["band"])],
        frequency is None,
        -(frequency or 0),
        item["effect"]["name"],
        item["context"],
    )


async def test_lists_are_most_frequent_first_and_pages_tile(client: httpx.AsyncClient) -> None:
    for drug in await _curated_drugs(client):
        whole = (await client.get(f"/v1/drugs/{drug}/effects", params={"limit": 100})).json()
        items = whole["items"]
        assert items == sorted(items, key=_list_key), drug
        pages = []
        for offset in range(0, whole["total"] + 2, 2):
            params = {"limit": 2, "offset": offset}
            page = (await client.get(f"/v1/drugs/{drug}/effects", params=params)).json()
            assert page["total"] == whole["total"], drug
            pages += page["items"]
        assert pages == items, drug
