import re

import httpx
import pytest
from sqlalchemy.orm import Session

from app.enums import Context, IncidenceBand
from tests.builders import make_drug, make_drug_effect, make_effect

pytestmark = pytest.mark.anyio


def _slugs(items: list[dict[str, object]]) -> list[str]:
    return [i["effect"]["slug"] for i in items]  # type: ignore[index]


async def test_clonazepam_leg_cramps_in_both_contexts_side_by_side(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/v1/drugs/clonazepam/effects/leg-cramps")
    assert response.status_code == 200
    body = response.json()
    assert body["drug"]["slug"] == "clonazepam"
    assert body["effect"]["slug"] == "leg-cramps"
    side, withdrawal = body["contexts"]
    assert side["context"] == "side_effect"
    assert withdrawal["context"] == "withdrawal"
    assert side["incidence"]["band"] == "unknown"
    assert "less" in side["incidence"]["wording"].lower()
    assert withdrawal["onset"]["relative_to"] == "last_dose"
    assert withdrawal["onset"]["max_days"] == 7
    assert withdrawal["onset"]["peak_min_days"] == 7
    assert withdrawal["onset"]["peak_max_days"] == 14
    assert side["onset"]["relative_to"] == "first_dose"
    assert {"anxiety", "insomnia", "tremor", "irritability"} <= {
        s["slug"] for s in withdrawal["accompanying_symptoms"]
    }
    assert {"drowsiness", "dizziness"} <= {s["slug"] for s in side["accompanying_symptoms"]}
    assert any(re.search(r"gradual|taper", step, re.I) for step in withdrawal["management"])
    assert side["management"]
    for record in (side, withdrawal):
        assert record["severity"] is not None
        assert "clonazepam-leg-cramps" in {e["source"] for e in record["evidence"]}


async def test_drug_effect_resolves_brand_and_synonym(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/drugs/KLONOPIN/effects/Charley Horse")
    assert response.status_code == 200
    assert response.json()["effect"]["slug"] == "leg-cramps"


async def test_drug_effect_without_record_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/drugs/baclofen/effects/leg-cramps")
    assert response.status_code == 404
    assert "baclofen" in response.json()["detail"]


async def test_drug_effect_unknown_effect_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/drugs/clonazepam/effects/leg-crams")
    assert response.status_code == 404
    assert "leg-cramps" in response.json()["suggestions"]


async def test_list_drug_effects_filters_by_context(client: httpx.AsyncClient) -> None:
    params: dict[str, str | int] = {"context": "withdrawal", "limit": 100}
    body = (await client.get("/v1/drugs/clonazepam/effects", params=params)).json()
    assert body["total"] > 0
    assert {i["context"] for i in body["items"]} == {"withdrawal"}
    assert {"leg-cramps", "seizures"} <= set(_slugs(body["items"]))


async def test_list_drug_effects_filters_by_body_system(client: httpx.AsyncClient) -> None:
    params: dict[str, str | int] = {"body_system": "musculoskeletal", "limit": 100}
    body = (await client.get("/v1/drugs/clonazepam/effects", params=params)).json()
    assert body["items"]
    assert {i["effect"]["body_system"] for i in body["items"]} == {"musculoskeletal"}


async def test_list_drug_effects_filters_by_source(client: httpx.AsyncClient) -> None:
    params: dict[str, str | int] = {"source": "clonazepam-leg-cramps", "limit": 100}
    body = (await client.get("/v1/drugs/clonazepam/effects", params=params)).json()
    assert body["items"]
    assert all("clonazepam-leg-cramps" in i["sources"] for i in body["items"])
    everything = (await client.get("/v1/drugs/clonazepam/effects", params={"limit": 100})).json()
    assert everything["total"] > body["total"]


async def test_list_drug_effects_unknown_source_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/drugs/clonazepam/effects", params={"source": "nope"})
    assert response.status_code == 404
    assert "nope" in response.json()["detail"]


@pytest.mark.parametrize(
    "params", [{"context": "sometimes"}, {"min_incidence": "often"}, {"body_system": "soul"}]
)
async def test_list_drug_effects_rejects_unknown_vocabulary(
    client: httpx.AsyncClient, params: dict[str, str]
) -> None:
    response = await client.get("/v1/drugs/clonazepam/effects", params=params)
    assert response.status_code == 422
    assert response.json()["errors"]


async def test_list_drug_effects_sorts_by_incidence_and_filters_min(
    client: httpx.AsyncClient, session: Session
) -> None:
    drug = make_drug(session, name="Testamine")
    rare = make_effect(session, name="Test rash")
    common = make_effect(session, name="Test itch")
    make_drug_effect(session, drug=drug, effect=rare, band=IncidenceBand.rare, frequency=0.0005)
    make_drug_effect(session, drug=drug, effect=common, band=IncidenceBand.common, frequency=0.05)
    make_drug_effect(session, drug=drug, effect=rare, context=Context.withdrawal)
    body = (await client.get("/v1/drugs/testamine/effects")).json()
    assert _slugs(body["items"]) == ["test-itch", "test-rash", "test-rash"]
    assert body["items"][0]["incidence"]["frequency"] == 0.05
    filtered = await client.get("/v1/drugs/testamine/effects", params={"min_incidence": "rare"})
    assert [i["context"] for i in filtered.json()["items"]] == ["side_effect", "side_effect"]


async def test_list_drug_effects_unknown_drug_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/drugs/unknownium/effects")
    assert response.status_code == 404
