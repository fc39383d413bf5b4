"""What every operation declares in the OpenAPI document beyond its body: the headers of its
200, its 304, and its problems (app/openapi/document.py adds the problem schema and examples)."""

from typing import Any

from app.schemas.common import ProblemDetail

HEADERS_200 = {
    "ETag": {
        "description": "Weak validator of this body (data version, code version, URL); send it "
        "back as If-None-Match to get a 304 when nothing changed.",
        "schema": {"type": "string"},
    },
    "Cache-Control": {
        "description": "public, max-age=300 (SIDEFX_CACHE_MAX_AGE).",
        "schema": {"type": "string"},
    },
    "X-Request-ID": {
        "description": "The request's id (a sane incoming one is echoed).",
        "schema": {"type": "string"},
    },
}
LINK = {
    "Link": {
        "description": "RFC 8288 links: `next` and `prev` pages, and `</v1/meta>; "
        'rel="describedby"` (the medical disclaimer) on every response.',
        "schema": {"type": "string"},
    }
}
DESCRIBED_BY = {
    "Link": {
        "description": '`</v1/meta>; rel="describedby"`: where the medical disclaimer is.',
        "schema": {"type": "string"},
    },
}
NOT_MODIFIED = {
    "description": "Not Modified: the If-None-Match validator still names this body (no body).",
    "headers": {"ETag": HEADERS_200["ETag"], "Cache-Control": HEADERS_200["Cache-Control"]},
}


def read_responses(*problems: int, page: bool = False) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a read: its 200 headers, its 304, and the problem statuses it can give."""
    headers = {**HEADERS_200, **(LINK if page else DESCRIBED_BY)}
    out: dict[int | str, dict[str, Any]] = {200: {"headers": headers}, 304: NOT_MODIFIED}
    return out | problem_responses(*problems)


def problem_responses(*problems: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ProblemDetail, "description": "A problem."} for status in problems}
