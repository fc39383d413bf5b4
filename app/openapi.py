"""The OpenAPI document, post-processed so it says exactly what the API does.

- Every error is `application/problem+json` with the ProblemDetail schema and a real example of
  each problem type the status can carry (FastAPI would list `application/json` and
  placeholder values).
- Every operation declares 500; those that read the database declare 503 with `Retry-After`;
  those that take a body declare 400 (not UTF-8) and 415 (not JSON).
- Enum schemas carry each value's label and definition (app/vocabularies.py).
"""

from enum import StrEnum
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app import enums, problems
from app.vocabularies import enum_description

PROBLEM = {"$ref": "#/components/schemas/ProblemDetail"}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before retrying.",
        "schema": {"type": "integer"},
    }
}
NO_DATABASE = {"/healthz", "/v1/problems/{kind}"}
# Which problem types each status can carry, for the examples.
BY_STATUS: dict[int, list[problems.ProblemType]] = {}
for _kind in problems.ALL:
    BY_STATUS.setdefault(_kind.status, []).append(_kind)


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
            for path, operations in spec["paths"].items():
                for operation in operations.values():
                    if "requestBody" in operation:
                        _body_problems(operation["responses"])
                    _problem_responses(path, operation["responses"])
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


def _problem_responses(path: str, responses: dict[str, Any]) -> None:
    responses.setdefault(
        "500", {"description": "Unexpected error (never intended; please report it)."}
    )
    if path not in NO_DATABASE:
        responses.setdefault("503", {"description": "The database did not answer in time."})
        responses["503"]["headers"] = RETRY_AFTER
    for status, response in responses.items():
        if status == "304":
            response.pop("content", None)
        elif int(status) >= 400:
            kinds = BY_STATUS.get(int(status), [problems.BY_STATUS[500]])
            response["content"] = {
                "application/problem+json": {
                    "schema": PROBLEM,
                    "examples": {
                        k.slug: {"summary": k.title, "value": _example(k, path)} for k in kinds
                    },
                }
            }


def _example(kind: problems.ProblemType, path: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": kind.uri,
        "title": kind.title,
        "status": kind.status,
        "detail": kind.example,
        "instance": path,
        "request_id": "9f1c2d3e4b5a69780000000000000001",
    }
    if kind.example_errors:
        body["errors"] = [
            {"loc": [where, name], "msg": kind.example, "type": type_}
            | ({"limit": limit} if limit is not None else {})
            for where, name, type_, limit in kind.example_errors
        ]
    if kind.example_suggestions:
        body["suggestions"] = list(kind.example_suggestions)
    return body


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
