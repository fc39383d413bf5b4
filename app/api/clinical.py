"""Clinical integration: FHIR R5, lookup by standard code, bulk export."""

import logging
from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import Annotated, Literal

import anyio
from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from app.api.deps import (
    DatabaseDep,
    DrugName,
    IncludeFlagged,
    Limit,
    Offset,
    StrictQuery,
    respond,
    respond_bytes,
)
from app.api.docs import read_responses
from app.db import Answer, Database
from app.edge.http_cache import etag_for
from app.name_keys import PRINTABLE
from app.problems.exceptions import DatabaseTimeout
from app.schemas.common import Page
from app.schemas.export import ExportManifest
from app.schemas.fhir import FhirBundle
from app.schemas.lookup import LookupHit
from app.services import export, fhir, lookup
from app.services.lookup import CodeSystem

logger = logging.getLogger(__name__)
router = APIRouter(tags=["clinical integration"], dependencies=[StrictQuery])
FHIR_JSON = "application/fhir+json"
NDJSON = "application/x-ndjson"
EXPORT_RESPONSES = read_responses(422, 503)
EXPORT_RESPONSES[200] = {
    "content": {NDJSON: {}},
    "description": "One JSON record per line, then the trailer line "
    '`{"end": true, "count": N, "data_version": "..."}`; or, if the export fails after it '
    'started, an `{"error": "..."}` line and a cut transfer.',
    "headers": EXPORT_RESPONSES[200]["headers"]
    | {
        "Cache-Control": {"description": "no-store.", "schema": {"type": "string"}},
        "X-Data-Version": {"description": "The data version.", "schema": {"type": "string"}},
    },
}
# A chunk takes ~0.1 s; this bounds one only when the database stops answering altogether.
CHUNK_SECONDS = 300.0
FHIR_RESPONSES = read_responses(404, 422)
FHIR_RESPONSES[200] |= {
    "model": FhirBundle,
    "content": {FHIR_JSON: {"schema": {"$ref": "#/components/schemas/FhirBundle"}}},
    "description": "A FHIR R5 Bundle (type collection).",
}


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
    `interaction` and `warning` per warning; every resource citing its sources. Each entry's
    `fullUrl` is where the FHIR REST API (`/fhir`, see `/fhir/metadata`) serves it. The profile:
    [docs/fhir.md](https://github.com/sidefx/sidefx/blob/main/docs/fhir.md)."""
    base = request.app.state.settings.fhir_base_url
    answer = await db.read(fhir.drug_bundle, drug, include_flagged=include_flagged, base=base)
    # Built after the database call: CPU work is not counted against its deadline.
    body = fhir.bundle_json(base, answer.value)
    return respond_bytes(request, Answer(answer.version, body), FHIR_JSON)


@router.get(
    "/lookup", response_model=Page[LookupHit], responses=read_responses(404, 422, page=True)
)
async def lookup_code(
    request: Request,
    db: DatabaseDep,
    system: Annotated[
        CodeSystem,
        Query(
            description="atc, pubchem, rxnorm (drugs: curated codes and those `sidefx import "
            "rxnorm|atc` gave); umls (an effect's UMLS CUI, or of a label term recorded under "
            "it); meddra (a numeric MedDRA code, once a MedDRA import gave effects theirs, or a "
            "MedDRA term name)."
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
    """Drugs or effects by a standard code, echoed in its canonical form, each hit saying
    what matched. A malformed code is a 422 giving the form; a code nothing has is a 404
    saying where such codes come from."""
    answer = await db.read(lookup.lookup, system, code, limit=limit, offset=offset)
    return respond(request, answer)


@router.get("/export/manifest.json", response_model=ExportManifest, responses=read_responses())
async def read_export_manifest(request: Request, db: DatabaseDep) -> Response:
    """What the export holds: its files with their record counts and line keys, the data
    version, the sources and their licences (SIDER's records are CC BY-NC-SA 4.0)."""
    answer = await db.read(export.manifest)
    return respond(request, Answer(answer.version, ExportManifest.model_validate(answer.value)))


@router.get(
    "/export/{kind}.ndjson",
    responses=EXPORT_RESPONSES,
    response_class=StreamingResponse,
)
async def export_records(
    request: Request,
    kind: Annotated[
        Literal["drugs", "effects", "drug-effects"], Path(description="What to export.")
    ],
    db: DatabaseDep,
    after: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=300,
            pattern=PRINTABLE,
            description="Resume: only the lines after the line with this key (`slug` for "
            "drugs and effects, `drug/effect/context` of a record, e.g. "
            "`clonazepam/muscle-cramps/withdrawal`); a key of no line is a 422.",
        ),
    ] = None,
) -> Response:
    """The whole dataset, streamed: `drugs` (as /v1/drugs/{drug}), `effects` (as
    /v1/effects/{effect}) or `drug-effects` (every record with its summary, every source's
    values and its citations, flagged ones too), in a stable order. gzip when asked.

    A complete export ends with the trailer line `{"end": true, "count": N, "data_version":
    "..."}` (N: the records in this response); a reader that does not see it has not got it
    all. A started export is read in chunks under a generous time limit, never the request's;
    if it fails all the same (or a load changes the data meanwhile), it ends with a line
    `{"error": "..."}` and the transfer is cut. To resume, ask again with `after=` the key of
    the last complete line: if `X-Data-Version` is the first part's, the answer is exactly the
    rest; if not, start again. `ETag` and `If-None-Match` (304) as on every read."""
    first = await _chunk(db, partial(export.first_chunk, kind=kind, after=after))
    etag = etag_for(first.version, request.scope)
    headers = {"ETag": etag, "X-Data-Version": first.version, "Cache-Control": "no-store"}
    if _not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    return StreamingResponse(_lines(db, kind, first), media_type=NDJSON, headers=headers)


class ExportCut(RuntimeError):
    """Raised after an export's error line: the transfer must end cut, not complete."""


async def _chunk(db: Database, read: Callable[[Session], export.Chunk]) -> export.Chunk:
    # The background lane: a slot of its own (exports never take request capacity, and a
    # refused or timed-out request slot cannot cut them), statements limited to minutes.
    try:
        with anyio.fail_after(CHUNK_SECONDS):
            return await db.background(read)
    except TimeoutError:
        raise DatabaseTimeout(CHUNK_SECONDS) from None


async def _lines(db: Database, kind: str, first: export.Chunk) -> AsyncIterator[bytes]:
    yield first.lines
    current, count = first, first.count
    while current.last_id is not None:
        try:
            current = await _chunk(db, partial(export.chunk, kind=kind, after=current.last_id))
        except Exception as exc:
            logger.warning("export of %s cut after %d lines: %r", kind, count, exc)
            yield export.error_line(
                f"The export failed after {count} lines; resume with after= the key of the "
                "last line."
            )
            raise ExportCut(kind) from exc
        if current.version != first.version:
            yield export.error_line("The data changed during the export (a load); start again.")
            raise ExportCut(kind)
        count += current.count
        yield current.lines
    yield export.trailer(count, first.version)


def _not_modified(request: Request, etag: str) -> bool:
    sent = request.headers.get("if-none-match")
    if sent is None:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in sent.split(",")}  # weak comparison
    return "*" in tags or etag.removeprefix("W/") in tags
