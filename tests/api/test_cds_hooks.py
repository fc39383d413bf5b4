"""CDS Hooks 3.0 (/cds-services): requests shaped as the specification's examples (hook,
hookInstance, fhirServer, fhirAuthorization, context, prefetch), answered from the curated
seed; every card is held to the specification's invariants."""

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from app.schemas.common import DISCLAIMER

pytestmark = pytest.mark.anyio
PATIENT_VIEW = "/cds-services/sidefx-symptom-explanations"
ORDER_SIGN = "/cds-services/sidefx-withdrawal-on-stop"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
SNOMED = "http://snomed.info/sct"


def ago(days: int) -> str:
    return (datetime.now(UTC).date() - timedelta(days=days)).isoformat()


def call(hook: str, **fields: Any) -> dict[str, Any]:
    """A hook call as the specification's example has it."""
    return {
        "hookInstance": str(uuid.uuid4()),
        "fhirServer": "https://ehr.example.org/fhir",
        "hook": hook,
        "fhirAuthorization": {
            "access_token": "some-opaque-fhir-access-token",
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": "user/Patient.read user/Observation.read",
            "subject": "cds-service4",
        },
        "context": {"userId": "Practitioner/example", "patientId": "1288992"},
        **fields,
    }


def bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "searchset",
            "entry": [{"resource": r} for r in resources]}  # fmt: skip


def statement(rid: str, medication: dict[str, Any], status: str, **dates: str) -> dict[str, Any]:
    period = {k: v for k, v in dates.items() if k in ("start", "end")}
    return {"resourceType": "MedicationStatement", "id": rid, "status": status,
            "subject": {"reference": "Patient/1288992"},
            "medicationCodeableConcept": medication, "effectivePeriod": period}  # fmt: skip


def condition(rid: str, code: dict[str, Any], onset: str) -> dict[str, Any]:
    return {"resourceType": "Condition", "id": rid, "subject": {"reference": "Patient/1288992"},
            "code": code, "onsetDateTime": onset}  # fmt: skip


CLONAZEPAM = {"coding": [{"system": RXNORM, "code": "2598", "display": "clonazepam"}]}
LEG_CRAMPS = {"coding": [{"system": SNOMED, "code": "449917004", "display": "Leg cramps"}]}


def assert_card_invariants(card: dict[str, Any]) -> None:
    """CDS Hooks 3.0: summary <140 characters, indicator info|warning|critical, a uuid,
    source.label (and an absolute url), absolute links; ours: the disclaimer in the detail."""
    assert uuid.UUID(card["uuid"])
    assert 0 < len(card["summary"]) < 140
    assert card["indicator"] in ("info", "warning", "critical")
    assert card["source"]["label"]
    assert card["source"]["url"].startswith("http")
    for link in card.get("links", []):
        assert link["type"] == "absolute"
        assert link["url"].startswith("http")
    assert DISCLAIMER.split(":")[0] in card["detail"].replace("\\", "")


