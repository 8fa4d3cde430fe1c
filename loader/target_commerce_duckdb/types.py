"""JSON Schema → DuckDB column types, and how two types widen into one that holds both."""

from __future__ import annotations

from typing import Any

MONEY = "DECIMAL(38,9)"  # exact; 29 integer digits and 9 decimals cover any amount vendors send

# Each family widens left to right; across families the common type is VARCHAR.
WIDENING = (
    ("BOOLEAN",),
    ("BIGINT", MONEY, "VARCHAR"),
    ("DATE", "TIMESTAMP WITH TIME ZONE", "VARCHAR"),
    ("JSON", "VARCHAR"),
)


def _types(node: dict[str, Any]) -> set[str]:
    kinds: set[str] = set()
    for option in node.get("anyOf", []) + node.get("oneOf", []):
        kinds |= _types(option)
    kind = node.get("type")
    kinds |= {kind} if isinstance(kind, str) else set(kind or ())
    return kinds - {"null"}


def column_type(node: dict[str, Any]) -> str:
    kinds = _types(node)
    formats = {node.get("format")} | {option.get("format") for option in node.get("anyOf", [])}
    if kinds & {"object", "array"}:
        return "JSON" if kinds <= {"object", "array"} else "VARCHAR"
    if kinds == {"string"}:
        if "date-time" in formats:
            return "TIMESTAMP WITH TIME ZONE"
        if "date" in formats:
            return "DATE"
        return "VARCHAR"
    if kinds == {"integer"}:
        return "BIGINT"
    if kinds and kinds <= {"integer", "number"}:
        return MONEY
    if kinds == {"boolean"}:
        return "BOOLEAN"
    return "VARCHAR"


def normalise(duckdb_type: str) -> str:
    """DuckDB's spelling in information_schema → ours."""
    upper = duckdb_type.upper()
    if upper.startswith("DECIMAL"):
        return MONEY
    return {"TIMESTAMPTZ": "TIMESTAMP WITH TIME ZONE", "INT64": "BIGINT"}.get(upper, upper)


def wider(current: str, incoming: str) -> str:
    """The narrowest type holding every value of both."""
    if current == incoming:
        return current
    for family in WIDENING:
        if current in family and incoming in family:
            return family[max(family.index(current), family.index(incoming))]
    return "VARCHAR"
