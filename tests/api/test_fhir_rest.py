"""The FHIR R5 REST API (/fhir) through a stock FHIR client (fhirpy, from PyPI) against a
real uvicorn server on loopback, over the seed and the invented RxNorm fixture: discover,
search by RxNorm and ATC code, read, page, follow references; every resource served validates
with fhir.resources R5 and points only at targets R5 allows."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fhir.resources import get_fhir_model_class
from fhir.resources.bundle import Bundle
from fhir_core.fhirabstractmodel import FHIRAbstractModel
from fhirpy import SyncFHIRClient
from sqlalchemy.orm import Session

from app.importers.terminology.drugs import import_rxnorm
from app.services.fhir_common import SYSTEMS
from tests.conftest import FIXTURES, seeded, separate_database
from tests.servers import server_env, server_process, sidefx_serve

pytestmark = pytest.mark.slow  # starts a server
DEADLINE = 60.0
RXNORM_FIXTURES = FIXTURES / "rxnorm"


@pytest.fixture(scope="module")
def base(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The FHIR base URL of a server over the seed and the RxNorm fixture."""
    with separate_database(database_url, tmp_path_factory.mktemp("fhir"), "fhir") as url:
        engine = seeded(url)
        with Session(engine) as session, session.begin():
            import_rxnorm(session, RXNORM_FIXTURES)
        engine.dispose()

        def env(port: int) -> dict[str, str]:
            base = f"http://127.0.0.1:{port}/fhir"
            return server_env(url, fhir_base_url=base, response_cache="false")

        with server_process(sidefx_serve, env) as server:
            yield f"{server.base_url}/fhir"


@pytest.fixture(scope="module")
def client(base: str) -> SyncFHIRClient:
    return SyncFHIRClient(base)


def _valid(resource: dict[str, Any]) -> FHIRAbstractModel:
    """The resource as its fhir.resources R5 model, with every reference's target type one R5
    allows there (the field metadata lists them)."""
    model = get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    _check_references(model)
    return model


def _serialized(resource: Any) -> dict[str, Any]:
    return dict(resource.serialize())


def _check_references(model: FHIRAbstractModel) -> None:
    for name, field in type(model).model_fields.items():
        value = getattr(model, name, None)
        for item in value if isinstance(value, list) else [value]:
            if not isinstance(item, FHIRAbstractModel):
                continue
            if type(item).__name__ == "Reference" and item.reference:  # type: ignore[attr-defined]
                extra: Any = field.json_schema_extra or {}
                allowed: list[str] = extra.get("enum_reference_types", [])
                target = item.reference.split("/")[-2]  # type: ignore[attr-defined]
                assert target in allowed or "Resource" in allowed, (name, target, allowed)
            _check_references(item)


def test_the_capability_statement_lists_what_is_served(client: SyncFHIRClient) -> None:
    statement = client.execute("metadata", method="get")
    _valid(statement)
    assert statement["fhirVersion"] == "5.0.0"
    assert statement["format"] == ["json"]
    resources = {r["type"]: r for r in statement["rest"][0]["resource"]}
    knowledge = resources["MedicationKnowledge"]
    assert {i["code"] for i in knowledge["interaction"]} == {"read", "search-type"}
    assert {p["name"] for p in knowledge["searchParam"]} == {"_id", "code"}
    uses = {p["name"]: p for p in resources["ClinicalUseDefinition"]["searchParam"]}
    assert {"subject", "product", "type", "effect", "context"} <= set(uses)
    # Every definition it names that is sidefx's own resolves on this server.
    own = [p["definition"] for p in uses.values() if p["definition"].startswith(client.url)]
    own += [r["profile"] for r in resources.values() if "profile" in r]
    for url in own:
        assert httpx.get(url, timeout=DEADLINE).status_code == 200, url
        _valid(httpx.get(url, timeout=DEADLINE).json())


@pytest.mark.parametrize(
    ("system", "code"),
    [("rxnorm", "900301"), ("atc", "X92AA05"), ("atc", "x92aa05"), (None, "900301")],
)
def test_medication_knowledge_is_found_by_its_rxnorm_or_atc_code(
    client: SyncFHIRClient, system: str | None, code: str
) -> None:
    token = f"{SYSTEMS[system]}|{code}" if system else code
    found = client.resources("MedicationKnowledge").search(code=token).fetch_all()
    assert [r.id for r in found] == ["atorvastatin"]
    _valid(_serialized(found[0]))
    codes = {(c["system"], c["code"]) for c in found[0]["code"]["coding"]}
    assert {(SYSTEMS["rxnorm"], "900301"), (SYSTEMS["atc"], "X91AA05")} <= codes


def test_an_ambiguous_drug_has_no_code_from_the_release(client: SyncFHIRClient) -> None:
    found = client.resources("MedicationKnowledge").search(code="900201").fetch_all()
    assert found == []


