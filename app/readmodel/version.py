"""The stored data's format version: computed from what defines it, never bumped by hand.

`stored_format()` is `record-` and a SHA-256 (its first 20 hex digits) over:

- the JSON schema of DrugEffectRecord and everything it nests (serialization mode, keys
  sorted, titles and descriptions left out): a field added, removed, renamed or retyped
  changes it, a reworded description does not;
- every module of this package, normalised: `ast.dump` of its syntax tree without docstrings
  (line numbers and comments are not in the tree), so a change to a rule, an order, the
  writer or the composer changes it, and comments, docstrings and formatting do not;
- FLAG_RULES, the flag reasons the records store (their texts are the vocabulary's);
- app/name_keys.py, normalised the same way: name keys are stored (every load rekeys them), and a
  new rule needs a load (British spellings did).

Every load stores it in data_release `read-model`; while the stored value is not this code's,
/readyz says not ready and no loader skips its load as unchanged. A false change costs one
load; a missed one would serve stale bytes under a new ETag. The value is the same in every
process (nothing from hash seeds or addresses: a test compares two processes) on one Python
minor version (ast.dump's text may change between them; the project runs 3.11 everywhere).
"""

import ast
import hashlib
import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from app import name_keys
from app.effect_vocabularies import FLAG_RULES
from app.schemas.record import DrugEffectRecord

_DOCUMENTED = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


@cache
def stored_format() -> str:
    """This code's format of the stored data (computed once per process)."""
    package = sorted(Path(__file__).parent.glob("*.py"))
    sources = [(f"readmodel/{p.name}", p.read_text()) for p in package]
    sources.append(("name_keys.py", Path(name_keys.__file__).read_text()))
    return digest(DrugEffectRecord, sources, {k.value: v for k, v in FLAG_RULES.items()})


def digest(
    schema: type[BaseModel], sources: Iterable[tuple[str, str]], texts: Mapping[str, str]
) -> str:
    """The format of records shaped by SCHEMA, written by the modules SOURCES (name, source
    text), with the stored TEXTS."""
    h = hashlib.sha256()
    h.update(
        json.dumps(_shape(schema.model_json_schema(mode="serialization")), sort_keys=True).encode()
    )
    for name, source in sorted(sources):
        h.update(f"\0{name}\0{normalised(source)}".encode())
    h.update(json.dumps(dict(texts), sort_keys=True).encode())
    return "record-" + h.hexdigest()[:20]


def normalised(source: str) -> str:
    """A module's code without what does not run: comments, docstrings, layout."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, _DOCUMENTED) and _is_docstring(node.body[0]):
            node.body = node.body[1:] or [ast.Pass()]
    return ast.dump(tree)


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def _shape(schema: Any) -> Any:
    """A JSON schema without its prose (a property named `title` is a schema, not a string)."""
    if isinstance(schema, dict):
        return {
            k: _shape(v)
            for k, v in schema.items()
            if not (k in ("title", "description") and isinstance(v, str))
        }
    if isinstance(schema, list):
        return [_shape(v) for v in schema]
    return schema
