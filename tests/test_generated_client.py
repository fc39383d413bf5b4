"""Clients generated from our OpenAPI document run the issue's flow (#35) against a real server
on loopback, with no casts, no hand-parsed headers and no hand-written types: search, the drug,
every page of its withdrawal effects then a 304, compare, a symptom check, three problems, the
export manifest and an export. Python: openapi-python-client; TypeScript: openapi-typescript
and openapi-fetch (tests/contract/client.ts, run where node and its packages are installed).
"""

import importlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.api.symptom_check import EXAMPLE as SYMPTOM_CHECK
from app.main import create_app
from tests.conftest import ROOT, seeded, separate_database
from tests.servers import ServerProcess, server_env, server_process, sidefx_serve

pytestmark = pytest.mark.slow  # starts a server
BIN = Path(sys.executable).parent
CONTRACT = ROOT / "tests" / "contract"
DEADLINE = 60.0
# The one generator option the flow needs: openapi-python-client reads NDJSON as bytes.
CONFIG = "content_type_overrides:\n  application/x-ndjson: application/octet-stream\n"


def _ready(server: ServerProcess) -> bool:
    try:
        return httpx.get(f"{server.base_url}/readyz", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="module")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`sidefx serve` on loopback over a freshly seeded database of its own."""
    directory = tmp_path_factory.mktemp("served")
    with separate_database(database_url, directory, "client") as url:
        seeded(url).dispose()
        with server_process(sidefx_serve, server_env(url), ready=_ready) as served:
            yield served.base_url


@pytest.fixture(scope="module")
def client_package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    workdir = tmp_path_factory.mktemp("generated")
    spec = workdir / "openapi.json"
    spec.write_text(json.dumps(create_app().openapi()))
    (workdir / "config.yaml").write_text(CONFIG)
    generated = subprocess.run(
        [
            str(BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(spec),
            "--config",
            str(workdir / "config.yaml"),
            "--meta",
            "none",
            "--output-path",
            str(workdir / "sidefx_client"),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": f"{BIN}:{os.environ.get('PATH', '')}"},
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "Warning" not in generated.stdout, generated.stdout  # no operation left out
    sys.path.insert(0, str(workdir))
    try:
        yield importlib.import_module("sidefx_client")
    finally:
        sys.path.remove(str(workdir))
        for name in [m for m in sys.modules if m.startswith("sidefx_client")]:
            del sys.modules[name]


def _api(name: str) -> Any:
    return importlib.import_module(f"sidefx_client.api.{name}")


def _model(name: str) -> Any:
    return importlib.import_module("sidefx_client.models").__dict__[name]


def test_the_python_client_runs_the_flow(client_package: Any, server: str) -> None:
    with client_package.Client(base_url=server, raise_on_unexpected_status=True) as client:
        _flow(client_package, client)


def _flow(client_package: Any, client: Any) -> None:
    hit = _api("search.search_names").sync(client=client, q="klonopn").items[0]
    assert hit.slug == "clonazepam"
    drug = _api("drugs.read_drug").sync(client=client, drug=hit.slug)
    assert drug.attributes.dependence_risk.value == "high"

    effects = _api("drugs.list_drug_effects")
    withdrawal = _model("Context").WITHDRAWAL
    records: list[Any] = []
    offset: int | None = 0
    first: Any = None
    while offset is not None:
        page = effects.sync_detailed(
            client=client, drug=hit.slug, context=withdrawal, limit=2, offset=offset
        )
        first = first or page
        records += page.parsed.items
        offset = page.parsed.links.next_.offset if page.parsed.links.next_ else None
    assert len(records) == first.parsed.total > 2
    again = effects.sync_detailed(
        client=client,
        drug=hit.slug,
        context=withdrawal,
        limit=2,
        offset=0,
        if_none_match=first.headers["etag"],
    )
    assert (again.status_code, again.parsed) == (HTTPStatus.NOT_MODIFIED, None)

    compared = _api("compare.compare_drugs").sync(
        client=client, drugs=[hit.slug, "cyclobenzaprine", "baclofen"]
    )
    assert compared.summary.shared_by_all.count == len(compared.summary.shared_by_all.effects)
    assert compared.effects.links.next_.offset == 20

    body = _model("SymptomCheckInput").from_dict(SYMPTOM_CHECK)
    checked = _api("symptom_check.check_symptom").sync(client=client, body=body)
    best = checked.explanations[0]
    assert (best.drug.slug, best.context.value, best.timing.verdict.value) == (
        "clonazepam",
        "withdrawal",
        "fits",
    )

    unknown = _api("drugs.read_drug").sync(client=client, drug="klonopn")
    assert (unknown.type_, unknown.suggestions) == ("/v1/problems/unknown-drug", ["clonazepam"])
    single = _api("compare.compare_drugs").sync(client=client, drugs=[hit.slug])
    assert single.type_ == "/v1/problems/too-few-drugs"
    invalid = _api("search.search_names").sync(client=client, q="a", limit=51)
    (error,) = invalid.errors
    assert (error.loc, error.type_, error.limit) == (["query", "limit"], "less_than_equal", 50)

    manifest = _api("clinical_integration.read_export_manifest").sync(client=client)
    (drugs_file,) = [f for f in manifest.files if f.name == "drugs.ndjson"]
    exported = _api("clinical_integration.export_records").sync(
        client=client, kind=_model("ExportRecordsKind").DRUGS
    )
    lines = [json.loads(line) for line in exported.payload]
    assert lines[-1] == {
        "end": True,
        "count": drugs_file.records,
        "data_version": manifest.data_version,
    }
    assert len(lines) == drugs_file.records + 1


def test_the_python_clients_default_parameters_share_the_bare_urls_etag(
    client_package: Any, server: str
) -> None:
    with client_package.Client(base_url=server, raise_on_unexpected_status=True) as client:
        sent = _api("drugs.list_drug_effects").sync_detailed(client=client, drug="clonazepam")
    bare = httpx.get(f"{server}/v1/drugs/clonazepam/effects")
    assert sent.headers["etag"] == bare.headers["etag"]


@pytest.mark.skipif(
    shutil.which("node") is None or not (CONTRACT / "node_modules").is_dir(),
    reason="node and tests/contract's packages (npm ci there) are not installed",
)
def test_the_typescript_client_type_checks_and_runs_the_flow(server: str, tmp_path: Path) -> None:
    (tmp_path / "openapi.json").write_text(json.dumps(create_app().openapi()))
    shutil.copy(CONTRACT / "client.ts", tmp_path / "client.ts")
    (tmp_path / "node_modules").symlink_to(CONTRACT / "node_modules")
    (tmp_path / "run.mjs").write_text(
        'import { flow } from "./out/client.js";\n'
        "console.log(JSON.stringify(await flow(process.argv[2])));\n"
    )
    tools = tmp_path / "node_modules" / ".bin"
    steps = [
        [str(tools / "openapi-typescript"), "openapi.json", "-o", "schema.d.ts"],
        [
            str(tools / "tsc"),
            "--strict",
            "--target",
            "es2022",
            "--module",
            "es2022",
            "--moduleResolution",
            "bundler",
            "--outDir",
            "out",
            "client.ts",
        ],
        ["node", "run.mjs", server],
    ]
    for step in steps:
        done = subprocess.run(
            step, cwd=tmp_path, capture_output=True, text=True, timeout=DEADLINE * 3
        )
        assert done.returncode == 0, done.stdout + done.stderr
    log = json.loads(done.stdout)
    assert log[:4] == [
        "search clonazepam fuzzy",
        "drug clonazepam dependence high",
        "withdrawal 8",
        "revalidated 304",
    ]
    assert log[6:9] == [
        "problem /v1/problems/unknown-drug clonazepam",
        "problem /v1/problems/too-few-drugs",
        "problem /v1/problems/invalid-parameter query.limit less_than_equal 50",
    ]
    assert log[-1].startswith('export 28 lines, trailer {"end":true,"count":28,')
