from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.api.deps import (
    BodySystemFilter,
    ContextFilter,
    DatabaseDep,
    IncludeFlagged,
    Limit,
    Offset,
    StrictQuery,
    respond,
)
from app.api.docs import read_responses
from app.name_keys import MAX_NAME_LENGTH
from app.schemas.comparison import ComparisonRead
from app.services import comparison
from app.services.comparison import MAX_DRUGS, MIN_DRUGS
from app.services.drug_effects import RecordFilters

router = APIRouter(tags=["compare"], dependencies=[StrictQuery])

MAX_LIST_LENGTH = 2200  # the query value: 10 names of 200 characters and their commas
# The document declares an array serialised `a,b,c`; repeated `drugs=a&drugs=b` (what many
# generated clients send) is accepted too, so the handler takes the raw values, hidden here.
DRUGS_PARAMETER = {
    "name": "drugs",
    "in": "query",
    "required": True,
    "style": "form",
    "explode": False,
    "description": f"{MIN_DRUGS} to {MAX_DRUGS} different drugs, comma-separated (or the "
    "parameter repeated): slugs, generic, brand or ingredient names, any case "
    f"(1-{MAX_NAME_LENGTH} characters each, no control characters). Order is kept.",
    "schema": {
        "type": "array",
        "items": {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_NAME_LENGTH,
            "pattern": comparison.DRUG_NAME.pattern,
        },
        "minItems": MIN_DRUGS,
        "maxItems": MAX_DRUGS,
        "uniqueItems": True,
    },
    "example": ["clonazepam", "cyclobenzaprine", "baclofen"],
}
DrugList = Annotated[list[str], Query(max_length=MAX_LIST_LENGTH, include_in_schema=False)]


@router.get(
    "/compare",
    response_model=ComparisonRead,
    responses=read_responses(404, 422),
    openapi_extra={"parameters": [DRUGS_PARAMETER]},
)
async def compare_drugs(
    drugs: DrugList,
    request: Request,
    db: DatabaseDep,
    context: ContextFilter = None,
    body_system: BodySystemFilter = None,
    shared_only: Annotated[
        bool, Query(description="Only effects that two or more of the drugs have.")
    ] = False,
    include_flagged: IncludeFlagged = False,
    limit: Limit = 20,
    offset: Offset = 0,
) -> Response:
    """Drugs side by side: attribute rows (class, mechanism, dependence risk, use, sedation,
    controlled status, boxed warning, onset; a cell no source states says so) and an effect
    matrix paginated by effect rows (ordered by how many drugs share an effect, then by the
    summary incidence), with shared and unique effects. Every cell carries its citations."""
    names = comparison.parse_drug_list(drugs)
    filters = RecordFilters(context, body_system, None, None, include_flagged)
    answer = await db.read(
        comparison.compare_drugs,
        names,
        filters,
        shared_only=shared_only,
        limit=limit,
        offset=offset,
    )
    return respond(request, answer)
