"""FHIR R5 Bundles, lookup by standard code, bulk export."""

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from fhir.resources.bundle import Bundle
from sqlalchemy import update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.importers.seed.files import read_seed
from app.importers.terminology.drugs import import_rxnorm
from app.models import Effect
from app.services.fhir_common import CLINICAL_USE_TYPES, SYSTEMS
from tests.conftest import FIXTURES, SEED_DIR

pytestmark = pytest.mark.anyio
DRUGS = [d.slug for d in read_seed(SEED_DIR).drugs]
EXTENSION = "http://127.0.0.1:8000/fhir/StructureDefinition"  # the default FHIR base URL


async def _bundle(client: httpx.AsyncClient, drug: str, query: str = "") -> dict[str, Any]:
    response = await client.get(f"/v1/drugs/{drug}/fhir{query}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/fhir+json"
    return response.json()  # type: ignore[no-any-return]


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


@pytest.mark.parametrize("drug", DRUGS)
async def test_every_curated_drugs_bundle_is_valid_fhir_r5(
    client: httpx.AsyncClient, drug: str
) -> None:
    bundle = await _bundle(client, drug)
    Bundle.model_validate(bundle)
    assert bundle["type"] == "collection"
    (medication,) = _resources(bundle, "MedicationKnowledge")
    (product,) = _resources(bundle, "MedicinalProductDefinition")
    assert medication["code"]["text"]
    subject = f"MedicinalProductDefinition/{product['id']}"
    uses = _resources(bundle, "ClinicalUseDefinition")
    assert medication.get("clinicalUseIssue", []) == [
        {"reference": f"ClinicalUseDefinition/{u['id']}"} for u in uses
    ]
    for use in uses:
        assert use["type"] in CLINICAL_USE_TYPES
        assert use["subject"][0]["reference"] == subject


async def test_clonazepams_bundle_codes_it_and_cites_every_resource(
    client: httpx.AsyncClient,
) -> None:
    bundle = await _bundle(client, "Klonopin")
    (medication,) = _resources(bundle, "MedicationKnowledge")
    codes = {c["system"]: c["code"] for c in medication["code"]["coding"]}
    assert codes[SYSTEMS["atc"]] == "N03AE01"
    assert codes[SYSTEMS["pubchem"]] == "2802"
    uses = _resources(bundle, "ClinicalUseDefinition")
    for resource in [medication, *uses]:
        urls = {e["url"] for e in resource.get("extension", [])}
        assert f"{EXTENSION}/citation" in urls, resource.get("type")
    types = {u["type"] for u in uses}
    assert {"undesirable-effect", "indication", "interaction", "warning"} <= types


async def test_withdrawal_records_are_told_apart_from_side_effects(
    client: httpx.AsyncClient,
) -> None:
    bundle = await _bundle(client, "clonazepam")
    effects = [
        u for u in _resources(bundle, "ClinicalUseDefinition") if u["type"] == "undesirable-effect"
    ]
    contexts = {
        next(e["valueCode"] for e in u["extension"] if e["url"] == f"{EXTENSION}/context")
        for u in effects
    }
    assert contexts == {"side_effect", "withdrawal"}
    withdrawal = [u for u in effects if u["category"][0]["coding"][0]["code"] == "withdrawal"]
    cramps = next(
        u
        for u in withdrawal
        if u["undesirableEffect"]["symptomConditionEffect"]["concept"]["text"] == "Leg cramps"
    )
    onset = next(e for e in cramps["extension"] if e["url"] == f"{EXTENSION}/onset")
    assert {"url": "max-days", "valueDecimal": 7.0} in onset["extension"]
    coding = cramps["undesirableEffect"]["symptomConditionEffect"]["concept"]["coding"][0]
    assert (coding["system"], coding["code"]) == (SYSTEMS["umls"], "C0023218")


async def test_a_bundle_revalidates_like_every_read(client: httpx.AsyncClient) -> None:
    first = await client.get("/v1/drugs/clonazepam/fhir")
    assert first.headers["cache-control"].startswith("public")
    again = await client.get(
        "/v1/drugs/clonazepam/fhir", headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.content == b""


async def test_an_unknown_drug_is_a_problem_not_fhir(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/drugs/nopeazole/fhir")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("system", "code", "slug"),
    [
        ("atc", "N03AE01", "clonazepam"),
        ("atc", "n03ae01", "clonazepam"),
        ("pubchem", "3016", "diazepam"),
        ("rxnorm", "2598", "clonazepam"),
        ("umls", "C2830004", "drowsiness"),
        ("meddra", "Somnolence", "drowsiness"),
        ("meddra", "cramps of lower extremities", "leg-cramps"),
    ],
)
async def test_lookup_finds_records_by_standard_code(
    client: httpx.AsyncClient, system: str, code: str, slug: str
) -> None:
    body = (await client.get("/v1/lookup", params={"system": system, "code": code})).json()
    assert [hit["slug"] for hit in body["items"]] == [slug]
    assert body["total"] == 1


async def test_lookup_without_a_match_is_a_404_saying_where_codes_come_from(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/v1/lookup", params={"system": "atc", "code": "z99zz99"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    detail = response.json()["detail"]
    assert detail.startswith("No drug has atc code Z99ZZ99.")
    assert "sidefx import atc" in detail


@pytest.mark.parametrize(
    ("system", "code", "form"),
    [("atc", "N03", "N03AE01"), ("umls", "10041349", "C0013144"), ("rxnorm", "R2598", "2598")],
)
async def test_lookup_of_a_malformed_code_says_the_form(
    client: httpx.AsyncClient, system: str, code: str, form: str
) -> None:
    response = await client.get("/v1/lookup", params={"system": system, "code": code})
    assert response.status_code == 422
    assert form in response.json()["detail"]


async def test_lookup_by_a_numeric_meddra_code_finds_the_effect_that_has_it(
    client: httpx.AsyncClient, session: Session
) -> None:
    session.execute(update(Effect).where(Effect.slug == "drowsiness").values(meddra_code=10041349))
    session.flush()
    body = (await client.get("/v1/lookup", params={"system": "meddra", "code": "010041349"})).json()
    assert [(h["slug"], h["code"], h["matched"]) for h in body["items"]] == [
        ("drowsiness", "10041349", "code")
    ]
    missing = await client.get("/v1/lookup", params={"system": "meddra", "code": "10000001"})
    assert missing.status_code == 404
    assert "MedDRA import" in missing.json()["detail"]


async def test_lookup_finds_codes_a_terminology_import_gave(
    client: httpx.AsyncClient, session: Session
) -> None:
    import_rxnorm(session, FIXTURES / "rxnorm")
    body = (await client.get("/v1/lookup", params={"system": "atc", "code": "x91aa05"})).json()
    assert [(h["slug"], h["code"], h["matched"]) for h in body["items"]] == [
        ("atorvastatin", "X91AA05", "imported_code")
    ]
    curated = (await client.get("/v1/lookup", params={"system": "rxnorm", "code": "2598"})).json()
    assert [h["matched"] for h in curated["items"]] == ["code"]


async def test_lookup_with_an_unknown_system_lists_the_systems(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/lookup", params={"system": "snomed", "code": "1"})
    assert response.status_code == 422
    assert "'atc', 'pubchem', 'rxnorm', 'umls' or 'meddra'" in response.json()["detail"]


async def test_every_drug_and_effect_detail_shows_its_codes(client: httpx.AsyncClient) -> None:
    drug = (await client.get("/v1/drugs/clonazepam")).json()
    effect = (await client.get("/v1/effects/drowsiness")).json()
    assert drug["identifiers"]["atc"] == "N03AE01"
    assert effect["codes"]["umls_cui"] == "C2830004"


@pytest.mark.parametrize(
    ("kind", "count"),
    [("drugs", "drugs"), ("effects", "effects"), ("drug-effects", "drug_effects")],
)
async def test_export_lines_match_the_meta_counts_and_end_with_a_trailer(
    client: httpx.AsyncClient, kind: str, count: str
) -> None:
    meta = (await client.get("/v1/meta")).json()
    response = await client.get(f"/v1/export/{kind}.ndjson")
    assert response.headers["content-type"] == "application/x-ndjson"
    assert response.headers["x-data-version"] == meta["data_version"]
    *lines, last = response.text.splitlines()
    assert len(lines) == meta["counts"][count]
    assert all(json.loads(line)["slug" if kind != "drug-effects" else "drug"] for line in lines)
    trailer = {"end": True, "count": len(lines), "data_version": meta["data_version"]}
    assert json.loads(last) == trailer


async def test_the_export_is_gzipped_when_asked(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/v1/export/drug-effects.ndjson", headers={"Accept-Encoding": "gzip"}
    )
    assert response.headers["content-encoding"] == "gzip"
    assert response.text.count("\n") > 10


async def test_the_manifest_states_the_licences(client: httpx.AsyncClient) -> None:
    manifest = (await client.get("/v1/export/manifest.json")).json()
    assert "CC BY-NC-SA 4.0" in manifest["licence_notice"]
    assert [f["name"] for f in manifest["files"]] == [
        "drugs.ndjson",
        "effects.ndjson",
        "drug-effects.ndjson",
    ]


async def test_an_unknown_export_is_a_problem(client: httpx.AsyncClient) -> None:
    assert (await client.get("/v1/export/warnings.ndjson")).status_code == 422


def test_the_cli_writes_the_same_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: Any
) -> None:
    from app.cli import cli
    from app.config import get_settings

    monkeypatch.setenv("SIDEFX_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["export", str(tmp_path / "out")])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    for file in manifest["files"]:
        lines = (tmp_path / "out" / file["name"]).read_bytes().splitlines()
        assert len(lines) == file["records"]
