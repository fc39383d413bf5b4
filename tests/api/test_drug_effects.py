"""A drug's effects, one drug x effect across contexts, and the contexts view."""

import httpx
import pytest
from sqlalchemy.orm import Session

from app.enums import Context
from tests.builders import make_drug, make_effect, make_record

pytestmark = pytest.mark.anyio


async def test_clonazepam_leg_cramps_in_both_contexts_side_by_side(
    client: httpx.AsyncClient,
) -> None:
    body = (await client.get("/v1/drugs/Klonopin/effects/charley%20horse")).json()
    assert (body["drug"]["slug"], body["effect"]["slug"]) == ("clonazepam", "leg-cramps")
    side, withdrawal = body["contexts"]
    assert (side["context"], withdrawal["context"]) == ("side_effect", "withdrawal")
    assert side["severity"]["value"] is None  # the table compares; it gives no level
    assert "milder" in side["severity"]["note"].lower()
    assert withdrawal["severity"]["value"] == "variable"
    onset = withdrawal["onset"]
    assert (onset["relative_to"], onset["max_days"]) == ("last_dose", 7)
    assert onset["peak_text"]
    assert "min_days" in onset
    assert {s["effect"]["slug"] for s in withdrawal["accompanying_symptoms"]} == {
        "anxiety",
        "insomnia",
        "tremor",
        "irritability",
    }
    for record in body["contexts"]:
        assert record["incidence"]["band"] == "unknown"
        assert record["incidence"]["basis"] == "document_wording"
        assert record["incidence"]["document"]["cites"]
        assert all(step["cites"] for step in record["management"])
        assert record["matched_via"] == {"kind": "exact", "effect": record["effect"]}


async def test_every_part_of_a_record_cites_the_comparison_table_where_it_comes_from(
    client: httpx.AsyncClient,
) -> None:
    body = (await client.get("/v1/drugs/clonazepam/effects/leg-cramps")).json()
    table = "comparison-table-clonazepam-side-effect-vs-withdrawal-symptom"
    for record in body["contexts"]:
        for part in (record["onset"], record["severity"], record["incidence"]["document"]):
            assert table in {c["anchor"]["key"] for c in part["cites"]}


async def test_known_drug_and_effect_without_a_record_is_a_no_record_404(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/v1/drugs/baclofen/effects/leg-cramps")
    assert response.status_code == 404
    assert response.json()["type"] == "/v1/problems/no-record"


async def test_unknown_effect_is_an_unknown_effect_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/drugs/clonazepam/effects/zzzz")
    assert response.json()["type"] == "/v1/problems/unknown-effect"


async def test_list_filters_by_context(client: httpx.AsyncClient) -> None:
    items = (await client.get("/v1/drugs/clonazepam/effects?context=withdrawal&limit=100")).json()
    assert items["items"]
    assert {i["context"] for i in items["items"]} == {"withdrawal"}


async def test_list_filters_by_body_system(client: httpx.AsyncClient) -> None:
    items = (await client.get("/v1/drugs/clonazepam/effects?body_system=musculoskeletal")).json()
    assert {i["effect"]["body_system"] for i in items["items"]} == {"musculoskeletal"}


async def test_list_filters_by_source(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/drugs/diazepam/effects?source=diazepam-leg-muscle-pain")).json()
    assert body["total"] > 0
    assert all(
        "diazepam-leg-muscle-pain" in {s["slug"] for s in i["sources"]} for i in body["items"]
    )
    none = (await client.get("/v1/drugs/diazepam/effects?source=clonazepam-overview")).json()
    assert none["total"] == 0


async def test_an_unknown_source_filter_is_a_422_naming_the_parameter(
    client: httpx.AsyncClient,
) -> None:
    """A filter value naming nothing is a 422, as for drug_class= (a 404 is a path's)."""
    for url in (
        "/v1/drugs/clonazepam/effects?source=nope",
        "/v1/effects/leg-cramps/drugs?source=nope",
    ):
        response = await client.get(url)
        assert response.status_code == 422
        body = response.json()
        assert body["type"] == "/v1/problems/invalid-parameter"
        assert body["errors"][0]["loc"] == ["query", "source"]
        assert "/v1/sources" in body["detail"]


async def test_list_sorts_by_the_summary_and_min_incidence_uses_it(
    session: Session, client: httpx.AsyncClient
) -> None:
    drug = make_drug(session, name="Testamine")
    rare, common, frequent = (make_effect(session, name=n) for n in ("Ra", "Co", "Fr"))
    make_record(session, drug=drug, effect=rare, rows=[("rare", 0.0, 0.001, False)])
    make_record(session, drug=drug, effect=common, rows=[("2%", 0.02, 0.02, False)])
    make_record(
        session,
        drug=drug,
        effect=frequent,
        rows=[("30%", 0.3, 0.3, False), ("10%", 0.1, 0.1, False)],
    )
    body = (await client.get("/v1/drugs/testamine/effects")).json()
    assert [i["effect"]["name"] for i in body["items"]] == ["Fr", "Co", "Ra"]
    assert body["items"][0]["incidence"]["frequency"] == 0.2  # the median of 30% and 10%
    at_least = (await client.get("/v1/drugs/testamine/effects?min_incidence=common")).json()
    assert [i["effect"]["name"] for i in at_least["items"]] == ["Fr", "Co"]


async def test_pages_tile_the_list_in_order(client: httpx.AsyncClient) -> None:
    whole = (await client.get("/v1/drugs/clonazepam/effects?limit=100")).json()["items"]
    paged = []
    for offset in range(0, len(whole), 7):
        page = await client.get(f"/v1/drugs/clonazepam/effects?limit=7&offset={offset}")
        paged += page.json()["items"]
    assert paged == whole


async def test_contexts_view_puts_side_effect_and_withdrawal_side_by_side(
    client: httpx.AsyncClient,
) -> None:
    body = (await client.get("/v1/drugs/clonazepam/contexts?multi_context_only=true")).json()
    assert body["drug"]["slug"] == "clonazepam"
    assert body["items"]
    for row in body["items"]:
        contexts = [r["context"] for r in row["contexts"]]
        assert len(contexts) >= 2
        assert contexts == sorted(contexts, key=list(Context).index)
        assert all(r["effect"] == row["effect"] for r in row["contexts"])


async def test_contexts_view_pages(client: httpx.AsyncClient) -> None:
    first = (await client.get("/v1/drugs/clonazepam/contexts?limit=3")).json()
    second = (await client.get("/v1/drugs/clonazepam/contexts?limit=3&offset=3")).json()
    assert first["total"] == second["total"] > 3
    slugs = [r["effect"]["slug"] for r in first["items"] + second["items"]]
    assert len(set(slugs)) == 6
