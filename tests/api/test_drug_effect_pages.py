"""A drug's effect list: served from plain data (not models) in the precomputed list order, its
first page stored at load time, so all of it is held here to the published schema and to the
full records."""

from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.enums import INCIDENCE_RANK, IncidenceBand
from app.importers.list_order import first_pages_current
from app.importers.seed import load_seed
from app.importers.seed_files import read_seed
from app.models import Drug, DrugEffectPage
from app.schemas.common import Page
from app.schemas.effect import DrugEffectSummary
from tests.conftest import SEED_DIR

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


async def test_first_pages_are_stored_and_match_the_assembled_lists(
    client: httpx.AsyncClient, session: Session
) -> None:
    assert first_pages_current(session)
    for drug in await _curated_drugs(client):
        default = await client.get(f"/v1/drugs/{drug}/effects")  # the stored page
        Page[DrugEffectSummary].model_validate_json(default.content)
        whole = (await client.get(f"/v1/drugs/{drug}/effects", params={"limit": 100})).json()
        expected = {"items": whole["items"][:20], "total": whole["total"], "limit": 20, "offset": 0}
        assert default.json() == expected, drug


async def test_the_default_page_is_served_from_the_stored_page(
    client: httpx.AsyncClient, session: Session
) -> None:
    stored = select(DrugEffectPage).join(Drug).where(Drug.slug == "clonazepam")
    session.scalars(stored).one().items = "[]"
    session.flush()
    assert (await client.get("/v1/drugs/clonazepam/effects")).json()["items"] == []


async def test_pages_from_other_code_are_ignored_until_the_seed_rewrites_them(
    client: httpx.AsyncClient, session: Session
) -> None:
    session.execute(update(DrugEffectPage).values(format="older-code", items="[]"))
    session.flush()
    assert not first_pages_current(session)
    assert (await client.get("/v1/drugs/clonazepam/effects")).json()["items"]  # assembled
    report = load_seed(session, read_seed(SEED_DIR))  # unchanged data: only the pages
    assert not report.changed
    assert first_pages_current(session)
