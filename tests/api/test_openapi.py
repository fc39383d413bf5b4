"""The OpenAPI document: stable operation ids, problem+json errors, stated limits."""

from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute
from pydantic import TypeAdapter

from app.api import health_router, resource_routers
from app.openapi import EXAMPLES

pytestmark = pytest.mark.anyio

# Generated clients turn these into method names: renaming one is a breaking change.
OPERATION_IDS = {
    "compare_drugs", "healthz", "list_drug_effects", "list_drugs", "list_effect_drugs",
    "list_effects", "list_sources", "read_drug", "read_drug_contexts", "read_drug_effect",
    "read_effect", "read_meta", "read_source", "readyz", "search_names",
}  # fmt: skip


async def _spec(client: httpx.AsyncClient) -> Any:
    return (await client.get("/openapi.json")).json()["paths"]


async def test_operation_ids_are_stable(client: httpx.AsyncClient) -> None:
    paths = await _spec(client)
    ids = [op["operationId"] for ops in paths.values() for op in ops.values()]
    assert set(ids) == OPERATION_IDS
    assert len(ids) == len(set(ids))


async def test_every_error_response_is_problem_json(client: httpx.AsyncClient) -> None:
    for path, ops in (await _spec(client)).items():
        for op in ops.values():
            responses = op["responses"]
            assert "500" in responses, path
            for status, response in responses.items():
                if int(status) >= 400:
                    assert list(response["content"]) == ["application/problem+json"], (path, status)


async def test_parameters_state_their_limits(client: httpx.AsyncClient) -> None:
    params = {p["name"]: p for p in (await _spec(client))["/v1/drugs"]["get"]["parameters"]}
    assert params["limit"]["schema"]["maximum"] == 100
    assert params["q"]["schema"]["anyOf"][0]["maxLength"] == 100


async def test_compare_declares_a_comma_separated_list(client: httpx.AsyncClient) -> None:
    params = (await _spec(client))["/v1/compare"]["get"]["parameters"]
    drugs = next(p for p in params if p["name"] == "drugs")
    assert drugs["style"] == "form"
    assert drugs["explode"] is False
    assert drugs["schema"]["maxItems"] == 10


async def test_compare_also_accepts_repeated_parameters(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/compare", params={"drugs": ["Valium", "baclofen"]})
    assert [d["slug"] for d in response.json()["drugs"]] == ["diazepam", "baclofen"]


async def test_every_operation_has_a_success_example(client: httpx.AsyncClient) -> None:
    for path, ops in (await _spec(client)).items():
        for op in ops.values():
            content = op["responses"]["200"]["content"]["application/json"]
            assert "example" in content, path


def test_examples_match_their_response_models() -> None:
    checked = 0
    for route in [r for router in (*resource_routers, health_router) for r in router.routes]:
        if isinstance(route, APIRoute) and route.name in EXAMPLES and route.response_model:
            TypeAdapter(route.response_model).validate_python(EXAMPLES[route.name])
            checked += 1
    assert checked == len(EXAMPLES)
