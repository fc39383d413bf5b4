from fastapi import APIRouter, Request, Response

from app.api.deps import Limit, Offset, SourceSlug, as_json, paged
from app.db import database
from app.schemas.common import Page, problem_responses
from app.schemas.drug import SourceSummary
from app.schemas.source import SourceDetail
from app.services import sources

router = APIRouter(prefix="/sources", tags=["sources"])


@router.get("", response_model=Page[SourceSummary], responses=problem_responses(422))
async def list_sources(request: Request, limit: Limit = 20, offset: Offset = 0) -> Response:
    """The documents and datasets behind the data, with their licences."""
    page = await database(request).call(sources.list_sources, limit=limit, offset=offset)
    return paged(request, page)


@router.get("/{source}", response_model=SourceDetail, responses=problem_responses(404, 422))
async def read_source(source: SourceSlug, request: Request) -> Response:
    """One source and what it backs."""
    return as_json(await database(request).call(sources.get_source_detail, source))
