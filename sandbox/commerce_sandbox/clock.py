"""The simulated clock every vendor world moves with."""

from __future__ import annotations

import datetime as dt

# Fixed and in the past, so simulated timestamps never run ahead of a tap's wall clock
# (singer-sdk caps bookmarks at the moment a sync starts).
CLOCK_START = dt.datetime(2025, 6, 30, 20, 0, 0, tzinfo=dt.timezone.utc)


class Clock:
    def __init__(self) -> None:
        self.now = CLOCK_START.timestamp()

    def advance(self, seconds: float) -> tuple[float, float]:
        start, self.now = self.now, self.now + seconds
        return start, self.now

    def iso(self) -> str:
        return dt.datetime.fromtimestamp(self.now, dt.timezone.utc).isoformat()
