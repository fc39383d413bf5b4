from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.api.deps import (
    BodySystemFilter,
    ContextFilter,
    DatabaseDep,
    DrugClassFilter,
    DrugName,
    EffectName,
    IncludeFlagged,
    Limit,
    MinIncidence,
    Offset,
    SourceFilter,
    StrictQuery,
    TextQuery,
    respond,
)
from app.api.docs import read_responses
from app.schemas.common import Page
from app.schemas.drug import DrugDetail, DrugSummary
from app.schemas.effect import DrugContexts
from app.schemas.record import DrugEffectDetail, DrugEffectRecord
from app.services import drug_effects, drugs
from app.services.drug_effects import RecordFilters

router = APIRouter(prefix="/drugs", tags=["drugs"], dependencies=[StrictQuery])


@router.get("", response_model=Page[DrugSummary], responses=read_responses(422, page=True))
async def list_drugs(
    request: Request,
    db: DatabaseDep,
    q: TextQuery = None,
    drug_class: DrugClassFilter = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> Response:
    """Drugs by name, filtered by a name/brand fragment (`q`) or a drug class."""
    answer = await db.read(drugs.list_drugs, q=q, drug_class=drug_class, limit=limit, offset=offset)
    return respond(request, answer)


@router.get("/{drug}", response_model=DrugDetail, responses=read_responses(404, 422))
async def read_drug(drug: DrugName, request: Request, db: DatabaseDep) -> Response:
    """One drug: attributes (each cited; `not_stated` lists what no source states), names,
    codes, classes, records of the same ingredient, uses, warnings, effect counts."""
    return respond(request, await db.read(drugs.get_drug_detail, drug))


@router.get(
    "/{drug}/effects",
    response_model=Page[DrugEffectRecord],
    responses=read_responses(404, 422, page=True),
)
async def list_drug_effects(
    drug: DrugName,
    request: Request,
    db: DatabaseDep,
    context: ContextFilter = None,
    body_system: BodySystemFilter = None,
    min_incidence: MinIncidence = None,
    source: SourceFilter = None,
    include_flagged: IncludeFlagged = False,
    limit: Limit = 20,
    offset: Offset = 0,
) -> Response:
    """A drug's effects with their context, most frequent first (by the summary incidence:
    band, then the measured median), flagged imported records left out unless asked for."""
    filters = RecordFilters(context, body_system, min_incidence, source, include_flagged)
    answer = await db.read(
        drug_effects.list_drug_effects, drug, filters, limit=limit, offset=offset
    )
    return respond(request, answer)


@router.get(
    "/{drug}/effects/{effect}",
    response_model=DrugEffectDetail,
    responses=read_responses(404, 422),
)
async def read_drug_effect(
    drug: DrugName, effect: EffectName, request: Request, db: DatabaseDep
) -> Response:
    """One drug x effect, every context side by side (side effect vs withdrawal). A context
    without a record of the effect itself is answered by a narrower, else the broader term's
    record, marked `matched_via`. Known drug and effect but no record at all: 404 `no-record`."""
    return respond(request, await db.read(drug_effects.get_drug_effect_detail, drug, effect))


@router.get(
    "/{drug}/contexts", response_model=DrugContexts, responses=read_responses(404, 422, page=True)
)
async def read_drug_contexts(
    drug: DrugName,
    request: Request,
    db: DatabaseDep,
    body_system: BodySystemFilter = None,
    multi_context_only: Annotated[
        bool, Query(description="Only effects known in two or more contexts.")
    ] = False,
    include_flagged: IncludeFlagged = False,
    limit: Limit = 20,
    offset: Offset = 0,
) -> Response:
    """Side effect vs withdrawal (vs overdose) for each of a drug's effects, row by row.
    Effects known in more contexts come first."""
    answer = await db.read(
        drug_effects.drug_contexts,
        drug,
        body_system=body_system,
        multi_context_only=multi_context_only,
        include_flagged=include_flagged,
        limit=limit,
        offset=offset,
    )
    return respond(request, answer)
