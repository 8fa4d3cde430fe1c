"""A fixed request window measured in real time (throttling is about the tap's pace, which the
simulated clock knows nothing of): a minute long, or shorter when a test scales time down."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class WindowState:
    limit: int
    remaining: int
    reset_seconds: int  # whole seconds until the window starts afresh, at least 1
    allowed: bool


class MinuteWindow:
    def __init__(self) -> None:
        self._started = time.monotonic()
        self._used = 0

    def take(self, limit: int, window_seconds: float = 60) -> WindowState:
        """Count one request (refused ones count too) and say whether it is within `limit`."""
        now = time.monotonic()
        if now - self._started >= window_seconds:
            self._started, self._used = now, 0
        self._used += 1
        reset = max(1, math.ceil(self._started + window_seconds - now))
        return WindowState(limit, max(limit - self._used, 0), reset, self._used <= limit)
