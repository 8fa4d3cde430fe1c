"""The sandbox's own structure, in process: every vendor's declared stream keys identify the rows of
its truth, and the sandbox's modules import one another without a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import commerce_sandbox
from commerce_sandbox.clock import Clock
from commerce_sandbox.vendor import StreamKey
from commerce_sandbox.vendors import VENDORS

PACKAGE = Path(commerce_sandbox.__file__).parent


def key_of(record: dict, key: StreamKey) -> tuple:
    return tuple(record[name] for name in ((key,) if isinstance(key, str) else key))


@pytest.mark.parametrize("prefix", VENDORS)
def test_stream_keys_identify_every_row_of_the_truth_as_the_world_moves(prefix):
    vendor = VENDORS[prefix](seed=1, scale=3, clock=Clock())
    for days in (0, 30):
        start, end = vendor.clock.advance(days * 86400)
        vendor.advance(start, end)
        for stream, key in vendor.stream_keys.items():
            rows = vendor.truth(stream)
            assert rows, f"{prefix}.{stream}: no truth to compare a warehouse table with"
            keys = [key_of(row, key) for row in rows]
            assert all(None not in values for values in keys), (prefix, stream)
            assert len(set(keys)) == len(keys), f"{prefix}.{stream}: {key} is not unique"


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
