"""What every route shares: parameter types, the strict-query check, and `respond`, the one
way a read becomes a response (JSON once by pydantic-core, its ETag from the snapshot it was
read from, a Link header for pages)."""

import typing
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Depends, Path, Query, Request, Response

from app.db import Answer, Database
from app.edge.http_cache import etag_for
from app.enums import BodySystem, Context, IncidenceBand
from app.name_keys import MAX_NAME_LENGTH, PRINTABLE
from app.problems.exceptions import RepeatedParameter, UnknownParameter
from app.readmodel import RecordPage
from app.schemas.common import Page, PageLink, PageLinks
from app.schemas.comparison import ComparisonRead

MAX_QUERY_LENGTH = 100
MAX_OFFSET = 10_000
_PAGING = frozenset({"offset", "limit"})
_SAFE_PATH = "/:@!$&'()*+,;=-._~%"
NO_STORE = {"Cache-Control": "no-store"}

DrugName = Annotated[
    str,
    Path(
        min_length=1,
        max_length=MAX_NAME_LENGTH,
        pattern=PRINTABLE,
        description="Slug, generic, brand or ingredient name, any letter case (`clonazepam`, "
        "`Klonopin`, `venlafaxine`).",
        examples=["clonazepam"],
    ),
]
EffectName = Annotated[
    str,
    Path(
        min_length=1,
        max_length=MAX_NAME_LENGTH,
        pattern=PRINTABLE,
        description="Slug, name, synonym or MedDRA term, any letter case (`leg-cramps`, "
        "`charley horse`, `somnolence`).",
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
        description="Only records backed by this source (slug, see /v1/sources). Unknown "
        "source: 422.",
    ),
]
DrugClassFilter = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=MAX_NAME_LENGTH,
        pattern=PRINTABLE,
        description="A drug class: slug, name or alias, any case (`benzodiazepine`, `benzo`, "
        "`muscle relaxant`); see /v1/vocabularies (`drug_classes`). Unknown class: 422.",
    ),
]
SourceSlug = Annotated[
    str, Path(min_length=1, max_length=80, pattern=PRINTABLE, description="Source slug.")
]
Limit = Annotated[int, Query(ge=1, le=100, description="Page size (1-100).")]
Offset = Annotated[
    int, Query(ge=0, le=MAX_OFFSET, description=f"Records to skip (0-{MAX_OFFSET:,}).")
]
ContextFilter = Annotated[
    Context | None,
    Query(
        description="Only this context: side_effect (during use), withdrawal (after stopping "
        "or lowering the dose) or overdose."
    ),
]
BodySystemFilter = Annotated[
    BodySystem | None, Query(description="Only effects of this body system.")
]
MinIncidence = Annotated[
    IncidenceBand | None,
    Query(
        description="Only records whose summary band is this or more frequent "
        "(very_common >=10% > common 1-10% > uncommon > rare > very_rare)."
    ),
]
IncludeFlagged = Annotated[
    bool,
    Query(
        description="Also imported records flagged as probably not effects of the drug "
        "(procedures, its indications, system headings ...); each carries its `flag`."
    ),
]


async def strict_query(request: Request) -> None:
    """An unknown query parameter, or a single-valued one given twice, is a 422 naming it:
    a typo (`contxt=`) would otherwise be ignored and answer something else. (async: FastAPI
    runs a plain `def` dependency in a worker thread, a hand-off that cost more than the check.)"""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    fields = {f.alias: f for f in _query_fields(dependant)}
    for name in dict.fromkeys(request.query_params.keys()):
        field = fields.get(name)
        if field is None:
            takes = ", ".join(sorted(fields)) or "no parameters"
            raise UnknownParameter(
                f"Unknown query parameter '{name[:40]}'; this endpoint takes: {takes}.",
                loc=["query", name[:40]],
            )
        if len(request.query_params.getlist(name)) > 1 and not _is_list(field):
            raise RepeatedParameter(
                f"Query parameter '{name}' takes one value; it was given more than once.",
                loc=["query", name],
            )


def _query_fields(dependant: Any) -> list[Any]:
    fields = list(dependant.query_params)
    for sub in dependant.dependencies:
        fields += _query_fields(sub)
    return fields


def _is_list(field: Any) -> bool:
    annotation = field.field_info.annotation
    return typing.get_origin(annotation) is list or annotation is list


StrictQuery = Depends(strict_query)


async def get_database(request: Request) -> Database:
    """The app's database (attached at startup); tests override this dependency. (async: a
    plain `def` dependency would run in a worker thread.)"""
    database: Database = request.app.state.database
    return database


DatabaseDep = Annotated[Database, Depends(get_database)]


def respond(request: Request, answer: Answer[Any]) -> Response:
    """The model as JSON, with the ETag of the data it was read from; a page (or compare's
    effect matrix) gets its `next`/`prev` links in its body (`links`) and as an RFC 8288 `Link`
    header, both from `page_links`."""
    model = answer.value
    page = model.effects if isinstance(model, ComparisonRead) else model
    links = PageLinks()
    if isinstance(page, RecordPage | Page):
        links = page_links(request, page.total, page.limit, page.offset)
    if isinstance(model, RecordPage):  # stored records, spliced (app/readmodel/pages.py)
        body = model.to_json()[:-1] + b',"links":' + links.__pydantic_serializer__.to_json(links)
        body += b"}"
    else:
        if isinstance(model, Page):
            model = model.model_copy(update={"links": links})
        elif isinstance(model, ComparisonRead):
            effects = model.effects.model_copy(update={"links": links})
            model = model.model_copy(update={"effects": effects})
        body = model.__pydantic_serializer__.to_json(model)
    header = ", ".join(f'<{link.url}>; rel="{rel}"' for rel, link in links if link is not None)
    return respond_bytes(request, Answer(answer.version, body), links=header)


def respond_bytes(
    request: Request, answer: Answer[bytes], media_type: str = "application/json", links: str = ""
) -> Response:
    """A body already serialised (FHIR, stored records spliced), with the same ETag and cache
    treatment as every other read; an answer to a POST (computed from its body: the symptom
    check, CDS Hooks) is never stored (no ETag, no-store)."""
    if request.method == "POST":
        return Response(answer.value, media_type=media_type, headers=NO_STORE)
    request.state.data_version = answer.version
    headers = {"ETag": etag_for(answer.version, request.scope)}
    if links:
        headers["Link"] = links
    return Response(answer.value, media_type=media_type, headers=headers)


def page_links(request: Request, total: int, limit: int, offset: int) -> PageLinks:
    """The one Link builder: the next and previous pages of this request's list."""
    return PageLinks(
        next=_link(request, offset + limit, limit) if offset + limit < total else None,
        prev=_link(request, max(offset - limit, 0), limit) if offset > 0 else None,
    )


def _link(request: Request, offset: int, limit: int) -> PageLink:
    # The path as the client sent it, percent-encoded: a decoded name (fullwidth letters, a raw
    # byte, a space) must not reach a header, where only visible ASCII is valid.
    raw = request.scope.get("raw_path") or request.scope["path"].encode()
    path = quote(raw.split(b"?")[0], safe=_SAFE_PATH)
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in _PAGING]
    params += [("offset", str(offset)), ("limit", str(limit))]
    return PageLink(url=f"{path}?{urlencode(params)}", offset=offset)
