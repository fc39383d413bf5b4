"""The OpenAPI document's examples are real: each 200 example is what the seeded API answers
for its URL, and each problem example is one the operation answers when asked the way the
example says.

After a change of the seed or of a shape, rewrite the 200 examples with
`SIDEFX_WRITE_EXAMPLES=1 .venv/bin/pytest tests/api/test_openapi_examples.py` and review the
diff of app/api/openapi_examples.json.
"""

import json
import os
from typing import Any

import httpx
import pytest

from app.api.symptom_check import EXAMPLE as SYMPTOM_CHECK
from app.openapi.document import EXAMPLES
from app.openapi.problem_examples import UNKNOWN_VALUES

pytestmark = pytest.mark.anyio

# operation id -> the request its 200 example answers (small pages keep the document small).
REQUESTS = {
    "list_drugs": "/v1/drugs?q=clonazepam",
    "read_drug": "/v1/drugs/baclofen",
    "list_drug_effects": "/v1/drugs/clonazepam/effects?context=withdrawal&limit=1",
    "read_drug_effect": "/v1/drugs/clonazepam/effects/leg-cramps",
    "read_drug_contexts": "/v1/drugs/clonazepam/contexts?multi_context_only=true&limit=1",
    "list_effects": "/v1/effects?q=cramp&limit=2",
    "read_effect": "/v1/effects/muscle-spasms",
    "list_effect_drugs": "/v1/effects/leg-cramps/drugs?limit=1",
    "list_sources": "/v1/sources?limit=2",
    "read_source": "/v1/sources/clonazepam-leg-cramps",
    "compare_drugs": "/v1/compare?drugs=clonazepam,cyclobenzaprine&limit=1",
    "search_names": "/v1/search?q=klonopn&limit=3",
    "check_symptom": "POST /v1/symptom-check",
    "lookup_code": "/v1/lookup?system=atc&code=N03AE01",
    "read_export_manifest": "/v1/export/manifest.json",
    "read_meta": "/v1/meta",
    "read_vocabularies": "/v1/vocabularies",
    "read_problem_type": "/v1/problems/unknown-drug",
    "healthz": "/healthz",
}
# Values of the moment a database was loaded, not of its data: compared by type.
VOLATILE = {"data_version", "loaded_at", "checksum"}
# Valid values of required query parameters, so a request fails for the example's reason only.
REQUIRED = {"drugs": "clonazepam,baclofen", "q": "klonopn", "system": "atc", "code": "N03AE01"}
PATH_VALUES = {
    "drug": "clonazepam",
    "effect": "leg-cramps",
    "source": "clonazepam-leg-cramps",
    "kind": "drugs",
}


async def _answer(client: httpx.AsyncClient, request: str) -> httpx.Response:
    if request.startswith("POST "):
        return await client.post(request.removeprefix("POST "), json=SYMPTOM_CHECK)
    return await client.get(request)


def _same(example: Any, answer: Any, where: str = "") -> None:
    if isinstance(example, dict) and isinstance(answer, dict):
        assert list(example) == list(answer), where
        for key in example:
            if key in VOLATILE:
                assert type(example[key]) is type(answer[key]), f"{where}.{key}"
            else:
                _same(example[key], answer[key], f"{where}.{key}")
    elif isinstance(example, list) and isinstance(answer, list):
        assert len(example) == len(answer), where
        for i, (e, a) in enumerate(zip(example, answer, strict=True)):
            _same(e, a, f"{where}[{i}]")
    else:
        assert example == answer, where


async def test_every_200_example_is_what_the_seeded_api_answers(
    client: httpx.AsyncClient,
) -> None:
    answers = {}
    for operation, request in REQUESTS.items():
        response = await _answer(client, request)
        assert response.status_code == 200, (request, response.text)
        answers[operation] = {"request": request, "value": response.json()}
    if os.environ.get("SIDEFX_WRITE_EXAMPLES"):
        EXAMPLES.write_text(json.dumps(answers, indent=1, ensure_ascii=False) + "\n")
    stored = json.loads(EXAMPLES.read_text())
    assert set(stored) == set(REQUESTS)
    for operation, answer in answers.items():
        assert stored[operation]["request"] == answer["request"], operation
        _same(stored[operation]["value"], answer["value"], operation)


