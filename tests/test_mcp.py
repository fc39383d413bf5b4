"""The MCP tools through the SDK's own client, over stdio (`sidefx mcp` spawned as a
subprocess) and over streamable HTTP (/mcp of the app on a real uvicorn on loopback), against
one seeded database: each tool answers what the JSON API answers, with the disclaimer."""

import json
import socket
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from mcp import Client, StdioServerParameters
from mcp.types import CallToolResult

from app.main import create_app
from app.schemas.common import DISCLAIMER
from tests.conftest import seeded, separate_database, settings_for

pytestmark = pytest.mark.anyio
DEADLINE = 60.0
SIDEFX = str(Path(sys.executable).parent / "sidefx")
TOOLS = {"drug_effects_by_context", "compare_drugs", "explain_symptom", "lookup_by_code"}
SYMPTOM_CHECK = {
    "symptom": "leg cramps",
    "symptom_started_on": "2026-01-20",
    "medications": [
        {"drug": "Klonopin", "status": "stopped", "changed_on": "2026-01-15"},
        {"drug": "baclofen", "status": "taking", "started_on": "2025-06-01"},
    ],
}
# tool call -> the same question to the JSON API
CALLS = [
    (("drug_effects_by_context", {"drug": "clonazepam", "context": "withdrawal"}),
     ("GET", "/v1/drugs/clonazepam/effects?context=withdrawal", None)),
    (("compare_drugs", {"drugs": ["clonazepam", "baclofen"], "limit": 5}),
     ("GET", "/v1/compare?drugs=clonazepam,baclofen&limit=5", None)),
    (("explain_symptom", SYMPTOM_CHECK), ("POST", "/v1/symptom-check", SYMPTOM_CHECK)),
    (("lookup_by_code", {"system": "rxnorm", "code": "2598"}),
     ("GET", "/v1/lookup?system=rxnorm&code=2598", None)),
]  # fmt: skip


@pytest.fixture(scope="module")
def served(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """(database URL, app base URL): a seeded database and the app serving it."""
    with separate_database(database_url, tmp_path_factory.mktemp("mcp"), "mcp") as url:
        seeded(url).dispose()
        with socket.socket() as listener:
            listener.bind(("127.0.0.1", 0))
            base = f"http://127.0.0.1:{listener.getsockname()[1]}"
            app = create_app(settings_for(url, response_cache=False))
            server = uvicorn.Server(uvicorn.Config(app, log_config=None, lifespan="on"))
            thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]})
            thread.start()
            deadline = time.monotonic() + DEADLINE
            while not server.started and time.monotonic() < deadline and thread.is_alive():
                time.sleep(0.05)
            assert server.started, "the server did not start"
            try:
                yield url, base
            finally:
                server.should_exit = True
                thread.join(DEADLINE)


@pytest.fixture(params=["stdio", "http"])
async def mcp(request: pytest.FixtureRequest, served: tuple[str, str]) -> AsyncIterator[Client]:
    url, base = served
    if request.param == "stdio":
        env = {"SIDEFX_DATABASE_URL": url, "SIDEFX_LOG_LEVEL": "WARNING"}
        target: Any = StdioServerParameters(command=SIDEFX, args=["mcp"], env=env)
    else:
        target = f"{base}/mcp"
    async with Client(target, read_timeout_seconds=DEADLINE) as client:
        yield client


def data(result: CallToolResult) -> dict[str, Any]:
    assert not result.is_error, result.content
    assert isinstance(result.structured_content, dict)
    text = result.content[0]
    assert text.type == "text"
    assert json.loads(text.text) == result.structured_content
    return result.structured_content


def without_links(value: Any) -> Any:
    """Page links name the URL asked; the tools answer no URL."""
    if isinstance(value, dict):
        return {k: without_links(v) for k, v in value.items() if k != "links"}
    if isinstance(value, list):
        return [without_links(v) for v in value]
    return value


async def test_lists_the_four_tools_with_descriptions_and_bounded_inputs(mcp: Client) -> None:
    tools = {t.name: t for t in (await mcp.list_tools()).tools}
    assert set(tools) == TOOLS
    assert all(t.description and "Same data as" in t.description for t in tools.values())
    drugs = tools["compare_drugs"].input_schema["properties"]["drugs"]
    assert (drugs["minItems"], drugs["maxItems"]) == (2, 10)
    medications = tools["explain_symptom"].input_schema["properties"]["medications"]
    assert medications["maxItems"] == 20


@pytest.mark.parametrize(("tool", "api"), CALLS, ids=[c[0][0] for c in CALLS])
async def test_each_tool_answers_what_the_json_api_answers_with_the_disclaimer(
    mcp: Client, served: tuple[str, str], tool: tuple[str, Any], api: tuple[str, str, Any]
) -> None:
    answer = data(await mcp.call_tool(*tool))
    assert answer["disclaimer"] == DISCLAIMER
    method, path, body = api
    async with httpx.AsyncClient(base_url=served[1], timeout=DEADLINE) as http:
        expected = (await http.request(method, path, json=body)).json()
    expected.setdefault("disclaimer", DISCLAIMER)
    assert without_links(answer) == without_links(expected)


async def test_explain_symptom_ranks_clonazepam_withdrawal_first_with_citations(
    mcp: Client,
) -> None:
    answer = data(await mcp.call_tool("explain_symptom", SYMPTOM_CHECK))
    first = answer["explanations"][0]
    assert (first["drug"]["slug"], first["context"]) == ("clonazepam", "withdrawal")
    assert first["record"]["onset"]["cites"]


async def test_an_unknown_drug_is_a_tool_error_carrying_the_api_problem(mcp: Client) -> None:
    result = await mcp.call_tool("drug_effects_by_context", {"drug": "nosuchdrug"})
    assert result.is_error
    problem = json.loads(result.content[0].text)  # type: ignore[union-attr]
    assert (problem["status"], problem["title"]) == (404, "Unknown drug")


async def test_inputs_past_the_api_limits_are_refused(mcp: Client) -> None:
    eleven = [f"drug{i}" for i in range(11)]
    assert (await mcp.call_tool("compare_drugs", {"drugs": eleven})).is_error
    assert (await mcp.call_tool("lookup_by_code", {"system": "atc", "code": "x" * 101})).is_error
    assert (await mcp.call_tool("drug_effects_by_context", {"drug": "x", "limit": 101})).is_error
