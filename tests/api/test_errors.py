"""The problem+json contract, request ids, and bad input that must never become a 500."""

import httpx
import pytest

pytestmark = pytest.mark.anyio

PROBLEM_FIELDS = {"type", "title", "status", "detail", "instance", "request_id"}


async def test_unknown_route_is_problem_json(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= PROBLEM_FIELDS
    assert body["instance"] == "/v1/nothing-here"
    assert body["request_id"] == response.headers["x-request-id"]


async def test_wrong_method_is_405_problem(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/drugs")
    assert response.status_code == 405
    assert response.json()["status"] == 405


async def test_validation_error_lists_errors_without_echoing_input(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/v1/drugs", params={"limit": "lots"})
    body = response.json()
    assert response.status_code == 422
    assert body["errors"][0]["loc"] == ["query", "limit"]
    assert "input" not in body["errors"][0]


async def test_sane_request_id_is_echoed(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"


async def test_insane_request_id_is_replaced(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "x" * 500})
    assert len(response.headers["x-request-id"]) == 32


async def test_every_response_links_the_disclaimer(client: httpx.AsyncClient) -> None:
    for path in ("/v1/drugs", "/v1/drugs/clonazepam", "/v1/nothing-here"):
        response = await client.get(path)
        assert '</v1/meta>; rel="describedby"' in response.headers["link"], path


async def test_list_link_header_keeps_pagination_and_disclaimer(client: httpx.AsyncClient) -> None:
    link = (await client.get("/v1/drugs", params={"limit": 1})).headers["link"]
    assert 'rel="next"' in link
    assert 'rel="describedby"' in link


HOSTILE = [
    "x" * 201,
    "' OR 1=1 --",
    "clonazepam'; DROP TABLE drug; --",
    "%",
    "_",
    "\\",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "クロナゼパム",
    "😀",
    "%00",
    " ",
]
PATHS = [
    "/v1/drugs/{}",
    "/v1/drugs/{}/effects",
    "/v1/drugs/clonazepam/effects/{}",
    "/v1/effects/{}",
    "/v1/effects/{}/drugs",
    "/v1/sources/{}",
]


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("template", PATHS)
async def test_hostile_path_values_never_500(
    client: httpx.AsyncClient, template: str, value: str
) -> None:
    response = await client.get(template.format(value))
    assert response.status_code in {404, 422}, response.text
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("value", [*HOSTILE, "x" * 101, ""])
@pytest.mark.parametrize("param", ["q", "drug_class"])
async def test_hostile_query_values_never_500(
    client: httpx.AsyncClient, param: str, value: str
) -> None:
    response = await client.get("/v1/drugs", params={param: value})
    assert response.status_code in {200, 422}, response.text


@pytest.mark.parametrize(
    "params", [{"offset": 10**12}, {"offset": "1e3"}, {"limit": 10**30}, {"limit": "-0"}]
)
async def test_out_of_range_pages_are_422(
    client: httpx.AsyncClient, params: dict[str, str | int]
) -> None:
    response = await client.get("/v1/effects", params=params)
    assert response.status_code == 422


async def test_too_long_query_states_the_limit(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/effects", params={"q": "a" * 101})
    assert response.status_code == 422
    assert "100" in response.json()["detail"]
