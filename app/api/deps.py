"""Shared parameter types, pagination and the Link header."""

from typing import Annotated, Any, TypeVar
from urllib.parse import parse_qsl, urlencode

from fastapi import Path, Query, Request, Response
from pydantic import BaseModel

from app.schemas.common import Page
from app.services.pages import RawPage

T = TypeVar("T")

MAX_QUERY_LENGTH = 100
MAX_NAME_LENGTH = 200
MAX_OFFSET = 1_000_000
_PAGING = frozenset({"offset", "limit"})
# No control characters (NUL breaks PostgreSQL text, the rest is never a name).
PRINTABLE = r"^[^\x00-\x1f\x7f]+$"

DrugName = Annotated[
    str,
    Path(
        min_length=1,
        max_length=MAX_NAME_LENGTH,
        pattern=PRINTABLE,
        description="Slug, generic name or brand name, any letter case (`clonazepam`, `Klonopin`).",
        examples=["clonazepam"],
    ),
]
EffectName = Annotated[
    str,
    Path(
        min_length=1,
        max_length=MAX_NAME_LENGTH,
        pattern=PRINTABLE,
        description="Slug, name or synonym, any letter case (`leg-cramps`, `charley horse`).",
        examples=["leg-cramps"],
    ),
]
TextQuery = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=MAX_QUERY_LENGTH,
        pattern=PRINTABLE,
        description="Part of a name, brand or synonym (1-100 characters).",
    ),
]
SourceFilter = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=80,
        pattern=PRINTABLE,
        description="Only records backed by this source (slug, see /v1/sources).",
    ),
]
DrugClassFilter = Annotated[
    str | None,
    Query(min_length=1, max_length=200, pattern=PRINTABLE, description="Drug class, any case."),
]
SourceSlug = Annotated[str, Path(min_length=1, max_length=80, pattern=PRINTABLE)]
Limit = Annotated[int, Query(ge=1, le=100, description="Page size (1-100).")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Records to skip.")]


def as_json(model: BaseModel, headers: dict[str, str] | None = None) -> Response:
    """The model serialised once, by pydantic-core. Routes return this instead of the model so
    FastAPI does not validate and serialise it a second time (`response_model` still documents
    the shape)."""
    body = model.__pydantic_serializer__.to_json(model)
    return Response(body, media_type="application/json", headers=headers)


def paged(request: Request, page: Page[Any] | RawPage) -> Response:
    """A list response with RFC 8288 `next`/`prev` links."""
    links = []
    if page.offset + page.limit < page.total:
        links.append(_link(request, page.offset + page.limit, page.limit, "next"))
    if page.offset > 0:
        links.append(_link(request, max(page.offset - page.limit, 0), page.limit, "prev"))
    headers = {"Link": ", ".join(links)} if links else None
    if isinstance(page, RawPage):
        tail = f',"total":{page.total},"limit":{page.limit},"offset":{page.offset}}}'
        body = b'{"items":' + page.items_json + tail.encode()
        return Response(body, media_type="application/json", headers=headers)
    return as_json(page, headers)


def _link(request: Request, offset: int, limit: int, rel: str) -> str:
    # From the raw scope: parsing the whole URL into objects cost more than this list's query.
    query = request.scope.get("query_string", b"").decode("latin-1")
    params = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k not in _PAGING]
    params += [("offset", str(offset)), ("limit", str(limit))]
    return f'<{request.scope["path"]}?{urlencode(params)}>; rel="{rel}"'
