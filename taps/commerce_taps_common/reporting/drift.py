"""What the vendors send that our schemas lack, for the operator who decides on a schema change.

From the run summaries in a directory (the taps' `run_summary_dir`): per tap and stream, the fields
kept in `_sdc_extra` over the newest runs (the schema does not declare them, or their value could
not be the column's type), with the rows and runs that had them and the day each was first seen.
Given a newer copy of a vendor's published API description (OpenAPI 3 or Swagger 2, JSON or YAML)
and the tap it describes: per stream, the fields the description has and the stream's schema lacks.

    python -m commerce_taps_common.reporting.drift DIRECTORY [--runs 30]
    python -m commerce_taps_common.reporting.drift DIRECTORY --spec NEWER.json --tap TAP

A stream's records are found in the description as the object schema (a component, or one written
inline in a response) sharing the most property names with the stream's schema, and at least half
of its own; top-level fields only (an expandable relation the tap does not expand is listed too).
Exits 0 whatever it finds: a report, not a check.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from commerce_taps_common.records.schemas import schema_directory
from commerce_taps_common.reporting.run_history import KINDS, RUNS, fields_seen, read_summaries

#: Property names a stream and a description's object must share to be taken as the same records
#: (and at least half of the object's).
LEAST_SHARED = 3


def load_description(path: Path) -> dict[str, Any]:
    text = path.read_text()
    if path.suffix == ".json":
        document = json.loads(text)
    else:
        document = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(document, dict):
        raise ValueError(f"{path} is not an API description (no object at its top)")
    return document


@dataclass
class Description:
    """A vendor's API description: the property names of every object schema it holds."""

    document: dict[str, Any]
    objects: list[frozenset[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        found = {frozenset(names) for names in self._walk(self.document) if names}
        self.objects = sorted(found, key=sorted)

    def _resolve(self, node: Any) -> Any:
        seen = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 20:
            target: Any = self.document
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target.get(part, {}) if isinstance(target, dict) else {}
            node, seen = target, seen + 1
        return node

    def properties(self, node: Any, depth: int = 0) -> set[str]:
        """The property names of an object schema, `allOf` parts merged, references followed."""
        node = self._resolve(node)
        if not isinstance(node, dict) or depth > 10:
            return set()
        names = set(node.get("properties") or {})
        for part in node.get("allOf") or []:
            names |= self.properties(part, depth + 1)
        return names

    def _walk(self, node: Any) -> Iterator[set[str]]:
        if isinstance(node, dict):
            if "properties" in node or "allOf" in node:
                yield self.properties(node)
            for value in node.values():
                yield from self._walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from self._walk(value)

    def records_like(self, declared: set[str]) -> frozenset[str] | None:
        """The object sharing the most property names with `declared` (fewest others on a tie)."""
        best = max(
            self.objects,
            key=lambda names: (len(names & declared), -len(names - declared)),
            default=None,
        )
        if best is None or len(best & declared) < max(LEAST_SHARED, len(best) / 2):
            return None
        return best


def spec_gaps(description: Description, tap: str) -> dict[str, list[str]]:
    """Per stream of `tap`: the fields its records have in the description and not its schema
    (streams the description does not describe are left out)."""
    schemas = schema_directory(tap)
    gaps = {}
    for path in sorted(Path(str(schemas.dir_path)).glob("*.json")):
        declared = set(schemas.fetch_schema(path.stem).get("properties", {}))
        described = description.records_like(declared)
        if described is not None:
            gaps[path.stem] = sorted(described - declared)
    return gaps


def report(directory: Path, runs: int, spec: Path | None, tap: str | None) -> list[str]:
    summaries, _ = read_summaries(directory)
    lines = [f"Fields kept in _sdc_extra, the newest {runs} runs of each tap in {directory}:"]
    seen = fields_seen(summaries, runs)
    lines += [
        f"  {each.tap} {each.stream}.{each.field}: {KINDS[each.kind]}; {each.rows:,} rows in "
        f"{each.runs} runs, first seen {each.first_seen}, last {each.last_seen}"
        for each in seen
    ] or ["  none"]
    if spec is not None and tap is not None:
        lines.append(f"Fields {spec.name} describes that the {tap} schemas lack:")
        gaps = spec_gaps(Description(load_description(spec)), tap)
        lines += [
            f"  {stream}: {', '.join(fields)}" for stream, fields in gaps.items() if fields
        ] or ["  none"]
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path, help="the taps' run_summary_dir")
    parser.add_argument("--runs", type=int, default=RUNS, help=f"newest runs per tap ({RUNS})")
    parser.add_argument("--spec", type=Path, help="a newer API description of the vendor")
    parser.add_argument("--tap", help="the tap the description is for, e.g. tap-zoom-commerce")
    arguments = parser.parse_args(argv)
    if (arguments.spec is None) != (arguments.tap is None):
        sys.exit("drift: --spec and --tap go together: name the tap the description is for")
    if not arguments.directory.is_dir():
        sys.exit(f"drift: {arguments.directory} is not a directory: give the taps' run_summary_dir")
    if arguments.spec is not None and not arguments.spec.is_file():
        sys.exit(f"drift: --spec {arguments.spec}: no such file")
    try:
        lines = report(arguments.directory, arguments.runs, arguments.spec, arguments.tap)
    except FileNotFoundError as missing:  # a tap with no schemas
        sys.exit(f"drift: --tap {arguments.tap}: {missing}")
    except (ValueError, yaml.YAMLError) as unreadable:
        sys.exit(
            f"drift: --spec {arguments.spec}: not readable as JSON or YAML: "
            f"{str(unreadable).splitlines()[0]}"
        )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
