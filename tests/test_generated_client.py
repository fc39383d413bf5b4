"""A Python client generated from our OpenAPI document (openapi-python-client) works."""

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.main import create_app

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def client_package(tmp_path_factory: pytest.TempPathFactory) -> Any:
    workdir = tmp_path_factory.mktemp("generated")
    spec = workdir / "openapi.json"
    spec.write_text(json.dumps(create_app().openapi()))
    bin_dir = str(Path(sys.executable).parent)
    subprocess.run(
        [
            f"{bin_dir}/openapi-python-client",
            "generate",
            "--path",
            str(spec),
            "--meta",
            "none",
            "--output-path",
            str(workdir / "sidefx_client"),
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}"},
    )
    sys.path.insert(0, str(workdir))
    try:
        yield importlib.import_module("sidefx_client")
    finally:
        sys.path.remove(str(workdir))
        for name in [m for m in sys.modules if m.startswith("sidefx_client")]:
            del sys.modules[name]


def _api(name: str) -> Any:
    return importlib.import_module(f"sidefx_client.api.{name}")


async def test_generated_client_reads_compares_and_searches(
    client_package: Any, app: FastAPI
) -> None:
    client = client_package.Client(
        base_url="http://test",
        httpx_args={"transport": httpx.ASGITransport(app=app)},
        raise_on_unexpected_status=True,
    )
    drug = await _api("drugs.read_drug").asyncio(drug="Klonopin", client=client)
    assert drug.slug == "clonazepam"
    assert drug.attributes.dependence_risk.risk.value == "high"

    compared = await _api("compare.compare_drugs").asyncio(
        client=client, drugs=["clonazepam", "cyclobenzaprine", "baclofen"]
    )
    assert [d.slug for d in compared.drugs] == ["clonazepam", "cyclobenzaprine", "baclofen"]

    found = await _api("search.search_names").asyncio(client=client, q="klonopn")
    assert found.items[0].slug == "clonazepam"


async def test_generated_client_revalidates_with_a_304(client_package: Any, app: FastAPI) -> None:
    client = client_package.Client(
        base_url="http://test",
        httpx_args={"transport": httpx.ASGITransport(app=app)},
        raise_on_unexpected_status=True,
    )
    first = await _api("drugs.read_drug").asyncio_detailed(drug="clonazepam", client=client)
    etag = first.headers["etag"]
    revalidating = client.with_headers({"If-None-Match": etag})
    again = await _api("drugs.read_drug").asyncio_detailed(drug="clonazepam", client=revalidating)
    assert again.status_code == 304  # declared: no UnexpectedStatus


async def test_generated_client_parses_a_typed_problem(client_package: Any, app: FastAPI) -> None:
    client = client_package.Client(
        base_url="http://test",
        httpx_args={"transport": httpx.ASGITransport(app=app)},
        raise_on_unexpected_status=True,
    )
    missing = await _api("drugs.read_drug").asyncio(drug="nonexistium", client=client)
    assert missing.status == 404
    assert missing.type_ == "/v1/problems/unknown-drug"
    assert "nonexistium" in missing.detail
