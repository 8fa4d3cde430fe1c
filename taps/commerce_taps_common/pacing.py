"""Client-side rate limiting: pace requests *before* the vendor's limit, so a long backfill does
not run into 429s, from the rate-limit headers the vendor sends back."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping

logger = logging.getLogger(__name__)


def _first_number(value: str | None) -> float | None:
    """`ratelimit-*` headers may list several windows (`"600, 600;w=60, 9000;w=3600"`); the first
    entry is the one closest to exhaustion."""
    if not value:
        return None
    head = value.split(",")[0].split(";")[0].strip()
    try:
        return float(head)
    except ValueError:
        return None


class HeaderPacer:
    """Reads `remaining` and `reset` (seconds) headers; when fewer than `reserve` requests remain in
    the window, the next request waits until the window resets."""

    def __init__(
        self,
        remaining_header: str = "ratelimit-remaining",
        reset_header: str = "ratelimit-reset",
        reserve: int = 2,
        max_wait_seconds: float = 120,
    ) -> None:
        self._headers = (remaining_header, reset_header)
        self._reserve = reserve
        self._max_wait = max_wait_seconds
        self._resume_at = 0.0
        self._lock = threading.Lock()

    def before_request(self) -> None:
        with self._lock:
            wait = self._resume_at - time.monotonic()
        if wait > 0:
            logger.info("Pacing: %.1f s until the vendor's rate-limit window resets", wait)
            time.sleep(wait)

    def after_response(self, headers: Mapping[str, str]) -> None:
        remaining = _first_number(headers.get(self._headers[0]))
        reset = _first_number(headers.get(self._headers[1]))
        if remaining is None or reset is None or remaining > self._reserve:
            return
        with self._lock:
            self._resume_at = max(self._resume_at, time.monotonic() + min(reset, self._max_wait))


def retry_after_seconds(headers: Mapping[str, str], reset_header: str = "ratelimit-reset") -> float | None:
    """Seconds a 429 asks us to wait: `Retry-After` (seconds), else the window reset header."""
    for name in ("Retry-After", reset_header):
        seconds = _first_number(headers.get(name))
        if seconds is not None:
            return max(seconds, 0.0)
    return None
