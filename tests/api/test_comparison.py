from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import Connection, event
from sqlalchemy.orm import Session

from app.enums import Context, IncidenceBand
from tests.builders import make_drug, make_drug_effect, make_effect

pytestmark = pytest.mark.anyio

TABLE_DRUGS = "clonazepam,cyclobenzaprine,baclofen"
TABLE_SECTION = "Clonazepam vs. Common Muscle Relaxants"


def _row(body: dict[str, Any], attribute: str) -> dict[str, dict[str, Any]]:
    row = next(r for r in body["attributes"] if r["attribute"] == attribute)
    return {cell["drug"]: cell for cell in row["cells"]}


async def test_compare_reproduces_the_source_table_with_citations(
    client: httpx.AsyncClient,
) -> None:
    body = (await client.get("/v1/compare", params={"drugs": TABLE_DRUGS})).json()
    expected = {  # the table's cells, drug by drug
        "clonazepam": {
            "drug_class": "Benzodiazepine",
            "dependence_risk": "high",
            "common_use": "Anxiety, seizures, nocturnal spasms",
            "sedation_potential": "Common, dose-dependent",
        },
        "cyclobenzaprine": {
            "sedation_potential": "Common, potentially high",
            "drug_class": "Skeletal Muscle Relaxant",
            "common_use": "Short-term relief of muscle spasms",
            "dependence_risk": "low",
        },
        "baclofen": {
            "common_use": "Long-term management of spasticity",
            "dependence_risk": "unknown",
            "drug_class": "GABA-mimetic Muscle Relaxant",
            "sedation_potential": "Common, dose-dependent",
        },
    }
    for drug, cells in expected.items():
        for attribute, value in cells.items():
            cell = _row(body, attribute)[drug]
            assert cell["value"] == value, (attribute, drug)
            sections = {(s["source"], s["section"]) for s in cell["sources"]}
            assert ("clonazepam-muscle-spasms", TABLE_SECTION) in sections, (attribute, drug)
    mechanism = _row(body, "mechanism")
    assert all(cell["value"] and cell["sources"] for cell in mechanism.values())
    assert "spinal reflexes" in mechanism["baclofen"]["value"]
    dependence = _row(body, "dependence_risk")
    assert "abrupt" in dependence["baclofen"]["note"]


