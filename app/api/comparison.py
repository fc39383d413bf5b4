from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import PRINTABLE, Limit, Offset
from app.api.examples import COMPARE, example
from app.db import DatabaseDep
from app.enums import BodySystem, Context
from app.schemas.common import problem_responses
from app.schemas.comparison import ComparisonRead
from app.services import comparison

router = APIRouter(tags=["compare"])

DrugList = Annotated[
    str,
    Query(
        min_length=1,
        max_length=2100,
        pattern=PRINTABLE,
        description="2 to 10 drugs, comma-separated: slugs, generic or brand names, any case. "
        "Order is kept.",
        examples=["clonazepam,cyclobenzaprine,baclofen"],
    ),
]


@router.get(
    "/compare",
    response_model=ComparisonRead,
    responses={**problem_responses(404, 422), **example(COMPARE)},
)
def compare(
    drugs: DrugList,
    db: DatabaseDep,
    context: Context | None = None,
    body_system: BodySystem | None = None,
    shared_only: Annotated[
        bool, Query(description="Only effects that two or more of the drugs have.")
    ] = False,
    limit: Limit = 20,
    offset: Offset = 0,
) -> ComparisonRead:
    """Drugs side by side: attribute rows (class, mechanism, dependence risk, use, sedation,
    controlled status, boxed warning, onset) and an effect matrix, paginated by effect rows
    (ordered by how many drugs share an effect, then by highest incidence), with a summary of
    shared and unique effects. Every cell names its sources."""
    names = [name.strip() for name in drugs.split(",")]
    return db.run(
        comparison.compare_drugs,
        names,
        context=context,
        body_system=body_system,
        shared_only=shared_only,
        limit=limit,
        offset=offset,
    )
