"""FHIR built as plain data and written with orjson (issue 30): every resource kind still
validates as fhir.resources R5 and is exactly what fhir.resources would write for it (its
model's dump equals ours), a Bundle is byte for byte the same across requests, and the
resources say what they said when fhir.resources built them (golden, compared as JSON: key
order is not meaning).

When the seed or the fixtures change on purpose, write the golden answers again with
`SIDEFX_WRITE_GOLDEN=1 .venv/bin/pytest tests/api/test_fhir_plain_data.py` and review the diff.
"""

import json
import os
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from fhir.resources import get_fhir_model_class
from sqlalchemy.orm import Session

from app.importers.sider.load import import_sider
from tests.conftest import SIDER_FIXTURES

pytestmark = pytest.mark.anyio
GOLDEN = Path(__file__).parent / "golden" / "fhir.json"
BUNDLES = [
    "/v1/drugs/clonazepam/fhir",
    "/v1/drugs/diazepam/fhir",
    "/v1/drugs/baclofen/fhir",
    "/v1/drugs/atorvastatin/fhir",
    "/v1/drugs/zorbatinib/fhir",
    "/v1/drugs/zorbatinib/fhir?include_flagged=true",
    "/v1/drugs/quellofen/fhir",
    "/v1/drugs/quellofen-sodium/fhir?include_flagged=true",
]
REST = [
    "/fhir/MedicationKnowledge/clonazepam",
    "/fhir/MedicinalProductDefinition/clonazepam",
    "/fhir/MedicationKnowledge?_count=3",
    "/fhir/MedicationKnowledge?code=N03AE01",
    "/fhir/ClinicalUseDefinition?subject=MedicinalProductDefinition/clonazepam&_count=100",
    "/fhir/ClinicalUseDefinition?subject=MedicinalProductDefinition/zorbatinib&_count=100",
    "/fhir/ClinicalUseDefinition?type=warning,interaction&_count=7&_offset=2",
    "/fhir/ClinicalUseDefinition?context=withdrawal&_count=50",
    "/fhir/ClinicalUseDefinition?effect=C2830004&bogus=1",
]
KINDS = {
    "MedicationKnowledge",
    "MedicinalProductDefinition",
    "ClinicalUseDefinition/undesirable-effect",
    "ClinicalUseDefinition/indication",
    "ClinicalUseDefinition/interaction",
    "ClinicalUseDefinition/warning",
    "OperationOutcome",
}


async def _get(client: httpx.AsyncClient, path: str) -> bytes:
    response = await client.get(path)
    assert response.status_code == 200, (path, response.text)
    assert response.headers["content-type"] == "application/fhir+json"
    return response.content


def _kind(resource: dict[str, Any]) -> str:
    kind = str(resource["resourceType"])
    return f"{kind}/{resource['type']}" if kind == "ClinicalUseDefinition" else kind


@pytest.fixture
async def answers(session: Session, client: httpx.AsyncClient) -> dict[str, bytes]:
    import_sider(session, SIDER_FIXTURES)
    return {path: await _get(client, path) for path in [*BUNDLES, *REST]}


async def test_every_resource_kind_is_what_fhir_resources_writes_for_it(
    answers: dict[str, bytes],
) -> None:
    seen = set()
    for path, body in answers.items():
        data = json.loads(body)
        for resource in [data, *(e["resource"] for e in data.get("entry", []))]:
            model = get_fhir_model_class(resource["resourceType"]).model_validate(resource)
            assert model.model_dump(mode="json", exclude_none=True) == resource, path
            seen.add(_kind(resource))
    assert seen >= KINDS


async def test_a_bundle_is_the_same_bytes_on_every_request(
    answers: dict[str, bytes], client: httpx.AsyncClient
) -> None:
    for path in BUNDLES[:2] + BUNDLES[-2:] + REST[4:6]:
        assert await _get(client, path) == answers[path], path


def _numbered(bodies: dict[str, bytes]) -> dict[str, Any]:
    """The answers with row ids (`ue-<record id>` ...) numbered in order of appearance: ids
    differ between databases (PostgreSQL's sequences do not roll back)."""
    names: dict[str, str] = {}

    def name(match: re.Match[str]) -> str:
        return names.setdefault(match.group(0), f"{match.group(1)}-#{len(names)}")

    text = json.dumps({path: json.loads(body) for path, body in bodies.items()})
    return json.loads(re.sub(r"\b(ue|in|wa)-\d+\b", name, text))  # type: ignore[no-any-return]


async def test_resources_say_what_they_said_when_fhir_resources_built_them(
    answers: dict[str, bytes],
) -> None:
    parsed = _numbered(answers)
    if os.environ.get("SIDEFX_WRITE_GOLDEN") == "1":
        GOLDEN.write_text(json.dumps(parsed, indent=1, ensure_ascii=False) + "\n")
    golden = json.loads(GOLDEN.read_text())
    assert list(parsed) == list(golden)
    for path, data in parsed.items():
        assert data == golden[path], path
