from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.api.deps import (
    DrugClassFilter,
    DrugName,
    EffectName,
    Limit,
    Offset,
    SourceFilter,
    TextQuery,
    as_json,
    paged,
)
from app.api.examples import CONTEXTS, example
from app.db import database
from app.enums import BodySystem, Context, IncidenceBand
from app.schemas.common import Page, problem_responses
from app.schemas.comparison import DrugContexts
from app.schemas.drug import DrugDetail, DrugSummary
from app.schemas.effect import DrugEffectDetail, DrugEffectSummary
from app.services import contexts, drug_effects, drugs

router = APIRouter(prefix="/drugs", tags=["drugs"])


@router.get("", response_model=Page[DrugSummary], responses=problem_responses(422))
async def list_drugs(
    request: Request,
    q: TextQuery = None,
    drug_class: DrugClassFilter = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> Response:
    """Drugs by name, filtered by a name/brand fragment (`q`) or drug class."""
    page = await database(request).call(
        drugs.list_drugs, q=q, drug_class=drug_class, limit=limit, offset=offset
    )
    return paged(request, page)


@router.get("/{drug}", response_model=DrugDetail, responses=problem_responses(404, 422))
async def read_drug(drug: DrugName, request: Request) -> Response:
    """One drug: attributes, brand names, uses, warnings and effect counts per context."""
    return as_json(await database(request).call(drugs.get_drug_detail, drug))


@router.get(
    "/{drug}/effects", response_model=Page[DrugEffectSummary], responses=problem_responses(404, 422)
)
async def list_drug_effects(
    drug: DrugName,
    request: Request,
    context: Context | None = None,
    body_system: BodySystem | None = None,
    min_incidence: Annotated[
        IncidenceBand | None, Query(description="Only this band or more frequent.")
    ] = None,
    source: SourceFilter = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> Response:
    """A drug's effects with their context, most frequent first."""
    page = await database(request).call(
        drug_effects.list_drug_effects,
        drug,
        context=context,
        body_system=body_system,
        min_incidence=min_incidence,
        source=source,
        limit=limit,
        offset=offset,
    )
    return paged(request, page)


@router.get(
    "/{drug}/effects/{effect}",
    response_model=DrugEffectDetail,
    responses=problem_responses(404, 422),
)
async def read_drug_effect(drug: DrugName, effect: EffectName, request: Request) -> Response:
    """One drug x effect, every context side by side (side effect vs withdrawal), with evidence."""
    return as_json(await database(request).call(drug_effects.get_drug_effect_detail, drug, effect))


@router.get(
    "/{drug}/contexts",
    response_model=DrugContexts,
    responses={**problem_responses(404, 422), **example(CONTEXTS)},
)
async def read_drug_contexts(
    drug: DrugName,
    request: Request,
    body_system: BodySystem | None = None,
    multi_context_only: Annotated[
        bool, Query(description="Only effects known in two or more contexts.")
    ] = False,
    limit: Limit = 20,
    offset: Offset = 0,
) -> Response:
    """Side effect vs withdrawal (vs overdose) for each of a drug's effects, row by row:
    incidence, onset, severity, accompanying symptoms, management. Effects known in more
    contexts come first."""
    return as_json(
        await database(request).call(
            contexts.drug_contexts,
            drug,
            body_system=body_system,
            multi_context_only=multi_context_only,
            limit=limit,
            offset=offset,
        )
    )
