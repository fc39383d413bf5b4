from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.api.deps import EffectName, Limit, Offset, SourceFilter, TextQuery, as_json, paged
from app.db import database
from app.enums import BodySystem, Context, IncidenceBand
from app.schemas.common import Page, problem_responses
from app.schemas.effect import EffectDetail, EffectDrugRow, EffectSummary
from app.services import effects

router = APIRouter(prefix="/effects", tags=["effects"])


@router.get("", response_model=Page[EffectSummary], responses=problem_responses(422))
async def list_effects(
    request: Request,
    q: TextQuery = None,
    body_system: BodySystem | None = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> Response:
    """Effects by name, filtered by a name/synonym fragment (`q`) or body system."""
    page = await database(request).call(
        effects.list_effects, q=q, body_system=body_system, limit=limit, offset=offset
    )
    return paged(request, page)


@router.get("/{effect}", response_model=EffectDetail, responses=problem_responses(404, 422))
async def read_effect(effect: EffectName, request: Request) -> Response:
    """One effect: description, synonyms, causes, management and related effects, cited."""
    return as_json(await database(request).call(effects.get_effect_detail, effect))


@router.get(
    "/{effect}/drugs", response_model=Page[EffectDrugRow], responses=problem_responses(404, 422)
)
async def list_effect_drugs(
    effect: EffectName,
    request: Request,
    context: Context | None = None,
    min_incidence: Annotated[
        IncidenceBand | None, Query(description="Only this band or more frequent.")
    ] = None,
    source: SourceFilter = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> Response:
    """Reverse lookup: which drugs have this effect, in which context, how often."""
    page = await database(request).call(
        effects.drugs_for_effect,
        effect,
        context=context,
        min_incidence=min_incidence,
        source=source,
        limit=limit,
        offset=offset,
    )
    return paged(request, page)
