"""Problem examples of an operation in the OpenAPI document: only problems it can answer with,
each worded as it would be (its own parameters' names and limits). A test asks each operation
each of its examples and compares (tests/api/test_openapi_examples.py)."""

from typing import Any

from app import problems

# Which problem types each status can carry, where an operation does not say more.
BY_STATUS: dict[int, list[problems.ProblemType]] = {}
for _kind in problems.ALL:
    BY_STATUS.setdefault(_kind.status, []).append(_kind)
# 404s a name in the query or body can give (names in the path are read from the path).
NAMES_404 = {
    "compare_drugs": [problems.UNKNOWN_DRUG],
    "check_symptom": [problems.UNKNOWN_DRUG, problems.UNKNOWN_EFFECT],
}

Example = tuple[problems.ProblemType, dict[str, Any]]
# Filters whose value must name something: what an unknown one is told.
UNKNOWN_VALUES = {
    "source": "query.source: no source named 'nope'; see /v1/sources for the slugs.",
    "drug_class": "query.drug_class: no drug class named 'nope'; classes: ... (see "
    "/v1/vocabularies).",
}


def problem_examples(path: str, operation: dict[str, Any], status: int) -> list[Example]:
    """The problems this operation can answer with STATUS, each with a body it could send."""
    if status == 404:
        kinds = _not_found(path, operation)
        return [(k, _example(k, path, k.example)) for k in kinds]
    if status == 422:
        return _invalid(path, operation)
    kinds = BY_STATUS.get(status, [problems.BY_STATUS[500]])
    return [(k, _example(k, path, k.example)) for k in kinds]


def _not_found(path: str, operation: dict[str, Any]) -> list[problems.ProblemType]:
    kinds = list(NAMES_404.get(operation.get("operationId", ""), []))
    if "{drug}" in path:
        kinds.append(problems.UNKNOWN_DRUG)
    if "{effect}" in path:
        kinds.append(problems.UNKNOWN_EFFECT)
    if "{drug}" in path and "{effect}" in path:
        kinds.append(problems.NO_RECORD)
    if "{source}" in path:
        kinds.append(problems.UNKNOWN_SOURCE)
    return kinds or [problems.NOT_FOUND]


def _invalid(path: str, operation: dict[str, Any]) -> list[Example]:
    params = [p for p in operation.get("parameters", []) if p["in"] in ("query", "path")]
    query = [p for p in params if p["in"] == "query"]
    takes = ", ".join(sorted(p["name"] for p in query)) or "no parameters"
    out = [
        _error(
            problems.UNKNOWN_PARAMETER,
            path,
            f"Unknown query parameter 'contxt'; this endpoint takes: {takes}.",
            ["query", "contxt"],
            "unknown_parameter",
        )
    ]
    single = [p for p in query if p["schema"].get("type") != "array"]
    if single:
        name = single[0]["name"]
        detail = f"Query parameter '{name}' takes one value; it was given more than once."
        out.append(
            _error(problems.REPEATED_PARAMETER, path, detail, ["query", name], "repeated_parameter")
        )
    invalid = _invalid_value(params, "requestBody" in operation)
    if invalid is not None:
        loc, msg, type_, limit = invalid
        detail = f"{'.'.join(map(str, loc))}: {msg}"
        out.append(_error(problems.INVALID_PARAMETER, path, detail, loc, type_, limit, msg))
    for name, detail in UNKNOWN_VALUES.items():  # a filter naming nothing: 422, never 404
        if any(p["name"] == name for p in query):
            out.append(
                _error(problems.INVALID_PARAMETER, path, detail, ["query", name], "value_error")
            )
    if any(p["name"] == "drugs" for p in query):
        for kind, got, limit in ((problems.TOO_MANY_DRUGS, 11, 10), (problems.TOO_FEW_DRUGS, 1, 2)):
            detail = f"Compare takes 2 to 10 drugs, comma-separated; got {got}."
            out.append(_error(kind, path, detail, ["query", "drugs"], kind.slug.replace("-", "_"),
                              limit))  # fmt: skip
    return out


def _invalid_value(
    params: list[dict[str, Any]], body: bool
) -> tuple[list[str | int], str, str, int | None] | None:
    """An invalid value this operation's parameters can be given, as pydantic words it."""
    for p in params:
        maximum = _schema(p).get("maximum")
        if p["name"] == "limit" and maximum is not None:
            return (
                ["query", "limit"],
                f"Input should be less than or equal to {maximum}",
                "less_than_equal",
                maximum,
            )
    for p in params:
        longest = _schema(p).get("maxLength")
        if longest is not None:
            return (
                [p["in"], p["name"]],
                f"String should have at most {longest} characters",
                "string_too_long",
                longest,
            )
    if body:
        return (
            ["body", "medications"],
            "List should have at most 20 items after validation, not 21",
            "too_long",
            20,
        )
    return None


def _schema(parameter: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = parameter.get("schema", {})
    # Optional parameters are `anyOf: [{...}, {type: null}]`.
    return next((s for s in schema.get("anyOf", []) if s.get("type") != "null"), schema)


def _error(
    kind: problems.ProblemType,
    path: str,
    detail: str,
    loc: list[str | int],
    type_: str,
    limit: int | None = None,
    msg: str | None = None,
) -> Example:
    error: dict[str, Any] = {"loc": loc, "msg": msg or detail, "type": type_}
    if limit is not None:
        error["limit"] = limit
    return kind, _example(kind, path, detail) | {"errors": [error]}


def _example(kind: problems.ProblemType, path: str, detail: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": kind.uri,
        "title": kind.title,
        "status": kind.status,
        "detail": detail,
        "instance": path,
        "request_id": "9f1c2d3e4b5a69780000000000000001",
    }
    if kind.example_suggestions:
        body["suggestions"] = list(kind.example_suggestions)
    return body