async def test_discovery_lists_both_services_with_prefetch_and_version(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/cds-services")
    assert response.status_code == 200
    services = {s["id"]: s for s in response.json()["services"]}
    view = services["sidefx-symptom-explanations"]
    assert view["hook"] == "patient-view"
    assert view["prefetch"]["conditions"] == "Condition?patient={{context.patientId}}"
    assert {"medicationStatements", "medicationRequests", "observations"} <= set(view["prefetch"])
    assert services["sidefx-withdrawal-on-stop"]["hook"] == "order-sign"
    assert all(s["version"] == "3.0.0" and s["description"] for s in services.values())


async def test_patient_view_puts_clonazepam_withdrawal_first_for_leg_cramps_after_stop(
    client: httpx.AsyncClient,
) -> None:
    prefetch = {
        "medicationStatements": bundle(
            statement("ms1", CLONAZEPAM, "completed", start=ago(200), end=ago(10)),
            statement("ms2", {"text": "Baclofen 10 MG Oral Tablet"}, "active", start=ago(60)),
        ),
        "conditions": bundle(condition("c1", LEG_CRAMPS, ago(5))),
    }
    response = await client.post(PATIENT_VIEW, json=call("patient-view", prefetch=prefetch))
    assert response.status_code == 200
    cards = response.json()["cards"]
    first = cards[0]
    assert first["summary"].startswith("Leg cramps may be withdrawal from Clonazepam")
    assert "5 days after the last dose" in first["summary"]
    assert first["indicator"] == "warning"
    assert "Exploring the Link Between Clonazepam and Leg Cramps" in first["detail"]
    assert first["links"][0]["url"].endswith("/v1/drugs/clonazepam/effects/leg-cramps")
    for card in cards:
        assert_card_invariants(card)


async def test_patient_view_reads_r5_resources_and_brand_names_in_text(
    client: httpx.AsyncClient,
) -> None:
    r5 = {"resourceType": "MedicationStatement", "id": "r5", "status": "recorded",
          "medication": {"concept": {"text": "Klonopin 0.5 MG Oral Tablet"}},
          "effectivePeriod": {"start": ago(300), "end": ago(4)}}  # fmt: skip
    observation = {"resourceType": "Observation", "id": "o1", "status": "final",
                   "code": {"text": "charley horse"}, "effectiveDateTime": ago(1)}  # fmt: skip
    prefetch = {"medicationStatements": r5, "observations": bundle(observation)}
    response = await client.post(PATIENT_VIEW, json=call("patient-view", prefetch=prefetch))
    cards = response.json()["cards"]
    assert cards[0]["summary"].startswith("Leg cramps may be withdrawal from Clonazepam")


async def test_patient_view_says_in_an_info_card_what_it_could_not_resolve(
    client: httpx.AsyncClient,
) -> None:
    prefetch = {
        "medicationStatements": bundle(
            statement("ms9", {"text": "Grandma's <b>tonic</b>"}, "active", start=ago(30))
        ),
        "conditions": bundle(
            condition("c9", {"coding": [{"system": SNOMED, "code": "1"}]}, ago(3)),
            {"resourceType": "Condition", "id": "c10", "code": LEG_CRAMPS},
        ),
    }
    response = await client.post(PATIENT_VIEW, json=call("patient-view", prefetch=prefetch))
    (card,) = response.json()["cards"]
    assert card["indicator"] == "info"
    assert "MedicationStatement/ms9" in card["detail"]
    assert "\\<b\\>tonic\\</b\\>" in card["detail"]  # escaped: shown as text, never as HTML
    assert "Condition/c9" in card["detail"]
    assert "Condition/c10 (Leg cramps): no onset date" in card["detail"]
    assert_card_invariants(card)


async def test_patient_view_without_prefetch_or_fhir_access_answers_no_cards_and_why(
    client: httpx.AsyncClient,
) -> None:
    body = call("patient-view")
    del body["fhirServer"], body["fhirAuthorization"]
    response = await client.post(PATIENT_VIEW, json=body)
    assert response.status_code == 200
    assert response.json()["cards"] == []
    assert "No prefetch was sent" in response.json()["extension"]["org.sidefx.reason"]


async def test_patient_view_reports_an_operation_outcome_in_place_of_prefetch(
    client: httpx.AsyncClient,
) -> None:
    failed = {"resourceType": "OperationOutcome",
              "issue": [{"severity": "error", "code": "timeout"}]}  # fmt: skip
    prefetch = {"medicationStatements": failed, "conditions": None}
    response = await client.post(PATIENT_VIEW, json=call("patient-view", prefetch=prefetch))
    (card,) = response.json()["cards"]
    assert "`medicationStatements`" in card["detail"].replace("\\", "")


def discontinuation(status: str, **extra: Any) -> dict[str, Any]:
    order = {"resourceType": "MedicationRequest", "id": "stop-1", "status": status,
             "intent": "order", "subject": {"reference": "Patient/1288992"},
             "medicationCodeableConcept": CLONAZEPAM, **extra}  # fmt: skip
    return {"userId": "PractitionerRole/123", "patientId": "1288992",
            "draftOrders": bundle(order)}  # fmt: skip


async def test_order_sign_on_stopping_clonazepam_says_what_to_expect_and_advises_a_taper(
    client: httpx.AsyncClient,
) -> None:
    body = call("order-sign", context=discontinuation("stopped"))
    response = await client.post(ORDER_SIGN, json=body)
    assert response.status_code == 200
    (card,) = response.json()["cards"]
    assert_card_invariants(card)
    assert card["summary"] == (
        "Stopping Clonazepam: withdrawal effects are described; a taper is advised"
    )
    assert card["indicator"] in ("warning", "critical")
    assert "Leg cramps" in card["detail"]
    assert "a few days to a week after the final dose" in card["detail"]
    assert "A taper is advised" in card["detail"]
    assert "**Sources**" in card["detail"]
    assert card["links"][0]["url"].endswith("/v1/drugs/clonazepam/effects?context=withdrawal")


async def test_order_sign_reads_do_not_perform_as_a_discontinuation(
    client: httpx.AsyncClient,
) -> None:
    body = call("order-sign", context=discontinuation("draft", doNotPerform=True))
    cards = (await client.post(ORDER_SIGN, json=body)).json()["cards"]
    assert cards[0]["summary"].startswith("Stopping Clonazepam")


async def test_order_sign_on_a_new_prescription_gives_no_withdrawal_card(
    client: httpx.AsyncClient,
) -> None:
    body = call("order-sign", context=discontinuation("draft"))
    assert (await client.post(ORDER_SIGN, json=body)).json()["cards"] == []


async def test_a_call_for_another_hook_is_an_operation_outcome_400(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(ORDER_SIGN, json=call("patient-view"))
    assert response.status_code == 400
    assert response.json()["resourceType"] == "OperationOutcome"


async def test_a_malformed_call_is_an_operation_outcome_400(client: httpx.AsyncClient) -> None:
    response = await client.post(PATIENT_VIEW, json={"hook": "patient-view", "context": {}})
    assert response.status_code == 400
    assert response.json()["resourceType"] == "OperationOutcome"
    assert "hookInstance" in response.json()["issue"][0]["diagnostics"]


async def test_an_unknown_service_is_an_operation_outcome_404(client: httpx.AsyncClient) -> None:
    response = await client.post("/cds-services/nope", json=call("patient-view"))
    assert response.status_code == 404
    assert response.json()["resourceType"] == "OperationOutcome"


async def test_an_ehrs_prefetch_over_64_kib_is_read(client: httpx.AsyncClient) -> None:
    """A patient's prefetch is far larger than a symptom check: the CDS limit is 1 MiB."""
    filler = [
        statement(f"old{i}", {"text": "Baclofen 10 MG Oral Tablet"}, "completed",
                  start=ago(900), end=ago(800))
        for i in range(400)
    ]  # fmt: skip
    prefetch = {
        "medicationStatements": bundle(
            statement("ms1", CLONAZEPAM, "completed", start=ago(200), end=ago(10)), *filler
        ),
        "conditions": bundle(condition("c1", LEG_CRAMPS, ago(5))),
    }
    body = call("patient-view", prefetch=prefetch)
    assert len(json.dumps(body)) > 64 * 1024
    response = await client.post(PATIENT_VIEW, json=body)
    assert response.status_code == 200
    assert response.json()["cards"][0]["summary"].startswith("Leg cramps may be withdrawal")


async def test_a_body_over_the_limit_is_an_operation_outcome_413(client: httpx.AsyncClient) -> None:
    """Refused before any route runs, and still in the channel's own error shape."""
    response = await client.post(
        PATIENT_VIEW, content=b"{" + b" " * (1024 * 1024 + 1) + b"}",
        headers={"content-type": "application/json"},
    )  # fmt: skip
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/fhir+json")
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["code"] == "too-long"