def test_a_medication_is_read_by_id_and_its_clinical_uses_paged_back_to_it(
    client: SyncFHIRClient,
) -> None:
    knowledge = client.reference("MedicationKnowledge", "clonazepam").to_resource()
    _valid(_serialized(knowledge))
    issues = [ref["reference"] for ref in knowledge["clinicalUseIssue"]]
    product = knowledge["definitional"]["definition"][0]["reference"]
    pages = client.resources("ClinicalUseDefinition").search(subject=product).limit(7)
    uses = pages.fetch_all()  # follows the Bundle's next links, 7 at a time
    assert len(uses) == pages.count() == len(issues) > 7
    assert [f"ClinicalUseDefinition/{u.id}" for u in uses] == issues
    assert {u["type"] for u in uses} == {
        "undesirable-effect",
        "indication",
        "interaction",
        "warning",
    }
    for use in uses:
        _valid(_serialized(use))
    subject = client.reference(reference=uses[0]["subject"][0]["reference"]).to_resource()
    _valid(_serialized(subject))
    assert (subject.resourceType, subject.id) == ("MedicinalProductDefinition", "clonazepam")


def test_clinical_uses_are_searched_by_type_context_and_effect_code(
    client: SyncFHIRClient,
) -> None:
    search = client.resources("ClinicalUseDefinition").search(product="clonazepam")
    withdrawal = search.search(context="withdrawal").fetch_all()
    assert withdrawal
    assert all(u["type"] == "undesirable-effect" for u in withdrawal)
    cramps = search.search(effect=f"{SYSTEMS['umls']}|C0023218")
    assert {_context(u) for u in cramps.fetch_all()} == {"side_effect", "withdrawal"}
    assert {_context(u) for u in cramps.search(context="withdrawal").fetch_all()} == {"withdrawal"}
    interactions = search.search(type="interaction").fetch_all()
    assert interactions
    assert {u["type"] for u in interactions} == {"interaction"}


def _context(use: Any) -> str:
    return str(next(e["valueCode"] for e in use["extension"] if e["url"].endswith("/context")))


def test_every_error_is_an_operation_outcome_with_its_status(base: str) -> None:
    cases = {
        f"{base}/MedicationKnowledge/nopeazole": 404,
        f"{base}/Patient/1": 404,
        f"{base}/MedicationKnowledge?_count=1000": 400,
        f"{base}/ClinicalUseDefinition?type=nonsense": 400,
        f"{base}/MedicationKnowledge?_format=xml": 406,
    }
    for url, status in cases.items():
        response = httpx.get(url, timeout=DEADLINE)
        assert response.status_code == status, url
        assert response.headers["content-type"] == "application/fhir+json"
        _valid(response.json())
    strict = {"Prefer": "handling=strict"}
    unknown = httpx.get(f"{base}/MedicationKnowledge?name=x", headers=strict)
    assert unknown.status_code == 400
    assert "unknown search parameter 'name'" in unknown.json()["issue"][0]["diagnostics"]
    xml = httpx.get(f"{base}/metadata", headers={"Accept": "application/fhir+xml"})
    assert xml.status_code == 406
    assert httpx.post(f"{base}/MedicationKnowledge", json={}).status_code == 405


def test_a_searchset_pages_with_total_and_links(base: str) -> None:
    first = httpx.get(f"{base}/ClinicalUseDefinition?product=clonazepam&_count=2").json()
    Bundle.model_validate(first)
    links = {link["relation"]: link["url"] for link in first["link"]}
    assert len(first["entry"]) == 2
    assert first["total"] > 2
    second = httpx.get(links["next"]).json()
    assert {link["relation"] for link in second["link"]} >= {"self", "previous"}
    assert not {e["fullUrl"] for e in first["entry"]} & {e["fullUrl"] for e in second["entry"]}


def test_an_unknown_parameter_is_ignored_leniently_and_said_so(base: str) -> None:
    bundle = httpx.get(f"{base}/MedicationKnowledge?code=900301&name=x").json()
    assert bundle["total"] == 1
    (self_link,) = [link["url"] for link in bundle["link"] if link["relation"] == "self"]
    assert "name=" not in self_link
    (outcome,) = [e["resource"] for e in bundle["entry"] if e["search"]["mode"] == "outcome"]
    assert "Ignored (not supported): name" in outcome["issue"][0]["diagnostics"]


def test_an_unknown_code_system_says_why_nothing_matched(base: str) -> None:
    bundle = httpx.get(f"{base}/MedicationKnowledge?code=http://snomed.info/sct|1").json()
    Bundle.model_validate(bundle)
    assert bundle["total"] == 0
    (outcome,) = [e["resource"] for e in bundle["entry"] if e["search"]["mode"] == "outcome"]
    assert "not one sidefx knows" in outcome["issue"][0]["diagnostics"]


def test_reads_revalidate_with_their_etag(base: str) -> None:
    first = httpx.get(f"{base}/MedicationKnowledge/clonazepam")
    again = httpx.get(
        f"{base}/MedicationKnowledge/clonazepam", headers={"If-None-Match": first.headers["etag"]}
    )
    assert (again.status_code, again.content) == (304, b"")
