"""Progress lines while a tap runs: per stream, at most one every `interval` seconds, so a long
backfill shows that it moves (and how fast the rate limit lets it) without flooding the log."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from commerce_taps_common.reporting.run_summary import RunSummary

PROGRESS_INTERVAL_SECONDS = 15.0


class ProgressLog:
    def __init__(
        self,
        summary: RunSummary,
        logger: logging.Logger,
        interval: float = PROGRESS_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._summary = summary
        self._logger = logger
        self._interval = interval
        self._clock = clock
        self._last: dict[str, float] = {}  # stream -> when its last line was (or it started)
        self._lock = threading.Lock()

    def tick(self, stream: str) -> None:
        """Called on each request and row of `stream`: a line when its interval has passed."""
        now = self._clock()
        with self._lock:
            last = self._last.setdefault(stream, now)
            if now - last < self._interval:
                return
            self._last[stream] = now
        self._logger.info("progress %s: %s", stream, self._summary.tally(stream).line())
