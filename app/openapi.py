"""The OpenAPI document, post-processed so it says exactly what the API does.

Every error is `application/problem+json` (FastAPI would also list `application/json`); every
operation declares 500, and those that read the database declare 503 with `Retry-After`.
"""

import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

PROBLEM = {"$ref": "#/components/schemas/ProblemDetail"}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before retrying.",
        "schema": {"type": "integer"},
    }
}
NO_DATABASE = {"/healthz"}
# Real responses from the curated data, trimmed; tests/api/test_openapi.py validates each one
# against its response model, so they cannot drift from the code.
EXAMPLES: dict[str, Any] = json.loads(
    (Path(__file__).parent / "api" / "openapi_examples.json").read_text()
)


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
            )
            for path, operations in spec["paths"].items():
                for operation in operations.values():
                    _problem_responses(path, operation["responses"])
                    _example(operation)
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _problem_responses(path: str, responses: dict[str, Any]) -> None:
    for status, response in responses.items():
        if int(status) >= 400:
            response["content"] = {"application/problem+json": {"schema": PROBLEM}}
    responses.setdefault("500", _problem("Unexpected error (never intended; please report it)."))
    if path not in NO_DATABASE:
        responses.setdefault("503", _problem("The database is unavailable; retry later."))
        responses["503"]["headers"] = RETRY_AFTER


def _example(operation: dict[str, Any]) -> None:
    content = operation["responses"].get("200", {}).get("content", {}).get("application/json")
    example = EXAMPLES.get(operation["operationId"])
    if content is not None and example is not None and "example" not in content:
        content["example"] = example


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": PROBLEM}},
    }
