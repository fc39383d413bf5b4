"""The read model's place in the import graph: it imports no loader, service or route; code
outside it uses its public surface (`app.readmodel`), never its modules; and only the loaders
and the CLI import a loader."""

import ast
from collections.abc import Iterator
from pathlib import Path

import app.readmodel
from tests.conftest import ROOT

APP = ROOT / "app"
ABOVE_READ_MODEL = ("app.importers", "app.services", "app.api", "app.main", "app.cli")


def imports(path: Path) -> Iterator[tuple[str, list[str]]]:
    """(module, names) of each absolute import in PATH."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def under(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def test_the_read_model_imports_no_loader_service_or_route() -> None:
    wrong = [
        (path.name, module)
        for path in sorted((APP / "readmodel").glob("*.py"))
        for module, _ in imports(path)
        if under(module, ABOVE_READ_MODEL)
    ]
    assert not wrong


def test_code_outside_the_read_model_imports_only_its_public_names() -> None:
    public = set(app.readmodel.__all__)
    wrong = []
    for path in sorted([*APP.rglob("*.py"), *(ROOT / "migrations").rglob("*.py")]):
        if under(module_name(path), ("app.readmodel",)):
            continue
        for module, names in imports(path):
            if module.startswith("app.readmodel."):
                wrong.append((module_name(path), module))
            elif module == "app.readmodel":
                wrong += [(module_name(path), name) for name in names if name not in public]
    assert not wrong


def test_only_loaders_and_the_cli_import_a_loader() -> None:
    wrong = [
        (module_name(path), module)
        for path in sorted(APP.rglob("*.py"))
        if not under(module_name(path), ("app.importers",))
        and not module_name(path).startswith("app.cli")
        for module, _ in imports(path)
        if under(module, ("app.importers",))
    ]
    assert not wrong