async def test_compare_shows_boxed_warning_only_where_stated(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/compare", params={"drugs": TABLE_DRUGS})).json()
    boxed = _row(body, "boxed_warning")
    assert boxed["clonazepam"]["value"]
    assert boxed["clonazepam"]["sources"]
    assert boxed["baclofen"]["value"] is None


async def test_compare_keeps_order_and_resolves_brands(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/compare", params={"drugs": "Lioresal, FLEXERIL,Klonopin"})).json()
    assert [d["slug"] for d in body["drugs"]] == ["baclofen", "cyclobenzaprine", "clonazepam"]
    assert [d["requested"] for d in body["drugs"]] == ["Lioresal", "FLEXERIL", "Klonopin"]
    assert [c["drug"] for c in body["effects"]["items"][0]["cells"]] == [
        "baclofen",
        "cyclobenzaprine",
        "clonazepam",
    ]


async def test_compare_orders_shared_effects_first(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/compare", params={"drugs": TABLE_DRUGS, "limit": 100})).json()
    shared = [row["shared_by"] for row in body["effects"]["items"]]
    assert shared == sorted(shared, reverse=True)
    assert body["effects"]["items"][0]["effect"]["slug"] == "sedation"
    assert body["summary"]["shared_by_all"]["effects"] == ["sedation"]
    unique = {u["drug"]: u for u in body["summary"]["unique"]}
    assert "leg-cramps" in unique["clonazepam"]["effects"]
    assert unique["baclofen"]["count"] == 0


async def test_compare_orders_by_incidence_within_equal_sharing(
    client: httpx.AsyncClient, session: Session
) -> None:
    a, b = make_drug(session, name="Alphamine"), make_drug(session, name="Betamine")
    rare, common = make_effect(session, name="Test rash"), make_effect(session, name="Test itch")
    make_drug_effect(session, drug=a, effect=rare, band=IncidenceBand.rare)
    make_drug_effect(session, drug=b, effect=common, band=IncidenceBand.common)
    body = (await client.get("/v1/compare", params={"drugs": "alphamine,betamine"})).json()
    assert [r["effect"]["slug"] for r in body["effects"]["items"]] == ["test-itch", "test-rash"]


async def test_compare_filters_by_context(client: httpx.AsyncClient) -> None:
    params: dict[str, str | int] = {
        "drugs": "clonazepam,diazepam",
        "context": "withdrawal",
        "limit": 100,
    }
    body = (await client.get("/v1/compare", params=params)).json()
    contexts = {
        rec["context"]
        for row in body["effects"]["items"]
        for cell in row["cells"]
        for rec in cell["records"]
    }
    assert contexts == {"withdrawal"}
    slugs = {row["effect"]["slug"] for row in body["effects"]["items"]}
    assert "rebound-muscle-tension" in slugs
    assert "leg-cramps" in slugs


async def test_compare_filters_by_body_system(client: httpx.AsyncClient) -> None:
    params: dict[str, str | int] = {
        "drugs": "clonazepam,diazepam",
        "body_system": "psychiatric",
        "limit": 100,
    }
    body = (await client.get("/v1/compare", params=params)).json()
    assert body["effects"]["items"]
    assert {r["effect"]["body_system"] for r in body["effects"]["items"]} == {"psychiatric"}


async def test_compare_shared_only_drops_single_drug_effects(client: httpx.AsyncClient) -> None:
    params: dict[str, str | int] = {
        "drugs": "clonazepam,diazepam",
        "shared_only": "true",
        "limit": 100,
    }
    body = (await client.get("/v1/compare", params=params)).json()
    assert body["effects"]["items"]
    assert all(row["shared_by"] >= 2 for row in body["effects"]["items"])
    assert body["summary"]["unique"][0]["count"] > 0  # the summary still counts everything


async def test_compare_paginates_the_matrix(client: httpx.AsyncClient) -> None:
    first = (await client.get("/v1/compare", params={"drugs": TABLE_DRUGS, "limit": 2})).json()
    second = (
        await client.get("/v1/compare", params={"drugs": TABLE_DRUGS, "limit": 2, "offset": 2})
    ).json()
    assert len(first["effects"]["items"]) == 2
    assert first["effects"]["total"] > 4
    assert first["effects"]["items"][0] != second["effects"]["items"][0]


async def test_compare_unknown_drug_is_404_naming_it(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/compare", params={"drugs": "clonazepam,baclofem"})
    assert response.status_code == 404
    body = response.json()
    assert "baclofem" in body["detail"]
    assert "baclofen" in body["suggestions"]


@pytest.mark.parametrize(
    ("drugs", "rule"),
    [
        ("clonazepam", "2 to 10"),
        (",".join(["clonazepam"] * 11), "2 to 10"),
        ("clonazepam,Klonopin", "once"),
        ("clonazepam,,baclofen", "1 to 200"),
    ],
)
async def test_compare_rejects_bad_drug_lists_with_the_rule(
    client: httpx.AsyncClient, drugs: str, rule: str
) -> None:
    response = await client.get("/v1/compare", params={"drugs": drugs})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert rule in response.json()["detail"]


@contextmanager
def count_statements(connection: Connection) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", record)


async def test_compare_statement_count_does_not_grow_with_drugs(
    client: httpx.AsyncClient, session: Session, connection: Connection
) -> None:
    names = []
    for i in range(10):
        drug = make_drug(session, name=f"Drug{i}")
        names.append(drug.slug)
        for j in range(i + 1):
            effect = make_effect(session, name=f"Effect{i}x{j}")
            make_drug_effect(session, drug=drug, effect=effect, context=Context.side_effect)
            make_drug_effect(session, drug=drug, effect=effect, context=Context.withdrawal)
    # Warm up: the first request after new rows loads the in-process name catalog.
    assert (await client.get("/v1/compare", params={"drugs": ",".join(names[:2])})).is_success
    with count_statements(connection) as two:
        assert (await client.get("/v1/compare", params={"drugs": ",".join(names[:2])})).is_success
    with count_statements(connection) as ten:
        params: dict[str, str | int] = {"drugs": ",".join(names), "limit": 100}
        assert (await client.get("/v1/compare", params=params)).is_success
    selects = [s for s in ten if s.lstrip().upper().startswith("SELECT")]
    assert len(ten) == len(two)
    assert len(selects) <= 12


async def test_contexts_view_puts_side_effect_and_withdrawal_side_by_side(
    client: httpx.AsyncClient,
) -> None:
    body = (await client.get("/v1/drugs/Klonopin/contexts", params={"limit": 100})).json()
    assert body["drug"]["slug"] == "clonazepam"
    rows = {row["effect"]["slug"]: row for row in body["items"]}
    cramps = rows["leg-cramps"]
    assert cramps["side_effect"]["severity"] == "mild"
    assert cramps["withdrawal"]["onset"]["relative_to"] == "last_dose"
    assert cramps["withdrawal"]["management"]
    assert cramps["overdose"] is None
    assert body["items"][0]["effect"]["slug"] == "leg-cramps"  # two contexts sort first


async def test_contexts_view_multi_context_only(client: httpx.AsyncClient) -> None:
    params: dict[str, str | int] = {"multi_context_only": "true", "limit": 100}
    body = (await client.get("/v1/drugs/clonazepam/contexts", params=params)).json()
    assert body["total"] == len(body["items"]) >= 1
    for row in body["items"]:
        assert sum(row[c] is not None for c in ("side_effect", "withdrawal", "overdose")) >= 2


async def test_contexts_view_statement_count_is_bounded(
    client: httpx.AsyncClient, connection: Connection
) -> None:
    await client.get("/v1/drugs/clonazepam/contexts")  # warm up the name catalog
    with count_statements(connection) as statements:
        response = await client.get("/v1/drugs/clonazepam/contexts", params={"limit": 100})
    assert response.is_success
    assert len(response.json()["items"]) > 10
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 9


async def test_contexts_view_unknown_drug_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/drugs/nope-azepam/contexts")
    assert response.status_code == 404
