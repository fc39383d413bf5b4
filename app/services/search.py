"""`/v1/search`: ranked names across drugs and effects (the catalog's in-process index)."""

from sqlalchemy.orm import Session

from app.schemas.search import SearchHit, SearchResults
from app.services.catalog import catalog


def search(session: Session, q: str, *, type: str | None, limit: int) -> SearchResults:
    matches = catalog(session).index.search(q, type=type, limit=limit)
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
            for m in matches
        ],
    )
