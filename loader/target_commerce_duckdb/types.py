"""JSON Schema → DuckDB column types, and how two types widen into one that holds both."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

MONEY = "DECIMAL(38,9)"  # exact; 29 integer digits and 9 decimals cover any amount vendors send
MONEY_SCALE = 9

# Each family widens left to right; across families the common type is VARCHAR.
WIDENING = (
    ("BOOLEAN",),
    ("BIGINT", MONEY, "VARCHAR"),
    ("DATE", "TIMESTAMP WITH TIME ZONE", "VARCHAR"),
    ("JSON", "VARCHAR"),
)

# singer-sdk's convention for exact decimals sent as JSON strings (SQL taps emit it).
SINGER_DECIMAL = "x-singer.decimal"


def _types(node: dict[str, Any]) -> set[str]:
    kinds: set[str] = set()
    for option in node.get("anyOf", []) + node.get("oneOf", []):
        kinds |= _types(option)
    kind = node.get("type")
    kinds |= {kind} if isinstance(kind, str) else set(kind or ())
    return kinds - {"null"}


def _formats(node: dict[str, Any]) -> set[Any]:
    return {node.get("format")} | {
        option.get("format") for option in node.get("anyOf", []) + node.get("oneOf", [])
    }


def column_type(node: dict[str, Any]) -> str:
    """One type per family, whatever the hints say: `maxLength`, `multipleOf`, `precision` and
    `scale` could only narrow a column (DuckDB's VARCHAR has no length), and a narrowed column
    would need an ALTER the day a schema drops the hint."""
    kinds = _types(node)
    formats = _formats(node)
    if kinds & {"object", "array"}:
        return "JSON" if kinds <= {"object", "array"} else "VARCHAR"
    if kinds == {"string"}:
        if "date-time" in formats:
            return "TIMESTAMP WITH TIME ZONE"
        if "date" in formats:
            return "DATE"
        if SINGER_DECIMAL in formats:
            return MONEY
        return "VARCHAR"
    if kinds == {"integer"}:
        return "BIGINT"
    if kinds and kinds <= {"integer", "number"} or SINGER_DECIMAL in formats:
        return MONEY
    if kinds == {"boolean"}:
        return "BOOLEAN"
    return "VARCHAR"


def finer_than_money(node: dict[str, Any]) -> bool:
    """Whether a property's hints ask for more decimals than MONEY keeps (the cast rounds them)."""
    scale = node.get("scale")
    step = node.get("multipleOf")
    if isinstance(scale, int) and scale > MONEY_SCALE:
        return True
    if isinstance(step, (int, float)) and not isinstance(step, bool) and step > 0:
        exponent = Decimal(str(step)).normalize().as_tuple().exponent
        return isinstance(exponent, int) and -exponent > MONEY_SCALE  # not an int: infinite
    return False


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
