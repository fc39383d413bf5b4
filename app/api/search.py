from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from app.api.deps import MAX_QUERY_LENGTH, DatabaseDep, Offset, StrictQuery, respond
from app.api.docs import read_responses
from app.name_keys import PRINTABLE
from app.schemas.search import SearchResults
from app.services.names import search as search_service
from app.services.names.index import FUZZY_CUTOFF

router = APIRouter(tags=["search"], dependencies=[StrictQuery])
SEARCH_DOC = f"""Ranked drugs and effects for a search box or autocomplete.

Scores (0-100) and their order: the exact name or slug 100; a salt's name ("warfarin
sodium") its ingredient's drug 99; a brand name, synonym, label term or MedDRA term exactly
98; names starting with the query: a drug's own name 93-98, the first word of any other name
88-93, a later word 81-86, a whole word typed scoring above the start of a longer one;
misspellings and sound-alikes 80 x their similarity (never for a salt's name: its drugs come
only through the ingredient). Fuzzy matches below a similarity of {FUZZY_CUTOFF} (a score of
{80 * FUZZY_CUTOFF:.0f}) are not returned; at most the best 200 matches are ranked (`total`).
Each result says which name matched and how. The names are indexed in memory by each worker,
in the background when it starts and when new data is loaded; a search that arrives before its
data's index is built waits at most 2 s, then answers 503 with `Retry-After`."""


@router.get(
    "/search",
    response_model=SearchResults,
    responses=read_responses(422, page=True),
    description=SEARCH_DOC,
)
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
    db: DatabaseDep,
    type: Annotated[
        Literal["drug", "effect"] | None, Query(description="Only drugs or effects.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=50, description="Page size (1-50).")] = 10,
    offset: Offset = 0,
) -> Response:
    return respond(
        request,
        await db.read(search_service.search, q, type=type, limit=limit, offset=offset),
    )
