from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.api.deps import Limit, Offset, as_json
from app.api.examples import COMPARE, example
from app.db import database
from app.enums import BodySystem, Context
from app.schemas.common import problem_responses
from app.schemas.comparison import ComparisonRead
from app.services import comparison
from app.services.comparison import MAX_DRUGS, MIN_DRUGS

router = APIRouter(tags=["compare"])

MAX_LIST_LENGTH = 2100
DRUG_NAME = r"^[^\x00-\x1f\x7f,]*[^\s\x00-\x1f\x7f,][^\x00-\x1f\x7f,]*$"
# The document declares an array serialised `a,b,c`; repeated `drugs=a&drugs=b` (what most
# generated clients send) is accepted too, so the handler takes the raw values, hidden here.
DRUGS_PARAMETER = {
    "name": "drugs",
    "in": "query",
    "required": True,
    "style": "form",
    "explode": False,
    "description": f"{MIN_DRUGS} to {MAX_DRUGS} different drugs, comma-separated: slugs, "
    "generic or brand names, any case (1-200 characters each). Order is kept.",
    "schema": {
        "type": "array",
        "items": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": DRUG_NAME},
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
    responses={**problem_responses(404, 422), **example(COMPARE)},
    openapi_extra={"parameters": [DRUGS_PARAMETER]},
)
async def compare_drugs(
    drugs: DrugList,
    request: Request,
    context: Context | None = None,
    body_system: BodySystem | None = None,
    shared_only: Annotated[
        bool, Query(description="Only effects that two or more of the drugs have.")
    ] = False,
    limit: Limit = 20,
    offset: Offset = 0,
) -> Response:
    """Drugs side by side: attribute rows (class, mechanism, dependence risk, use, sedation,
    controlled status, boxed warning, onset) and an effect matrix, paginated by effect rows
    (ordered by how many drugs share an effect, then by highest incidence), with a summary of
    shared and unique effects. Every cell names its sources."""
    names = comparison.parse_drug_list(",".join(drugs))
    return as_json(
        await database(request).call(
            comparison.compare_drugs,
            names,
            context=context,
            body_system=body_system,
            shared_only=shared_only,
            limit=limit,
            offset=offset,
        )
    )
