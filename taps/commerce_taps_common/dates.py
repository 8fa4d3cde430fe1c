"""Dates and instants, in one place: parse the timestamps vendors send and emit UTC; the days a
run asks for, in windows for APIs filtered on whole, inclusive days (`..._from`/`..._to`).

Consecutive windows do not overlap, but a run re-reads its look-back on purpose: the loader's
merge on the primary key removes what two runs both read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

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


def tomorrow_utc() -> dt.date:
    """The last day a run asks for: the vendors' calendar days (their organisations' time zones)
    can be a day ahead of UTC, and asking for a day with no rows yet costs nothing."""
    return dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)


def date_windows(start: dt.date, end: dt.date, days: int) -> Iterator[tuple[dt.date, dt.date]]:
    """(first, last) day of each window of at most `days` days covering start..end inclusive;
    nothing when start is after end."""
    if days < 1:
        raise ValueError("a window holds at least one day")
    first = start
    while first <= end:
        last = min(first + dt.timedelta(days=days - 1), end)
        yield first, last
        first = last + dt.timedelta(days=1)
