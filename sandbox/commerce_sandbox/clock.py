"""The simulated clock every vendor world moves with, and the day it starts."""

from __future__ import annotations

import datetime as dt
import os

# Worlds start, by default, this long before the real day a sandbox is created, at 20:00 UTC:
# recent enough that a tap's "today" (which it reads from the wall clock, as in production) is
# close to the world's, so look-back windows ending today behave as they would against the vendor;
# far enough in the past that a test advancing the clock by a month never runs ahead of the wall
# clock (singer-sdk caps bookmarks at the moment a sync starts). Worlds are deterministic given
# (seed, scale, start day), and every world holds what the tests rely on whatever its start day
# (tests/unit/test_sandbox_any_day.py sweeps two years of them).
START_DAYS_BEFORE_TODAY = 40
START_HOUR = 20
#: Overrides the default start day (YYYY-MM-DD) for every sandbox a process builds: how a failure
#: seen on one day is replayed on another (`pytest --sandbox-start-day`, `commerce-sandbox serve
#: --start-day` set it too).
START_DAY_ENV = "COMMERCE_SANDBOX_START_DAY"


def default_start_day(today: dt.date | None = None) -> dt.date:
    """START_DAY_ENV's day when set, else START_DAYS_BEFORE_TODAY before today (UTC)."""
    if configured := os.environ.get(START_DAY_ENV):
        return parse_start_day(configured)
    today = today or dt.datetime.now(dt.UTC).date()
    return today - dt.timedelta(days=START_DAYS_BEFORE_TODAY)


def parse_start_day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"a start day is YYYY-MM-DD, not {text!r}") from None


def clock_start(start_day: dt.date) -> dt.datetime:
    return dt.datetime.combine(start_day, dt.time(START_HOUR), tzinfo=dt.UTC)


class Clock:
    def __init__(self, start_day: dt.date | None = None) -> None:
        self.start_day = start_day or default_start_day()
        self.now = clock_start(self.start_day).timestamp()

    def advance(self, seconds: float) -> tuple[float, float]:
        start, self.now = self.now, self.now + seconds
        return start, self.now

    def iso(self) -> str:
        return dt.datetime.fromtimestamp(self.now, dt.UTC).isoformat()
