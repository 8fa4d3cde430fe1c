"""The sandbox's own structure, in process: its modules import one another without a cycle (what
every world holds, keys included: test_sandbox_any_day.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import commerce_sandbox

PACKAGE = Path(commerce_sandbox.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_the_sandbox_modules_import_one_another_without_a_cycle():
    # Every import counts, a deferred one inside a function too: a deferred import only hides a
    # cycle. A module importing its own package's __init__ implicitly is not an edge here.
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    imports = {}
    for module, path in modules.items():
        imported = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module in modules:
                # `from package import submodule` imports the submodule.
                submodules = {f"{node.module}.{alias.name}" for alias in node.names}
                imported |= (submodules & modules.keys()) or {node.module}
            elif isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names} & modules.keys()
        imports[module] = imported

    def cycle_from(module: str, path: tuple[str, ...]) -> tuple[str, ...] | None:
        if module in path:
            return (*path[path.index(module) :], module)
        for imported in sorted(imports.get(module, ())):
            if found := cycle_from(imported, (*path, module)):
                return found
        return None

    cycles = {found for module in imports if (found := cycle_from(module, ()))}
    assert not cycles, " ; ".join(" -> ".join(cycle) for cycle in sorted(cycles))
