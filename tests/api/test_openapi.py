"""The OpenAPI document says what the API does: problems, 304s, headers, descriptions."""

from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.anyio


@pytest.fixture
async def spec(client: httpx.AsyncClient) -> dict[str, Any]:
    return (await client.get("/openapi.json")).json()  # type: ignore[no-any-return]


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(p, m, op) for p, ops in spec["paths"].items() for m, op in ops.items()]


async def test_operation_ids_are_stable(spec: dict[str, Any]) -> None:
    ids = {op["operationId"] for _, _, op in _operations(spec)}
    assert {
        "list_drugs",
        "read_drug",
        "list_drug_effects",
        "read_drug_effect",
        "compare_drugs",
        "search_names",
        "list_effect_drugs",
        "read_vocabularies",
    } <= ids


async def test_every_error_is_problem_json_with_a_real_example(spec: dict[str, Any]) -> None:
    for path, _method, op in _operations(spec):
        for status, response in op["responses"].items():
            if int(status) >= 400:
                content = response["content"]
                assert list(content) == ["application/problem+json"], (path, status)
                examples = content["application/problem+json"]["examples"]
                for example in examples.values():
                    value = example["value"]
                    assert value["status"] == int(status)
                    assert value["type"].startswith("/v1/problems/")
                    # Each error names the parameter its message is about.
                    for error in value.get("errors", []):
                        assert error["loc"][-1] in value["detail"], (path, value)


async def test_every_read_declares_its_304_and_200_headers(spec: dict[str, Any]) -> None:
    for path, method, op in _operations(spec):
        if method != "get" or not path.startswith("/v1/"):
            continue
        responses = op["responses"]
        assert "304" in responses, path
        assert "content" not in responses["304"], path
        if path.startswith("/v1/problems"):
            continue
        assert {"ETag", "Cache-Control", "X-Request-ID", "Link"} <= set(
            responses["200"]["headers"]
        ), path


async def test_every_read_declares_if_none_match_as_a_header_parameter(
    spec: dict[str, Any],
) -> None:
    for path, method, op in _operations(spec):
        if method == "get" and path.startswith("/v1/"):
            headers = [p for p in op["parameters"] if p["in"] == "header"]
            assert [h["name"] for h in headers] == ["If-None-Match"], path
            assert headers[0]["required"] is False


async def test_a_problem_type_answers_304_as_declared(client: httpx.AsyncClient) -> None:
    first = await client.get("/v1/problems/unknown-drug")
    again = await client.get(
        "/v1/problems/unknown-drug", headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304


async def test_problem_errors_are_typed(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    errors = schemas["ProblemDetail"]["properties"]["errors"]["anyOf"][0]
    assert errors["items"] == {"$ref": "#/components/schemas/ProblemError"}
    assert set(schemas["ProblemError"]["required"]) == {"loc", "msg", "type"}


async def test_every_response_field_is_required_in_the_schema(spec: dict[str, Any]) -> None:
    # The API always sends every field (null where empty): generated clients need no Unset.
    schemas = spec["components"]["schemas"]
    for name in ("DrugEffectRecord", "Page_DrugEffectRecord_", "EffectMatrix", "PageLinks"):
        assert set(schemas[name]["required"]) == set(schemas[name]["properties"]), name


async def test_the_code_system_is_described(spec: dict[str, Any]) -> None:
    assert "ATC" in spec["components"]["schemas"]["CodeSystem"]["description"]


async def test_database_reads_declare_503_with_retry_after(spec: dict[str, Any]) -> None:
    drug = spec["paths"]["/v1/drugs/{drug}"]["get"]["responses"]["503"]
    assert "Retry-After" in drug["headers"]


async def test_almost_every_schema_property_is_described(spec: dict[str, Any]) -> None:
    properties = [
        (name, prop)
        for name, schema in spec["components"]["schemas"].items()
        for prop in schema.get("properties", {}).values()
    ]
    described = [p for _, p in properties if p.get("description") or ("$ref" in p and len(p) == 1)]
    missing = [
        n for n, p in properties if not (p.get("description") or ("$ref" in p and len(p) == 1))
    ]
    assert len(described) / len(properties) >= 0.95, missing


async def test_enum_schemas_carry_labels_and_definitions(spec: dict[str, Any]) -> None:
    band = spec["components"]["schemas"]["IncidenceBand"]
    assert ">= 10%" in band["description"]
    assert band["enum"][0] == "very_common"


async def test_query_parameters_are_described_with_their_limits(spec: dict[str, Any]) -> None:
    params = {p["name"]: p for p in spec["paths"]["/v1/drugs/{drug}/effects"]["get"]["parameters"]}
    assert all(p.get("description") for p in params.values())
    assert params["limit"]["schema"]["maximum"] == 100


async def test_compare_declares_a_comma_separated_list(spec: dict[str, Any]) -> None:
    params = spec["paths"]["/v1/compare"]["get"]["parameters"]
    drugs = next(p for p in params if p["name"] == "drugs")
    assert (drugs["style"], drugs["explode"], drugs["schema"]["maxItems"]) == ("form", False, 10)
