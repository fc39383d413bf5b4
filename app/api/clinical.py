"""Clinical integration: FHIR R5, lookup by standard code, bulk export."""

from collections.abc import AsyncIterator
from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import StreamingResponse

from app.api.deps import (
    DrugName,
    IncludeFlagged,
    Limit,
    Offset,
    StrictQuery,
    respond,
    respond_bytes,
)
from app.api.docs import problem_responses, read_responses
from app.db import Answer, Database, DatabaseDep
from app.schemas.common import Page
from app.schemas.lookup import LookupHit
from app.services import export, fhir, lookup
from app.services.lookup import CodeSystem

router = APIRouter(tags=["clinical integration"], dependencies=[StrictQuery])
FHIR_JSON = "application/fhir+json"
NDJSON = "application/x-ndjson"
FHIR_RESPONSES = read_responses(404, 422)
FHIR_RESPONSES[200] |= {"content": {FHIR_JSON: {}}, "description": "A FHIR R5 Bundle."}


@router.get(
    "/drugs/{drug}/fhir",
    responses=FHIR_RESPONSES,
    response_class=Response,
)
async def read_drug_fhir(
    request: Request, drug: DrugName, db: DatabaseDep, include_flagged: IncludeFlagged = False
) -> Response:
    """The drug as a FHIR R5 Bundle (type collection): one MedicationKnowledge (coded with ATC,
    RxNorm, PubChem where known) and ClinicalUseDefinitions: `undesirable-effect` per record
    (side effects and withdrawal, told apart by the `context` extension and category), with the
    summary incidence, onset, severity and management in extensions; `indication` per use;
    `interaction` and `warning` per warning; every resource citing its sources. The profile:
    docs/fhir.md."""
    answer = await db.read(fhir.drug_bundle, drug, include_flagged=include_flagged)
    return respond_bytes(request, answer, FHIR_JSON)


@router.get("/lookup", response_model=Page[LookupHit], responses=read_responses(422, page=True))
async def lookup_code(
    request: Request,
    db: DatabaseDep,
    system: Annotated[
        CodeSystem,
        Query(
            description="atc, pubchem, rxnorm (drugs); umls (UMLS id of an effect's MedDRA "
            "term), meddra (a MedDRA term name: SIDER gives no MedDRA ids)."
        ),
    ],
    code: Annotated[
        str,
        Query(
            min_length=1,
            max_length=100,
            pattern=r"^[^\x00-\x1f\x7f]+$",
            description="The code (`N03AE01`, `2802`, `C2830004`).",
        ),
    ],
    limit: Limit = 20,
    offset: Offset = 0,
) -> Response:
    """Drugs or effects by a standard code; no match is an empty page."""
    answer = await db.read(lookup.lookup, system, code, limit=limit, offset=offset)
    return respond(request, answer)


@router.get("/export/manifest.json", responses=read_responses())
async def read_export_manifest(request: Request, db: DatabaseDep) -> Response:
    """What the export holds: its files with their record counts, the data version, the
    sources and their licences (SIDER's records are CC BY-NC-SA 4.0)."""
    answer = await db.read(export.manifest)
    return respond_bytes(request, Answer(answer.version, orjson.dumps(answer.value)))


@router.get(
    "/export/{kind}.ndjson",
    responses={
        200: {"content": {NDJSON: {}}, "description": "One JSON record per line."},
        **problem_responses(422, 503),
    },
    response_class=StreamingResponse,
)
async def export_records(
    kind: Annotated[
        Literal["drugs", "effects", "drug-effects"], Path(description="What to export.")
    ],
    db: DatabaseDep,
) -> StreamingResponse:
    """The whole dataset, streamed: `drugs` (as /v1/drugs/{drug}), `effects` (as
    /v1/effects/{effect}) or `drug-effects` (every record with its summary, every source's
    values and its citations, flagged ones too). gzip when asked. The data version is in
    `X-Data-Version`; a load during the export ends it with a last line `{"error": ...}`."""
    first = await db.call(export.chunk, kind, 0)
    return StreamingResponse(
        _lines(db, kind, first),
        media_type=NDJSON,
        headers={"X-Data-Version": first.version, "Cache-Control": "no-store"},
    )


async def _lines(db: Database, kind: str, first: export.Chunk) -> AsyncIterator[bytes]:
    current = first
    while True:
        yield current.lines
        if current.last_id is None:
            return
        current = await db.call(export.chunk, kind, current.last_id)
        if current.version != first.version:
            yield orjson.dumps({"error": "the data changed during the export; start again"}) + b"\n"
            return
