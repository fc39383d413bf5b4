"""`/v1/search`: ranked names across drugs and effects (the in-process name index)."""

from sqlalchemy.orm import Session

from app.schemas.search import SearchHit, SearchResults
from app.services.names.index_cache import name_index

MAX_RESULTS = 200  # matches ranked per query: pages reach at most this far


def search(session: Session, q: str, *, type: str | None, limit: int, offset: int) -> SearchResults:
    matches = name_index(session).search(q, type=type, limit=MAX_RESULTS)
    page = matches[offset : offset + limit]
    return SearchResults(
        query=q,
        items=[
            SearchHit(
                type=m.entry.type,
                slug=m.entry.slug,
                name=m.entry.name,
                matched=m.entry.matched,
                match=m.kind,
                alias_kind=m.entry.alias_kind,
                score=m.score,
            )
            for m in page
        ],
        total=len(matches),
        limit=limit,
        offset=offset,
    )
