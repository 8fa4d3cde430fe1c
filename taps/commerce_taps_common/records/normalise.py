"""Records made to say what their schema says, whatever spelling the vendor used: date-times in
UTC, dates as `YYYY-MM-DD` (from a date with a time of day or a written-out date), numbers from
strings (exact, as Decimal), numbers as text where the schema says text, and empty strings as
null where a string is not what the field is. Nested objects and arrays are handled as the schema
describes them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from commerce_taps_common.dates import to_utc_text

Fix = Callable[[Any], Any]
ISO_DATE_PREFIX = re.compile(r"(\d{4}-\d{2}-\d{2})(?:$|[ T])")
NUMBER_TYPES = (int, float, Decimal)  # not bool: a type test, not isinstance
WRITTEN_DATES = ("%d %b %Y", "%b %d, %Y", "%d-%b-%Y", "%d %B %Y", "%B %d, %Y")


def to_iso_date(value: str) -> str:
    """`2024-03-05`, `2024-03-05 10:30:00`, `2024-03-05T10:30:00+05:30` (the vendor's own calendar
    day is kept), `05 Mar 2024`, `Mar 05, 2024` → `2024-03-05`. Anything else is left as it is,
    for schema validation to report."""
    if match := ISO_DATE_PREFIX.match(value):
        return match.group(1)
    for pattern in WRITTEN_DATES:
        try:
            return dt.datetime.strptime(value.strip(), pattern).date().isoformat()
        except ValueError:
            continue
    return value


def to_number(value: str, integer: bool) -> Any:
    text = value.strip().replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return value
    if integer:
        return int(number) if number == number.to_integral_value() else value
    return number


def to_text(number: int | float | Decimal) -> str:
    """`3000000007`, `3000000007.0` → `"3000000007"`; a fraction keeps its digits."""
    exact = Decimal(str(number)) if isinstance(number, float) else Decimal(number)
    return str(int(exact)) if exact == exact.to_integral_value() else str(exact)


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("type", [])
    return {kind} if isinstance(kind, str) else set(kind)


def _is_plain_text(node: dict[str, Any]) -> bool:
    return (
        _types(node) <= {"string", "null"} and "string" in _types(node) and not node.get("format")
    )


def _scalar_fix(node: dict[str, Any]) -> Fix | None:
    types, form = _types(node), node.get("format")
    if form == "date-time":
        return lambda value: (
            (to_utc_text(value) if value else None) if isinstance(value, str) else value
        )
    if form == "date":
        return lambda value: (
            (to_iso_date(value) if value else None) if isinstance(value, str) else value
        )
    if "string" in types:
        # An identifier the vendor writes as a number (Zoom's zoom_account_numbers): text.
        return lambda value: to_text(value) if type(value) in NUMBER_TYPES else value
    if types & {"number", "integer"}:
        integer = "number" not in types
        return lambda value: (
            (to_number(value, integer) if value.strip() else None)
            if isinstance(value, str)
            else value
        )
    if types & {"boolean", "object", "array"}:
        return lambda value: None if value == "" else value
    return None


def record_normaliser(schema: dict[str, Any]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A function normalising, in place, every field of a record that its schema types."""

    def build(node: dict[str, Any]) -> Fix | None:
        types = _types(node)
        if "object" in types and node.get("properties"):
            # Plain text fields take a type test, not a call: most fields are text.
            texts = tuple(
                name for name, child in node["properties"].items() if _is_plain_text(child)
            )
            fields = {
                name: fix
                for name, child in node["properties"].items()
                if name not in texts and (fix := build(child))
            }
            if not fields and not texts:
                return _scalar_fix(node)

            def fix_object(value: Any) -> Any:
                if value == "":
                    return None
                if isinstance(value, dict):
                    for name in texts:
                        if type(value.get(name)) in NUMBER_TYPES:
                            value[name] = to_text(value[name])
                    for name, fix in fields.items():
                        if name in value:
                            value[name] = fix(value[name])
                return value

            return fix_object
        if "array" in types and isinstance(node.get("items"), dict):
            fix_item = build(node["items"])
            if fix_item:
                return lambda value: (
                    [fix_item(item) for item in value]
                    if isinstance(value, list)
                    else (None if value == "" else value)
                )
        return _scalar_fix(node)

    return build(schema) or (lambda record: record)
