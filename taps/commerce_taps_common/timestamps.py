"""Timestamps: parse what vendors send, emit UTC."""

from __future__ import annotations

import datetime as dt

UTC = dt.UTC


def parse_instant(value: str) -> dt.datetime:
    """An ISO-8601 timestamp with an offset or `Z`; a naive one is taken as UTC."""
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def to_utc_text(value: str | dt.datetime) -> str:
    """`2023-01-31T05:22:16-08:00` → `2023-01-31T13:22:16+00:00`: one spelling, so bookmarks
    compare correctly as text and the loader stores one instant."""
    instant = parse_instant(value) if isinstance(value, str) else value
    return instant.astimezone(UTC).isoformat()