async def test_every_json_200_has_an_example(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    missing = [
        op["operationId"]
        for ops in spec["paths"].values()
        for op in ops.values()
        if "application/json" in op["responses"].get("200", {}).get("content", {})
        and "example" not in op["responses"]["200"]["content"]["application/json"]
    ]
    # readyz's 200 is {"status": "ready"}; FHIR resources are typed by their own profile.
    assert [m for m in missing if "fhir" not in m] == ["readyz"]


def _problem_request(path: str, operation: dict[str, Any], example: dict[str, Any]) -> str:
    """The request that should earn EXAMPLE (a 422 of this operation)."""
    required = [
        f"{p['name']}={REQUIRED[p['name']]}"
        for p in operation.get("parameters", [])
        if p["in"] == "query" and p.get("required")
    ]
    filled = path.format(**PATH_VALUES) + "?" + "&".join(required)
    kind = example["type"].rsplit("/", 1)[1]
    error = example["errors"][0]
    where, name = error["loc"][0], error["loc"][1]
    if kind == "unknown-parameter":
        return f"{filled}&{name}=x"
    if kind == "repeated-parameter":
        return f"{filled}&{name}=1&{name}=1"
    if name in UNKNOWN_VALUES and error["type"] == "value_error":
        return f"{filled}&{name}=nope"
    if kind in ("too-many-drugs", "too-few-drugs"):
        count = 11 if kind == "too-many-drugs" else 1
        return f"{path}?drugs={','.join(['clonazepam'] * count)}"
    too_long = "x" * (int(error["limit"]) + 1)
    if where == "path":
        return path.replace("{" + name + "}", too_long).format(**PATH_VALUES)
    value = int(error["limit"]) + 1 if error["type"] == "less_than_equal" else too_long
    return f"{filled}&{name}={value}"


async def test_every_problem_example_is_one_the_operation_answers(
    client: httpx.AsyncClient,
) -> None:
    spec = (await client.get("/openapi.json")).json()
    checked = 0
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method != "get" or not path.startswith("/v1/"):
                continue
            content = operation["responses"]["422"]["content"]["application/problem+json"]
            for example in (e["value"] for e in content["examples"].values()):
                request = _problem_request(path, operation, example)
                response = await client.get(request)
                body = response.json()
                assert response.status_code == 422, request
                assert body["type"] == example["type"], request
                if body["errors"][0]["loc"][-1] == "drug_class":  # its detail lists the classes
                    assert body["errors"][0]["loc"] == example["errors"][0]["loc"], request
                    checked += 1
                    continue
                assert body["errors"] == example["errors"], request
                assert body["detail"] == example["detail"], request
                checked += 1
    assert checked > 40


async def test_operations_without_a_limit_show_no_limit_problem(
    client: httpx.AsyncClient,
) -> None:
    spec = (await client.get("/openapi.json")).json()

    def invalid(path: str) -> list[dict[str, Any]]:
        examples = spec["paths"][path]["get"]["responses"]["422"]["content"][
            "application/problem+json"
        ]["examples"]
        return [e["value"] for e in examples.values()]

    assert "invalid-parameter" not in {e["type"].rsplit("/", 1)[1] for e in invalid("/v1/meta")}
    drug = next(e for e in invalid("/v1/drugs/{drug}") if e["type"].endswith("invalid-parameter"))
    assert drug["errors"][0]["loc"] == ["path", "drug"]
    search = next(e for e in invalid("/v1/search") if e["type"].endswith("invalid-parameter"))
    assert search["errors"][0]["limit"] == 50
