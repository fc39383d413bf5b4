"""Problems: typed, problem+json everywhere, never a traceback; strict parameters."""

import json

import httpx
import pytest

pytestmark = pytest.mark.anyio


async def test_unknown_route_is_a_not_found_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/nope")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "/v1/problems/not-found"
    assert body["request_id"] == response.headers["x-request-id"]


async def test_a_trailing_slash_is_a_404_not_a_redirect_built_from_host(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/v1/drugs/", headers={"Host": "evil.example"})
    assert response.status_code == 404
    assert "location" not in response.headers


async def test_wrong_method_is_a_405_problem(client: httpx.AsyncClient) -> None:
    response = await client.delete("/v1/drugs")
    assert response.status_code == 405
    assert response.json()["type"] == "/v1/problems/method-not-allowed"


async def test_validation_errors_list_each_field_with_its_limit(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/drugs?limit=500&offset=-1")
    body = response.json()
    assert body["type"] == "/v1/problems/invalid-parameter"
    by_field = {tuple(e["loc"]): e for e in body["errors"]}
    assert by_field["query", "limit"]["limit"] == 100
    assert by_field["query", "offset"]["limit"] == 0
    # The input is not echoed (the request id is random hex: it may hold "500" by chance).
    echoed = {k: v for k, v in body.items() if k != "request_id"}
    assert "500" not in json.dumps(echoed).replace("limit=500", "")


@pytest.mark.parametrize(
    "path",
    [
        "/v1/drugs?contxt=withdrawal",
        "/v1/drugs/clonazepam/effects?contxt=x",
        "/v1/search?q=a&qq=b",
        "/v1/meta?x=1",
        "/healthz?x=1",
    ],
)
async def test_unknown_query_parameters_are_a_problem_naming_them(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path)
    assert response.status_code == 422
    body = response.json()
    assert body["type"] == "/v1/problems/unknown-parameter"
    assert body["errors"][0]["loc"][0] == "query"
    assert body["errors"][0]["loc"][1] in path


async def test_a_single_valued_parameter_given_twice_is_a_problem(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get(
        "/v1/drugs/clonazepam/effects?context=withdrawal&context=side_effect"
    )
    body = response.json()
    assert body["type"] == "/v1/problems/repeated-parameter"
    assert body["errors"] == [
        {
            "loc": ["query", "context"],
            "msg": "Query parameter 'context' takes one value; it was given more than once.",
            "type": "repeated_parameter",
        }
    ]


async def test_sane_request_ids_are_echoed_and_others_replaced(client: httpx.AsyncClient) -> None:
    sane = await client.get("/v1/meta", headers={"X-Request-ID": "abc-123"})
    assert sane.headers["x-request-id"] == "abc-123"
    insane = await client.get("/v1/meta", headers=[(b"X-Request-ID", b"bad id\xe9")])
    assert insane.headers["x-request-id"].isalnum()


async def test_every_response_links_the_disclaimer(client: httpx.AsyncClient) -> None:
    for path in ("/v1/meta", "/v1/nope", "/healthz"):
        link = (await client.get(path)).headers["link"]
        assert '</v1/meta>; rel="describedby"' in link


@pytest.mark.parametrize(
    "path",
    [
        "/v1/drugs/%EF%BD%83%EF%BD%8C%EF%BD%8F%EF%BD%8E%EF%BD%81%EF%BD%9A%EF%BD%85%EF%BD%90%EF%BD%81%EF%BD%8D/effects?limit=1",
        "/v1/drugs/clonazepam%E2%80%8B/effects?limit=1",
        "/v1/effects/nausea%CC%81/drugs",
        "/v1/drugs/caf%C3%A9/effects",
        "/v1/drugs/a%20b/effects",
        "/v1/effects/leg%20cramps/drugs?limit=1",
    ],
)
async def test_names_that_are_not_latin1_never_break_the_link_header(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path)
    assert response.status_code in (200, 404)
    link = response.headers["link"]
    assert link.isascii()
    assert " " not in link.split(";")[0]


@pytest.mark.parametrize(
    "path",
    [
        "/v1/drugs/%00",
        "/v1/drugs/" + "x" * 201,
        "/v1/effects/%7F",
        "/v1/sources/%0A",
        "/v1/drugs/clonazepam/effects/" + "y" * 300,
    ],
)
async def test_hostile_path_values_are_problems_never_500(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path)
    assert response.status_code in (404, 422)
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "query", ["q=%00", "q=" + "x" * 101, "limit=abc", "offset=10001", "drug_class=%01"]
)
async def test_hostile_query_values_are_422_stating_the_rule(
    client: httpx.AsyncClient, query: str
) -> None:
    response = await client.get(f"/v1/drugs?{query}")
    assert response.status_code == 422
    assert response.json()["errors"]


SYMPTOM_CHECK = {"symptom": "leg cramps", "medications": [{"drug": "Klonopin", "status": "taking"}]}


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
async def test_a_body_that_is_not_sent_as_json_is_a_415_problem(
    client: httpx.AsyncClient, content_type: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = await client.post(
        "/v1/symptom-check", content=json.dumps(SYMPTOM_CHECK).encode(), headers=headers
    )
    assert response.status_code == 415
    assert response.json()["type"] == "/v1/problems/unsupported-media-type"
    assert "application/json" in response.json()["detail"]


async def test_a_body_that_is_not_utf8_is_a_400_problem_declared_in_openapi(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/v1/symptom-check",
        content=b'{"symptom": "\xff"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["type"] == "/v1/problems/bad-request"
    declared = (await client.get("/openapi.json")).json()["paths"]["/v1/symptom-check"]["post"]
    for status in ("400", "415"):
        assert "application/problem+json" in declared["responses"][status]["content"], status


@pytest.mark.parametrize("started_on", [0, 1_700_000_000, "1700000000", True])
async def test_a_date_that_is_not_an_iso_string_is_a_422(
    client: httpx.AsyncClient, started_on: object
) -> None:
    """`0` once passed as 1970-01-01 (and a timestamp as its day)."""
    body = {**SYMPTOM_CHECK, "symptom_started_on": started_on}
    response = await client.post("/v1/symptom-check", json=body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "symptom_started_on"]


async def test_a_validators_message_comes_without_the_librarys_prefix(
    client: httpx.AsyncClient,
) -> None:
    body = {
        "symptom": "leg cramps",
        "medications": [{"drug": "baclofen", "status": "taking", "changed_on": "2026-01-02"}],
    }
    problem = (await client.post("/v1/symptom-check", json=body)).json()
    (error,) = problem["errors"]
    assert error["msg"] == "changed_on is only for stopped or dose_reduced medications"
    assert error["type"] == "value_error"
    assert "Value error" not in problem["detail"]
