"""The kinds of problem the API answers with (RFC 9457), each with its own `type` URI.

A client tells problems apart by `type` (`/v1/problems/unknown-drug`), never by parsing
`detail`. Each type is documented at its URI (GET it) and in the OpenAPI document. The
exceptions carrying each kind are app/problems/exceptions.py. Below every layer that raises or
writes problems (services, the database handle, routes, the edge): imports only app.url_paths.
"""

from dataclasses import dataclass

from app.url_paths import PROBLEMS_PATH


@dataclass(frozen=True, slots=True)
class ProblemType:
    slug: str
    status: int
    title: str
    description: str
    example: str  # an example `detail`
    # An example's `errors` (422s) and `suggestions` (unknown names), as real answers have them.
    example_errors: tuple[tuple[str, str, str, int | None], ...] = ()  # (loc, name, type, limit)
    example_suggestions: tuple[str, ...] = ()

    @property
    def uri(self) -> str:
        return f"{PROBLEMS_PATH}/{self.slug}"


def _p(
    slug: str,
    status: int,
    title: str,
    description: str,
    example: str,
    errors: tuple[tuple[str, str, str, int | None], ...] = (),
    suggestions: tuple[str, ...] = (),
) -> ProblemType:
    return ProblemType(slug, status, title, description, example, errors, suggestions)


UNKNOWN_DRUG = _p(
    "unknown-drug",
    404,
    "Unknown drug",
    "No drug has this slug, name, brand name or ingredient name. `suggestions` lists close "
    "names; `/v1/search` finds misspellings.",
    "No drug named 'klonopn'. Did you mean: clonazepam?",
    suggestions=("clonazepam",),
)
UNKNOWN_EFFECT = _p(
    "unknown-effect",
    404,
    "Unknown effect",
    "No effect has this slug, name, synonym or MedDRA term. `suggestions` lists close names.",
    "No effect named 'leg cramp!'. Did you mean: leg-cramps?",
    suggestions=("leg-cramps",),
)
UNKNOWN_SOURCE = _p(
    "unknown-source",
    404,
    "Unknown source",
    "No source has this slug; `/v1/sources` lists them.",
    "No source named 'sider-5'; see /v1/sources.",
)
NO_RECORD = _p(
    "no-record",
    404,
    "No record for this drug and effect",
    "Both names are known, but no source links the drug to the effect, directly or through a "
    "broader or narrower term. Absence of a record is not evidence that the drug is safe.",
    "No source links clonazepam to nausea; see /v1/drugs/clonazepam/effects.",
)
NOT_FOUND = _p(
    "not-found",
    404,
    "Not Found",
    "No endpoint has this path.",
    "No endpoint at /v1/drug.",
)
METHOD_NOT_ALLOWED = _p(
    "method-not-allowed",
    405,
    "Method Not Allowed",
    "The path exists but does not take this method (reads are GET or HEAD).",
    "Method Not Allowed",
)
INVALID_PARAMETER = _p(
    "invalid-parameter",
    422,
    "Invalid parameter",
    "A parameter or body field breaks a documented rule; `errors` lists each one with its "
    "location, message and, where one applies, the limit.",
    "query.limit: Input should be less than or equal to 100",
    (("query", "limit", "less_than_equal", 100),),
)
UNKNOWN_PARAMETER = _p(
    "unknown-parameter",
    422,
    "Unknown parameter",
    "The query has a parameter this endpoint does not take (a typo would otherwise be "
    "ignored silently); `detail` lists the ones it takes.",
    "Unknown query parameter 'contxt'; this endpoint takes: context, limit, offset.",
    (("query", "contxt", "unknown_parameter", None),),
)
REPEATED_PARAMETER = _p(
    "repeated-parameter",
    422,
    "Repeated parameter",
    "A parameter that takes one value was given more than once (`limit=5&limit=50`): which "
    "one was meant is not guessed.",
    "Query parameter 'limit' takes one value; it was given more than once.",
    (("query", "limit", "repeated_parameter", None),),
)
TOO_MANY_DRUGS = _p(
    "too-many-drugs",
    422,
    "Too many drugs",
    "Compare takes at most 10 drugs.",
    "Compare takes 2 to 10 drugs, comma-separated; got 11.",
    (("query", "drugs", "too_many_drugs", 10),),
)
TOO_FEW_DRUGS = _p(
    "too-few-drugs",
    422,
    "Too few drugs",
    "Compare needs at least 2 different drugs; `/v1/drugs/{drug}` describes one.",
    "Compare takes 2 to 10 drugs, comma-separated; got 1.",
    (("query", "drugs", "too_few_drugs", 2),),
)
CONTENT_TOO_LARGE = _p(
    "content-too-large",
    413,
    "Content Too Large",
    "Request bodies are limited to 64 KiB.",
    "Request bodies are limited to 65536 bytes.",
)
HEADERS_TOO_LARGE = _p(
    "headers-too-large",
    431,
    "Request Header Fields Too Large",
    "The request line and headers together are limited (SIDEFX_MAX_HEADER_BYTES, 16 KiB by "
    "default); the connection is closed.",
    "The request head exceeds 16384 bytes.",
)
REQUEST_TIMEOUT = _p(
    "request-timeout",
    408,
    "Request Timeout",
    "The request line and headers did not arrive within SIDEFX_HEADER_TIMEOUT seconds, or the "
    "body within SIDEFX_BODY_TIMEOUT seconds of them (10 each by default); the connection is "
    "closed.",
    "The request head took over 10 s.",
)
UNSUPPORTED_MEDIA_TYPE = _p(
    "unsupported-media-type",
    415,
    "Unsupported Media Type",
    "The body must be JSON, sent with `Content-Type: application/json`.",
    "Send the body as JSON, with Content-Type: application/json (got text/plain).",
)
VERSION_NOT_SUPPORTED = _p(
    "http-version-not-supported",
    505,
    "HTTP Version Not Supported",
    "The server speaks HTTP/1.1 and HTTP/1.0 on this connection; the connection is closed.",
    "HTTP/2.0 is not supported on this connection; use HTTP/1.1.",
)
BAD_REQUEST = _p(
    "bad-request",
    400,
    "Bad Request",
    "The request is not valid HTTP (a malformed request line or header, an unknown method, "
    "conflicting lengths, an HTTP/1.1 request without exactly one Host header) and the "
    "connection is closed; or its body could not be read (not UTF-8).",
    "Invalid HTTP request received.",
)
SERVICE_UNAVAILABLE = _p(
    "service-unavailable",
    503,
    "Service Unavailable",
    "The database did not answer in time, or cannot be reached, or too many costly requests "
    "(compare, FHIR Bundles, symptom checks, exports) are running at once. Retry after "
    "`Retry-After` seconds; nothing was changed.",
    "The database did not answer within 5 s; retry later.",
)
INTERNAL_ERROR = _p(
    "internal-error",
    500,
    "Internal Server Error",
    "An unexpected error; it is logged with the request id. Never intended: please report it.",
    "An unexpected error occurred.",
)

