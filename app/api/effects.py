from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.api.deps import (
    BodySystemFilter,
    ContextFilter,
    DatabaseDep,
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
from app.schemas.common import EffectRef, Page
from app.schemas.effect import EffectDetail
from app.schemas.record import DrugEffectRecord
from app.services import effects
from app.services.drug_effects import RecordFilters

router = APIRouter(prefix="/effects", tags=["effects"], dependencies=[StrictQuery])


@router.get("", response_model=Page[EffectRef], responses=read_responses(422, page=True))
async def list_effects(
    request: Request,
    db: DatabaseDep,
    q: TextQuery = None,
    body_system: BodySystemFilter = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> Response:
    """Effects by name, filtered by a name/synonym fragment (`q`) or body system."""
    answer = await db.read(
        effects.list_effects, q=q, body_system=body_system, limit=limit, offset=offset
    )
    return respond(request, answer)


@router.get("/{effect}", response_model=EffectDetail, responses=read_responses(404, 422))
async def read_effect(effect: EffectName, request: Request, db: DatabaseDep) -> Response:
    """One effect: description, MedDRA code, broader and narrower terms, synonyms, and what the
    sources say about a condition (causes, care, when to seek help), every statement cited."""
    return respond(request, await db.read(effects.get_effect_detail, effect))


@router.get(
    "/{effect}/drugs",
    response_model=Page[DrugEffectRecord],
    responses=read_responses(404, 422, page=True),
)
async def list_effect_drugs(
    effect: EffectName,
    request: Request,
    db: DatabaseDep,
    context: ContextFilter = None,
    min_incidence: MinIncidence = None,
    source: SourceFilter = None,
    include_flagged: IncludeFlagged = False,
    exact_only: Annotated[
        bool,
        Query(
            description="Only records of this effect itself, none through a broader or "
            "narrower term."
        ),
    ] = False,
    limit: Limit = 20,
    offset: Offset = 0,
) -> Response:
    """Reverse lookup: which drugs have this effect, in which context, how often (most frequent
    first). A drug with no record of the effect itself in a context answers through a narrower,
    else the broader term (leg cramps: muscle spasms), marked `matched_via`."""
    filters = RecordFilters(context, None, min_incidence, source, include_flagged)
    answer = await db.read(
        effects.drugs_for_effect,
        effect,
        filters,
        exact_only=exact_only,
        limit=limit,
        offset=offset,
    )
    return respond(request, answer)
