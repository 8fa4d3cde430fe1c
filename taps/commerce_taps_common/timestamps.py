"""Timestamps: parse what vendors send, emit UTC."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

UTC = dt.timezone.utc


def parse_instant(value: str) -> dt.datetime:
    """An ISO-8601 timestamp with an offset or `Z`; a naive one is taken as UTC."""
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def to_utc_text(value: str | dt.datetime) -> str:
    """`2023-01-31T05:22:16-08:00` → `2023-01-31T13:22:16+00:00`: one spelling, so bookmarks
    compare correctly as text and the loader stores one instant."""
    instant = parse_instant(value) if isinstance(value, str) else value
    return instant.astimezone(UTC).isoformat()


def date_time_normaliser(schema: dict[str, Any]) -> Callable[[Any], Any]:
    """A function rewriting every `format: date-time` string of a record (nested ones included,
    as the schema describes them) into UTC."""

    def types(node: dict[str, Any]) -> set[str]:
        kind = node.get("type", [])
        return {kind} if isinstance(kind, str) else set(kind)

    def build(node: dict[str, Any]) -> Callable[[Any], Any] | None:
        if node.get("format") == "date-time":
            return lambda value: to_utc_text(value) if isinstance(value, str) and value else value
        if "object" in types(node) and node.get("properties"):
            fields = {
                name: fix for name, child in node["properties"].items() if (fix := build(child))
            }
            if not fields:
                return None

            def fix_object(value: Any) -> Any:
                if isinstance(value, dict):
                    for name, fix in fields.items():
                        if name in value:
                            value[name] = fix(value[name])
                return value

            return fix_object
        if "array" in types(node) and isinstance(node.get("items"), dict):
            fix_item = build(node["items"])
            if fix_item:
                return lambda value: [fix_item(item) for item in value] if isinstance(value, list) else value
        return None

    return build(schema) or (lambda record: record)
