"""The simulated clock every vendor world moves with."""

from __future__ import annotations

import datetime as dt

# Worlds start this long before the real day a sandbox is created, at 20:00 UTC: recent enough
# that a tap's "today" (which it reads from the wall clock, as in production) is close to the
# world's, so look-back windows ending today behave as they would against the vendor; far enough
# in the past that a test advancing the clock by a month never runs ahead of the wall clock
# (singer-sdk caps bookmarks at the moment a sync starts). Worlds are deterministic given
# (seed, scale, start day).
START_DAYS_BEFORE_TODAY = 40


def clock_start(today: dt.date | None = None) -> dt.datetime:
    today = today or dt.datetime.now(dt.UTC).date()
    start_day = today - dt.timedelta(days=START_DAYS_BEFORE_TODAY)
    return dt.datetime.combine(start_day, dt.time(20), tzinfo=dt.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = clock_start().timestamp()

    def advance(self, seconds: float) -> tuple[float, float]:
        start, self.now = self.now, self.now + seconds
        return start, self.now

    def iso(self) -> str:
        return dt.datetime.fromtimestamp(self.now, dt.UTC).isoformat()
