"""What one tap run did, per stream: rows, pages, requests, retries by cause, 429s and the seconds
spent waiting for rate limits; logged as a table when the run ends and written as one JSON file
per run (the `run_summary_dir` setting), from which `run_history` draws its page."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from commerce_taps_common.files import write_atomically
from commerce_taps_common.records.tenant import DEFAULT_TENANT

#: Bumped when the JSON layout changes in a way `run_history` must know about.
SUMMARY_VERSION = 1


@dataclass
class StreamTally:
    rows: int = 0
    pages: int = 0
    requests: int = 0
    retries: Counter[str] = field(default_factory=Counter)  # cause -> count
    http_429: int = 0
    #: Seconds spent before requests for the pace, a vendor window or a 429's Retry-After.
    limit_wait_seconds: float = 0.0
    #: Seconds of backoff before retries for any other cause.
    backoff_seconds: float = 0.0

    def line(self) -> str:
        """`1,200 rows, 13 pages, 14 requests, 1 retry, 0.6 s waiting for limits`."""
        retries = sum(self.retries.values())
        return (
            f"{self.rows:,} rows, {self.pages:,} pages, {self.requests:,} requests, "
            f"{retries:,} {'retry' if retries == 1 else 'retries'}, "
            f"{self.limit_wait_seconds:.1f} s waiting for limits"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "pages": self.pages,
            "requests": self.requests,
            "retries": sum(self.retries.values()),
            "retries_by_cause": dict(sorted(self.retries.items())),
            "http_429": self.http_429,
            "limit_wait_seconds": round(self.limit_wait_seconds, 3),
            "backoff_seconds": round(self.backoff_seconds, 3),
        }

    def add(self, other: StreamTally) -> None:
        self.rows += other.rows
        self.pages += other.pages
        self.requests += other.requests
        self.retries.update(other.retries)
        self.http_429 += other.http_429
        self.limit_wait_seconds += other.limit_wait_seconds
        self.backoff_seconds += other.backoff_seconds


class RunSummary:
    """Counts of one tap run, of one account (its `tenant`); thread-safe (detail requests run in
    worker threads)."""

    def __init__(
        self, tap: str, tenant: str = DEFAULT_TENANT, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.tap, self.tenant = tap, tenant
        self.started_at = dt.datetime.now(dt.UTC)
        self._clock = clock
        self._started = clock()
        self.seconds: float | None = None
        self.status = "running"
        self.error: str | None = None
        self.streams: dict[str, StreamTally] = {}
        self._lock = threading.Lock()

    def tally(self, stream: str) -> StreamTally:
        with self._lock:
            return self.streams.setdefault(stream, StreamTally())

    def request(self, stream: str, waited_seconds: float) -> None:
        tally = self.tally(stream)
        with self._lock:
            tally.requests += 1
            tally.limit_wait_seconds += waited_seconds

    def retry(self, stream: str, cause: str, wait_seconds: float) -> None:
        tally = self.tally(stream)
        with self._lock:
            tally.retries[cause] += 1
            if cause == "HTTP 429":
                tally.http_429 += 1
                tally.limit_wait_seconds += wait_seconds
            else:
                tally.backoff_seconds += wait_seconds

    def count(self, stream: str, *, rows: int = 0, pages: int = 0) -> None:
        tally = self.tally(stream)
        with self._lock:
            tally.rows += rows
            tally.pages += pages

    def finish(self, error: BaseException | None, *, stopped: bool = False) -> None:
        """`stopped`: the error ends the run early on purpose (a vendor's daily limit), not a
        failure."""
        self.seconds = self._clock() - self._started
        self.status = "succeeded" if not error else "stopped" if stopped else "failed"
        self.error = f"{type(error).__name__}: {error}" if error else None

    def total(self) -> StreamTally:
        total = StreamTally()
        with self._lock:
            for tally in self.streams.values():
                total.add(tally)
        return total

    def table(self) -> list[str]:
        """The summary as aligned text lines, one per stream and a total."""
        header = (
            "stream",
            "rows",
            "pages",
            "requests",
            "retries",
            "429s",
            "limit wait s",
            "retries by cause",
        )
        rows = [
            (name, *_cells(tally))
            for name, tally in sorted(self.streams.items())
            if tally.rows or tally.requests
        ]
        rows.append(("total", *_cells(self.total())))
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

        def aligned(row: tuple[str, ...]) -> str:
            cells = [row[0].ljust(widths[0])]
            cells += [
                cell.rjust(width) for cell, width in zip(row[1:-1], widths[1:-1], strict=True)
            ]
            return "  ".join([*cells, row[-1]]).rstrip()

        status = f"{self.status} in {self.seconds or 0:.1f} s"
        if self.error:
            status += f" ({self.error})"
        return [
            f"{account_label(self.tap, self.tenant)}: {status}",
            aligned(header),
            *map(aligned, rows),
        ]

    def as_json(self) -> dict[str, Any]:
        return {
            "version": SUMMARY_VERSION,
            "tap": self.tap,
            "tenant": self.tenant,
            "started_at": self.started_at.isoformat(timespec="seconds"),
            "duration_seconds": round(self.seconds or 0, 3),
            "status": self.status,
            "error": self.error,
            "streams": {name: tally.as_json() for name, tally in sorted(self.streams.items())},
            "total": self.total().as_json(),
        }

    def write(self, directory: str | os.PathLike[str]) -> Path:
        """`<directory>/<start, UTC>-<tap>[-<tenant>].json`, written whole or not at all."""
        folder = Path(directory).expanduser()
        folder.mkdir(parents=True, exist_ok=True)
        account = self.tap if self.tenant == DEFAULT_TENANT else f"{self.tap}-{self.tenant}"
        path = folder / f"{self.started_at:%Y%m%dT%H%M%S%fZ}-{account}.json"
        write_atomically(path, json.dumps(self.as_json(), indent=2) + "\n")
        return path


def account_label(tap: str, tenant: str) -> str:
    """How a report names one account's runs: the tap, and the tenant unless the default."""
    return tap if tenant == DEFAULT_TENANT else f"{tap} (tenant {tenant})"


def _cells(tally: StreamTally) -> tuple[str, ...]:
    causes = ", ".join(f"{cause}: {n}" for cause, n in sorted(tally.retries.items()))
    return (
        f"{tally.rows:,}",
        f"{tally.pages:,}",
        f"{tally.requests:,}",
        f"{sum(tally.retries.values()):,}",
        f"{tally.http_429:,}",
        f"{tally.limit_wait_seconds:.1f}",
        causes or "-",
    )
