from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from app.api.deps import MAX_QUERY_LENGTH, PRINTABLE, as_json
from app.db import database
from app.schemas.common import problem_responses
from app.schemas.search import SearchResults
from app.services import search as search_service

router = APIRouter(tags=["search"])


@router.get("/search", response_model=SearchResults, responses=problem_responses(422))
async def search_names(
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_QUERY_LENGTH,
            pattern=PRINTABLE,
            description="What the user typed (1-100 characters): a name, brand, synonym, the "
            "first letters, or a misspelling.",
            examples=["klonopn"],
        ),
    ],
    request: Request,
    type: Annotated[
        Literal["drug", "effect"] | None, Query(description="Only drugs or effects.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=50, description="At most this many results (1-50).")] = 10,
) -> Response:
    """Ranked drugs and effects for a search box or autocomplete: exact names first, then brand
    names and synonyms, then names starting with the query, then misspellings and sound-alikes.
    Each result says which name matched and how."""
    return as_json(await database(request).call(search_service.search, q, type=type, limit=limit))
