from fastapi import APIRouter, Request, Response

from app.api.deps import Limit, Offset, SourceSlug, paged
from app.db import DatabaseDep
from app.schemas.common import Page, problem_responses
from app.schemas.drug import SourceSummary
from app.schemas.source import SourceDetail
from app.services import sources

router = APIRouter(prefix="/sources", tags=["sources"])


@router.get("", response_model=Page[SourceSummary], responses=problem_responses(422))
def list_sources(
    db: DatabaseDep, request: Request, response: Response, limit: Limit = 20, offset: Offset = 0
) -> Page[SourceSummary]:
    """The documents and datasets behind the data, with their licences."""
    page = db.run(sources.list_sources, limit=limit, offset=offset)
    paged(request, response, page)
    return page


@router.get("/{source}", response_model=SourceDetail, responses=problem_responses(404, 422))
def read_source(source: SourceSlug, db: DatabaseDep) -> SourceDetail:
    """One source and what it backs."""
    return db.run(sources.get_source_detail, source)