ALL = (
    UNKNOWN_DRUG,
    UNKNOWN_EFFECT,
    UNKNOWN_SOURCE,
    NO_RECORD,
    NOT_FOUND,
    METHOD_NOT_ALLOWED,
    INVALID_PARAMETER,
    UNKNOWN_PARAMETER,
    REPEATED_PARAMETER,
    TOO_MANY_DRUGS,
    TOO_FEW_DRUGS,
    CONTENT_TOO_LARGE,
    HEADERS_TOO_LARGE,
    REQUEST_TIMEOUT,
    UNSUPPORTED_MEDIA_TYPE,
    BAD_REQUEST,
    VERSION_NOT_SUPPORTED,
    SERVICE_UNAVAILABLE,
    INTERNAL_ERROR,
)
BY_SLUG = {p.slug: p for p in ALL}
# The generic kind of each status (an HTTP error raised by the framework, not by a service).
BY_STATUS = {
    p.status: p
    for p in (
        NOT_FOUND,
        METHOD_NOT_ALLOWED,
        INVALID_PARAMETER,
        CONTENT_TOO_LARGE,
        HEADERS_TOO_LARGE,
        UNSUPPORTED_MEDIA_TYPE,
        BAD_REQUEST,
        SERVICE_UNAVAILABLE,
        INTERNAL_ERROR,
    )
}
