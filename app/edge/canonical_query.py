"""The canonical form of a read's query string: parameters sorted by name, defaults dropped.

`/v1/drugs/clonazepam/effects` and `...?include_flagged=false&limit=20&offset=0` (what a
generated client sends) ask the same question, so they get one response-cache entry and one
ETag (app/edge/http_cache.py keys both on this form). Only a parameter given once with its route's
default value is dropped; anything else (an invalid value, a repeat, an unknown name) is kept
for the route to judge. Values are never re-encoded; parameters of one name keep their order.
"""

import re
from typing import Any
from urllib.parse import unquote_plus

from fastapi.routing import APIRoute
from starlette.routing import compile_path
from starlette.types import Scope

# What pydantic reads as a bool (lax mode), by the value it reads.
_BOOLS = {
    False: frozenset({"0", "off", "f", "false", "n", "no"}),
    True: frozenset({"1", "on", "t", "true", "y", "yes"}),
}


def canonical_query(scope: Scope) -> bytes:
    query: bytes = scope.get("query_string", b"")
    if not query:
        return query
    pieces = [(_name(p), p) for p in query.split(b"&") if p]
    names = [n for n, _ in pieces]
    table: QueryDefaults | None = getattr(scope["app"].state, "query_defaults", None)
    if table is not None and any(n in table.names for n in names):
        defaults = table.of(scope["path"])
        pieces = [
            (n, p)
            for n, p in pieces
            if not (n in defaults and names.count(n) == 1 and _is_default(p, defaults[n]))
        ]
    return b"&".join(p for _, p in sorted(pieces, key=lambda piece: piece[0]))


def _name(piece: bytes) -> str:
    return unquote_plus(piece.split(b"=", 1)[0].decode("latin-1"))


def _is_default(piece: bytes, default: Any) -> bool:
    value = unquote_plus(piece.split(b"=", 1)[1].decode("latin-1")) if b"=" in piece else ""
    if isinstance(default, bool):
        return value.lower() in _BOOLS[default]
    if isinstance(default, int):
        return value.isascii() and value.isdigit() and int(value) == default
    return False


class QueryDefaults:
    """Each GET route's query parameters that have a bool or int default, by path."""

    def __init__(self, routers: list[tuple[str, Any]]) -> None:
        self.routes: list[tuple[re.Pattern[str], dict[str, Any]]] = []
        for prefix, router in routers:
            for route in router.routes:
                if isinstance(route, APIRoute) and "GET" in (route.methods or ()):
                    defaults = {
                        field.alias: field.default
                        for field in _query_fields(route.dependant)
                        if isinstance(field.default, bool | int)
                        and not field.field_info.is_required()
                    }
                    if defaults:
                        self.routes.append((compile_path(prefix + route.path)[0], defaults))
        self.names = {name for _, defaults in self.routes for name in defaults}

    def of(self, path: str) -> dict[str, Any]:
        return next((d for regex, d in self.routes if regex.match(path)), {})


def _query_fields(dependant: Any) -> list[Any]:
    fields = list(dependant.query_params)
    for sub in dependant.dependencies:
        fields += _query_fields(sub)
    return fields
