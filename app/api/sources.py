from fastapi import APIRouter, Request, Response

from app.api.deps import DatabaseDep, Limit, Offset, SourceSlug, StrictQuery, respond
from app.api.docs import read_responses
from app.schemas.common import Page
from app.schemas.source import SourceDetail, SourceSummary
from app.services import sources

router = APIRouter(prefix="/sources", tags=["sources"], dependencies=[StrictQuery])


@router.get("", response_model=Page[SourceSummary], responses=read_responses(422, page=True))
async def list_sources(
    request: Request, db: DatabaseDep, limit: Limit = 20, offset: Offset = 0
) -> Response:
    """The documents, datasets and curators' notes behind the data, with their licences."""
    return respond(request, await db.read(sources.list_sources, limit=limit, offset=offset))


@router.get("/{source}", response_model=SourceDetail, responses=read_responses(404, 422))
async def read_source(source: SourceSlug, request: Request, db: DatabaseDep) -> Response:
    """One source: its anchors (the places citations point at) and what it backs."""
    return respond(request, await db.read(sources.get_source_detail, source))
