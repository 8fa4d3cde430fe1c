"""Client-side rate limiting: pace requests *before* the vendor's limit, so a long backfill does
not run into 429s: evenly spaced under a known requests-per-minute limit, and from the rate-limit
headers the vendor sends back."""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import threading
import time
from collections.abc import Mapping

from commerce_taps_common.dates import parse_instant

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


# Spacing is this much wider than limit/minute: request arrival jitters by milliseconds, and a
# request landing a hair early in a vendor's fixed window would be the 101st of 100.
SPACING_MARGIN = 1.02


class Pacer:
    """With `requests_per_minute`, requests leave evenly spaced (60/limit seconds apart, never in
    bursts), so no window of a minute ever holds more than the limit. With or without it, reads
    `remaining` and `reset` (seconds) headers: when `reserve` or fewer requests remain in the
    vendor's window, the next request waits until the window resets. Requests already sent when
    an answer's headers are read (concurrent reads) each take one of its `remaining` too."""

    def __init__(
        self,
        requests_per_minute: float | None = None,
        remaining_header: str = "ratelimit-remaining",
        reset_header: str = "ratelimit-reset",
        reserve: int = 2,
        max_wait_seconds: float = 120,
    ) -> None:
        self._interval = (
            60 * SPACING_MARGIN / float(requests_per_minute) if requests_per_minute else 0.0
        )
        self._headers = (remaining_header, reset_header)
        self._reserve = reserve
        self._max_wait = max_wait_seconds
        self._resume_at = 0.0
        self._next_slot = 0.0
        self._in_flight = 0  # sent and not answered yet
        self._lock = threading.Lock()

    def before_request(self) -> float:
        """Waits for the request's slot; the seconds waited."""
        with self._lock:  # each caller takes the next slot, so threads share the limit
            now = time.monotonic()
            start = max(now, self._next_slot, self._resume_at)
            self._next_slot = start + self._interval
            self._in_flight += 1
            window_wait = self._resume_at - now
        if window_wait > 0:
            logger.info("Pacing: %.1f s until the vendor's rate-limit window resets", window_wait)
        if start > now:
            time.sleep(start - now)
        return max(start - now, 0.0)

    def unanswered(self) -> None:
        """A request that got no answer (a connection error): no longer in flight."""
        with self._lock:
            self._in_flight = max(self._in_flight - 1, 0)

    def after_response(self, headers: Mapping[str, str]) -> None:
        remaining = _first_number(headers.get(self._headers[0]))
        reset = _first_number(headers.get(self._headers[1]))
        with self._lock:
            self._in_flight = max(self._in_flight - 1, 0)
            if remaining is None or reset is None or remaining - self._in_flight > self._reserve:
                return
            self._resume_at = max(self._resume_at, time.monotonic() + min(reset, self._max_wait))


def retry_after_seconds(
    headers: Mapping[str, str], reset_header: str = "ratelimit-reset"
) -> float | None:
    """Seconds a 429 asks us to wait: `Retry-After` (seconds, an ISO-8601 instant as Zoom sends, or
    an HTTP date), else the window reset header."""
    if (moment := retry_after_instant(headers)) is not None:
        return max((moment - dt.datetime.now(dt.UTC)).total_seconds(), 0.0)
    for name in ("Retry-After", reset_header):
        seconds = _first_number(headers.get(name))
        if seconds is not None:
            return max(seconds, 0.0)
    return None


def retry_after_instant(headers: Mapping[str, str]) -> dt.datetime | None:
    """`Retry-After` when it names a moment rather than a number of seconds."""
    value = (headers.get("Retry-After") or "").strip()
    if not value or _first_number(value) is not None:
        return None
    try:
        return parse_instant(value)
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
