"""The import graph of `app/`: each room imports only the rooms below it, and the rooms form no
cycle, so a newcomer can read the code from the bottom up (docs/architecture.md, "Layers")."""

import ast
from collections import defaultdict
from pathlib import Path

from tests.conftest import ROOT

# Lowest first. A module may import its own room and any room in a lower layer; rooms in one
# layer never import each other (loaders and services are both fed by the read model, not by
# each other).
LAYERS: list[tuple[str, ...]] = [
    ("app.config", "app.enums", "app.name_keys", "app.url_paths", "app.logging_config"),
    ("app.problems", "app.effect_vocabularies", "app.db_calls"),
    ("app.models", "app.schemas", "app.vocabularies"),
    ("app.db", "app.db_bulk"),
    ("app.readmodel",),
    ("app.importers", "app.services", "app.edge"),
    ("app.api",),
    ("app.openapi", "app.mcp_tools"),  # both read the routes' shared bounds
    ("app.mcp_http",),
    ("app.main", "app.cli"),
]
LAYER = {room: depth for depth, rooms in enumerate(LAYERS) for room in rooms}


def room_of(module: str) -> str:
    parts = module.split(".")
    for size in range(len(parts), 0, -1):
        if ".".join(parts[:size]) in LAYER:
            return ".".join(parts[:size])
    raise AssertionError(f"{module} is in no room of LAYERS: add it where it belongs")


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def room_imports() -> dict[str, set[tuple[str, str]]]:
    """Each room's imports of other rooms, as (importing module, imported module)."""
    arrows: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for path in sorted((ROOT / "app").rglob("*.py")):
        here = module_name(path)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            for target in targets:
                if target == "app" and isinstance(node, ast.ImportFrom):
                    targets += [f"app.{alias.name}" for alias in node.names]
                elif target.startswith("app.") and room_of(target) != room_of(here):
                    arrows[room_of(here)].add((here, target))
    return arrows


def test_every_module_is_in_a_room() -> None:
    for path in (ROOT / "app").rglob("*.py"):
        if path.name != "__init__.py" or path.parent != ROOT / "app":
            room_of(module_name(path))


def test_no_room_imports_a_room_above_or_beside_it() -> None:
    wrong = sorted(
        (here, target)
        for room, arrows in room_imports().items()
        for here, target in arrows
        if LAYER[room_of(target)] >= LAYER[room]
    )
    assert not wrong
