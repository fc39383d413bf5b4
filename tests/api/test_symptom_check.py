"""POST /v1/symptom-check on the curated data (and the SIDER fixtures where a test imports them)."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import Connection, event
from sqlalchemy.orm import Session

from app.importers.sider.load import import_sider
from tests.conftest import SIDER_FIXTURES

pytestmark = pytest.mark.anyio
TODAY = date(2026, 11, 25)


def _days_before(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


async def _check(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    response = await client.post("/v1/symptom-check", json=body)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _first(body: dict[str, Any]) -> dict[str, Any]:
    return body["explanations"][0]  # type: ignore[no-any-return]


async def test_a_cramp_five_days_after_stopping_clonazepam_is_its_withdrawal_first(
    client: httpx.AsyncClient,
) -> None:
    body = await _check(
        client,
        symptom="leg cramps",
        symptom_started_on=TODAY.isoformat(),
        medications=[
            {"drug": "valium", "status": "dose_reduced", "changed_on": _days_before(7)},
            {"drug": "Klonopin", "status": "stopped", "changed_on": _days_before(5)},
        ],
    )
    first = _first(body)
    assert (first["drug"]["slug"], first["context"]) == ("clonazepam", "withdrawal")
    assert first["timing"]["verdict"] == "fits"
    assert first["timing"]["days"] == 5
    assert first["record"]["matched_via"]["kind"] == "exact"
    assert first["why"][0].startswith("timing: it began 5 days after the last dose")
    assert body["symptom"]["slug"] == "leg-cramps"


async def test_a_stopped_drugs_side_effect_stays_listed_after_its_withdrawal(
    client: httpx.AsyncClient,
) -> None:
    body = await _check(
        client,
        symptom="leg cramps",
        symptom_started_on=TODAY.isoformat(),
        medications=[{"drug": "clonazepam", "status": "stopped", "changed_on": _days_before(5)}],
    )
    assert [e["context"] for e in body["explanations"]] == ["withdrawal", "side_effect"]
    side_effect = body["explanations"][1]["timing"]
    assert (side_effect["verdict"], side_effect["days"]) == ("too_late", 5)
    assert "after the drug was stopped" in side_effect["reason"]


async def test_the_same_cramp_120_days_after_stopping_does_not_fit_the_window(
    client: httpx.AsyncClient,
) -> None:
    body = await _check(
        client,
        symptom="leg cramps",
        symptom_started_on=TODAY.isoformat(),
        medications=[{"drug": "clonazepam", "status": "stopped", "changed_on": _days_before(120)}],
    )
    (withdrawal,) = [e for e in body["explanations"] if e["context"] == "withdrawal"]
    assert withdrawal["timing"]["verdict"] == "too_late"
    assert withdrawal["timing"]["window"]["max_days"] == 7


async def test_a_symptom_that_began_before_the_stop_is_also_checked_as_a_side_effect(
    client: httpx.AsyncClient,
) -> None:
    body = await _check(
        client,
        symptom="leg cramps",
        symptom_started_on=_days_before(10),
        medications=[{"drug": "clonazepam", "status": "stopped", "changed_on": _days_before(5)}],
    )
    assert {e["context"] for e in body["explanations"]} == {"withdrawal", "side_effect"}
    withdrawal = next(e for e in body["explanations"] if e["context"] == "withdrawal")
    assert withdrawal["timing"]["verdict"] == "too_early"


async def test_drowsiness_while_taking_clonazepam_is_its_side_effect(
    client: httpx.AsyncClient,
) -> None:
    body = await _check(
        client, symptom="drowsiness", medications=[{"drug": "clonazepam", "status": "taking"}]
    )
    first = _first(body)
    assert (first["drug"]["slug"], first["context"]) == ("clonazepam", "side_effect")
    assert first["timing"]["verdict"] == "unknown"  # no dates given


async def test_muscle_tension_after_a_diazepam_dose_cut_is_its_rebound_tension(
    client: httpx.AsyncClient,
) -> None:
    body = await _check(
        client,
        symptom="muscle tension",
        medications=[{"drug": "diazepam", "status": "dose_reduced", "changed_on": _days_before(3)}],
    )
    first = _first(body)
    assert (first["drug"]["slug"], first["context"]) == ("diazepam", "withdrawal")
    assert first["record"]["effect"]["slug"] == "rebound-muscle-tension"
    assert first["record"]["matched_via"]["kind"] == "narrower_term"


async def test_a_drug_with_muscle_spasms_explains_leg_cramps_through_the_broader_term(
    session: Session, client: httpx.AsyncClient
) -> None:
    import_sider(session, SIDER_FIXTURES)
    body = await _check(
        client, symptom="leg cramps", medications=[{"drug": "zorbatinib", "status": "taking"}]
    )
    first = _first(body)
    assert first["record"]["effect"]["slug"] == "muscle-spasms"
    assert first["record"]["matched_via"]["kind"] == "broader_term"
    assert "broader term" in first["why"][2]


async def test_every_explanation_carries_citations(client: httpx.AsyncClient) -> None:
    body = await _check(
        client,
        symptom="leg cramps",
        symptom_started_on=TODAY.isoformat(),
        medications=[{"drug": "clonazepam", "status": "stopped", "changed_on": _days_before(5)}],
    )
    for explanation in body["explanations"]:
        record = explanation["record"]
        assert record["sources"]
        assert record["incidence"]["document"]["cites"]
        assert all(step["cites"] for step in record["management"])


async def test_drugs_without_any_record_are_listed_as_not_explained_not_as_safe(
    client: httpx.AsyncClient,
) -> None:
    body = await _check(
        client, symptom="leg cramps", medications=[{"drug": "lorazepam", "status": "taking"}]
    )
    assert body["explanations"] == []
    (absent,) = body["not_explained_by"]
    assert absent["drug"]["slug"] == "lorazepam"
    assert "not evidence of safety" in absent["note"]


async def test_other_factors_care_advice_and_warnings_come_cited(client: httpx.AsyncClient) -> None:
    body = await _check(
        client,
        symptom="charley horse",
        medications=[
            {"drug": "clonazepam", "status": "stopped", "changed_on": _days_before(2)},
            {"drug": "diazepam", "status": "taking"},
            {"drug": "cyclobenzaprine", "status": "taking"},
        ],
    )
    assert body["other_factors"]
    assert all(f["cites"] for f in body["other_factors"])
    assert {f["aspect"] for f in body["other_factors"]} >= {"triggers", "contributing_factors"}
    assert body["seek_care"]
    assert all(c["cites"] for c in body["seek_care"])
    kinds = {(w["drug"]["slug"], w["kind"]) for w in body["warnings"]}
    assert ("clonazepam", "discontinuation") in kinds  # it was stopped
    diazepam = next(w for w in body["warnings"] if w["drug"]["slug"] == "diazepam")
    assert {d["slug"] for d in diazepam["involves"]} == {"cyclobenzaprine"}  # a muscle relaxant
    assert "not a diagnosis" in body["ranking"]
    assert body["disclaimer"]


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ({"symptom": "leg cramps", "medications": []}, "invalid-parameter"),
        ({"symptom": "leg cramps", "medications": [{"drug": "x", "status": "taking"}] * 21},
         "invalid-parameter"),
        ({"symptom": "leg cramps", "medications": [{"drug": "clonazepam", "status": "paused"}]},
         "invalid-parameter"),
        ({"symptom": "leg cramps", "symptom_started_on": "2099-01-01",
          "medications": [{"drug": "clonazepam", "status": "taking"}]}, "invalid-parameter"),
        ({"symptom": "leg cramps", "symptom_started_on": "yesterday",
          "medications": [{"drug": "clonazepam", "status": "taking"}]}, "invalid-parameter"),
        ({"symptom": "leg cramps",
          "medications": [{"drug": "clonazepam", "status": "taking", "changed_on": "2026-01-01"}]},
         "invalid-parameter"),
        ({"symptom": "leg cramps", "medications": [{"drug": "clonazepam", "status": "taking"}],
          "age": 40}, "invalid-parameter"),
        ({"symptom": "", "medications": [{"drug": "clonazepam", "status": "taking"}]},
         "invalid-parameter"),
    ],
)  # fmt: skip
async def test_bad_input_is_a_422_problem_with_errors(
    client: httpx.AsyncClient, body: dict[str, Any], kind: str
) -> None:
    response = await client.post("/v1/symptom-check", json=body)
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == f"/v1/problems/{kind}"
    assert problem["errors"]


async def test_twenty_one_medications_state_the_limit(client: httpx.AsyncClient) -> None:
    meds = [{"drug": "clonazepam", "status": "taking"}] * 21
    response = await client.post("/v1/symptom-check", json={"symptom": "x", "medications": meds})
    assert any(e.get("limit") == 20 for e in response.json()["errors"])


async def test_unknown_drugs_are_one_404_naming_each(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/symptom-check",
        json={"symptom": "leg cramps", "medications": [
            {"drug": "nopeazole", "status": "taking"}, {"drug": "clonazepam", "status": "taking"},
            {"drug": "zzzumab", "status": "taking"}]},
    )  # fmt: skip
    problem = response.json()
    assert response.status_code == 404
    assert problem["type"] == "/v1/problems/unknown-drug"
    assert "nopeazole" in problem["detail"]
    assert "zzzumab" in problem["detail"]


async def test_an_unknown_symptom_is_a_404_with_suggestions(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/symptom-check",
        json={"symptom": "leg crampz", "medications": [{"drug": "clonazepam", "status": "taking"}]},
    )
    assert response.json()["type"] == "/v1/problems/unknown-effect"
    assert "leg-cramps" in response.json()["suggestions"]


async def test_a_body_that_is_not_json_is_a_problem(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/symptom-check", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


@contextmanager
def _statements(connection: Connection) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    event.listen(connection, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", count)


async def test_the_statement_count_does_not_grow_with_the_list(
    client: httpx.AsyncClient, connection: Connection
) -> None:
    def body(drugs: list[str]) -> dict[str, Any]:
        meds = [{"drug": d, "status": "stopped", "changed_on": _days_before(3)} for d in drugs]
        return {
            "symptom": "leg cramps",
            "symptom_started_on": TODAY.isoformat(),
            "medications": meds,
        }

    five_drugs = ["clonazepam", "diazepam", "baclofen", "cyclobenzaprine", "gabapentin"]
    with _statements(connection) as five:
        await client.post("/v1/symptom-check", json=body(five_drugs))
    with _statements(connection) as twenty:
        await client.post("/v1/symptom-check", json=body(five_drugs * 4))
    assert len(twenty) == len(five) < 40


async def test_the_openapi_document_has_the_example_and_the_ranking_rule(
    client: httpx.AsyncClient,
) -> None:
    operation = (await client.get("/openapi.json")).json()["paths"]["/v1/symptom-check"]["post"]
    assert "Ranking" in operation["description"]
    assert "diagnosis" in operation["description"]
    examples = operation["requestBody"]["content"]["application/json"]["examples"]
    assert examples["clonazepam"]["value"]["medications"][0]["drug"] == "Klonopin"
