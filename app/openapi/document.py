"""The OpenAPI document, post-processed so it says exactly what the API does.

- Every error is `application/problem+json` with the ProblemDetail schema and an example of
  each problem the operation can answer with (its own parameters' names and limits), never one
  it cannot give (FastAPI would list `application/json` and placeholder values).
- Every operation declares 422 (unknown query parameters) and 500; those that read the database
  declare 503 with `Retry-After`; those that take a body declare 400 (not UTF-8) and 415.
- Every /v1 read declares `If-None-Match` and its 304; 200s carry a real example.
- Enum schemas carry each value's label and definition (app/vocabularies.py).
"""

import json
from enum import StrEnum
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app import enums
from app.api.docs import NOT_MODIFIED
from app.openapi.problem_examples import problem_examples
from app.vocabularies import enum_description

PROBLEM = {"$ref": "#/components/schemas/ProblemDetail"}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before retrying.",
        "schema": {"type": "integer"},
    }
}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "The ETag of a copy you hold: if it still names this answer, the answer is a "
    "304 with no body (keep your copy).",
    "schema": {"type": "string"},
}
NO_DATABASE = {"/healthz", "/v1/problems/{kind}"}
# Enums of services (not app.enums) and their descriptions.
ENUM_DESCRIPTIONS = {
    "CodeSystem": "A standard code system: `atc` (WHO ATC code), `pubchem` (PubChem compound "
    "id) and `rxnorm` (RxNorm concept id) find drugs; `umls` (UMLS concept id of an effect's "
    "MedDRA term) and `meddra` (a MedDRA term's name: SIDER gives no MedDRA ids) find effects.",
}
NDJSON = "application/x-ndjson"
EXAMPLES = Path(__file__).resolve().parent.parent / "api" / "openapi_examples.json"


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                description=app.description,
                routes=app.routes,
                tags=app.openapi_tags,
                contact=app.contact,
                license_info=app.license_info,
            )
            examples = json.loads(EXAMPLES.read_text())
            for path, operations in spec["paths"].items():
                for method, operation in operations.items():
                    if "requestBody" in operation:
                        _body_problems(operation["responses"])
                    if method == "get" and path.startswith("/v1/"):
                        _conditional(operation)
                    _problem_responses(path, operation)
                    _ok_example(operation, examples.get(operation["operationId"]))
                    _ndjson(operation)
            _enum_descriptions(spec)
            spec["components"]["schemas"].pop("HTTPValidationError", None)
            spec["components"]["schemas"].pop("ValidationError", None)
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _body_problems(responses: dict[str, Any]) -> None:
    responses.setdefault("400", {"description": "The body could not be read (not UTF-8)."})
    responses.setdefault(
        "415", {"description": "The body is not JSON (`Content-Type: application/json`)."}
    )


def _conditional(operation: dict[str, Any]) -> None:
    """Every /v1 read honours If-None-Match (app/edge/http_cache.py): a declared header parameter
    and a declared 304, so generated clients can send the one and branch on the other."""
    operation.setdefault("parameters", []).append(IF_NONE_MATCH)
    operation["responses"].setdefault("304", NOT_MODIFIED)


def _ndjson(operation: dict[str, Any]) -> None:
    """NDJSON bodies as bytes: a client reads them line by line (the trailer line last)."""
    content = operation["responses"].get("200", {}).get("content", {})
    if NDJSON in content and not content[NDJSON].get("schema"):
        content[NDJSON]["schema"] = {"type": "string", "format": "binary"}


def _ok_example(operation: dict[str, Any], example: dict[str, Any] | None) -> None:
    """A real answer of the seeded data (app/api/openapi_examples.json; a test holds each to
    what the API answers for its `url`)."""
    content = operation["responses"].get("200", {}).get("content", {})
    if example is not None and "application/json" in content:
        content["application/json"]["example"] = example["value"]


def _problem_responses(path: str, operation: dict[str, Any]) -> None:
    responses = operation["responses"]
    responses.setdefault(
        "500", {"description": "Unexpected error (never intended; please report it)."}
    )
    # Every route refuses unknown query parameters (app/api/deps.py, strict_query).
    responses.setdefault("422", {"description": "A problem with a parameter."})
    if path not in NO_DATABASE:
        responses.setdefault("503", {"description": "The database did not answer in time."})
        responses["503"]["headers"] = RETRY_AFTER
    for status, response in responses.items():
        if status == "304":
            response.pop("content", None)
        elif int(status) >= 400:
            examples = {
                kind.slug: {"summary": kind.title, "value": body}
                for kind, body in problem_examples(path, operation, int(status))
            }
            response["content"] = {
                "application/problem+json": {"schema": PROBLEM, "examples": examples}
            }


def _enum_descriptions(spec: dict[str, Any]) -> None:
    by_name = {
        cls.__name__: cls
        for cls in vars(enums).values()
        if isinstance(cls, type) and issubclass(cls, StrEnum) and cls is not StrEnum
    }
    for name, schema in spec["components"]["schemas"].items():
        enum = by_name.get(name)
        if enum is not None and "enum" in schema:
            described = enum_description(enum)
            if described:
                schema["description"] = described
        elif name in ENUM_DESCRIPTIONS:
            schema["description"] = ENUM_DESCRIPTIONS[name]
