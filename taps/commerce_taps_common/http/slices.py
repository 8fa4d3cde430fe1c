"""Parallel reads of one endpoint: the span a listing covers, split into time slices read at once.

Neither singer-sdk nor dlt reads the pages of one endpoint in parallel; against a real API (50-300
ms a page) a backfill of a million rows is then ten thousand round trips one after another. Here a
read starts as one slice; a slice whose first page shows more pages is split in two, without
reading anything twice, while fewer slices than `2 x workers` are being read; a slice too short to
split follows its cursor. Rows are emitted as pages complete, in no particular order, so the
streams that use this are unsorted: singer-sdk writes their bookmark only when the stream ends, and
a run killed at any moment resumes from the previous bookmark with nothing lost.

Splitting without re-reading needs the listing's order: a first page sorted newest first (the order
the vendor documents) says the slice's remaining rows are no newer than its oldest row. A page that
is not so sorted is never split: its slice follows its cursor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, cast

#: Slices shorter than this are not split (they hold few rows, or many rows of one second).
MIN_SPAN = dt.timedelta(minutes=2)
SECOND = dt.timedelta(seconds=1)


@dataclass(frozen=True)
class Span:
    """Instants from `start` (inclusive) to `end` (exclusive), whole seconds; None: unbounded."""

    start: dt.datetime | None
    end: dt.datetime | None

    def halves(self, oldest_remaining: dt.datetime) -> tuple[Span, Span] | None:
        """The two halves of what is left once rows newer than `oldest_remaining` were read, or
        None when that is too short to split."""
        if self.start is None:
            return None
        end = oldest_remaining.replace(microsecond=0) + SECOND  # rows of that second, all of them
        if end - self.start < 2 * MIN_SPAN:
            return None
        middle = (self.start + (end - self.start) / 2).replace(microsecond=0)
        return Span(self.start, middle), Span(middle, end)


#: One page of a slice: (slice, cursor or None for its first page) -> (rows, next cursor or None).
ReadPage = Callable[[Span, Any], tuple[list[dict[str, Any]], Any]]


def read_sliced(
    read_page: ReadPage,
    whole: Span,
    instant_of: Callable[[dict[str, Any]], dt.datetime | None],
    key_of: Callable[[dict[str, Any]], Any],
    workers: int,
) -> Iterator[dict[str, Any]]:
    """Every row of `whole` once, read as slices with `workers` pages in flight. `instant_of`
    gives a row's position in the listing's newest-first order, `key_of` its identity. An error in
    any page is raised here once the pages already in flight end; no new page starts after it."""
    target = 2 * workers
    with ThreadPoolExecutor(max_workers=workers) as pool:
        # A slice, its cursor, and the keys already emitted from its newest second (a split
        # reads that second again, whole: its rows of the first page are not emitted twice).
        pending: dict[Future[tuple[list[dict[str, Any]], Any]], tuple[Span, Any, frozenset[Any]]]
        pending = {}

        def start(span: Span, cursor: Any, emitted: frozenset[Any]) -> None:
            pending[pool.submit(read_page, span, cursor)] = (span, cursor, emitted)

        start(whole, None, frozenset())
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    span, cursor, emitted = pending.pop(future)
                    rows, following = future.result()
                    yield from (row for row in rows if key_of(row) not in emitted)
                    if not following:
                        continue
                    halves = None
                    if cursor is None and len(pending) < target:
                        oldest = newest_first_oldest(rows, instant_of)
                        halves = span.halves(oldest) if oldest else None
                    if halves:
                        lower, upper = halves
                        # A half has an end, and every row of a split page an instant.
                        second = cast(dt.datetime, upper.end) - SECOND
                        boundary = {
                            key_of(row)
                            for row in rows
                            if cast(dt.datetime, instant_of(row)) >= second
                        }
                        start(lower, None, frozenset())
                        start(upper, None, emitted | boundary)
                    else:
                        start(span, following, emitted)
        finally:
            for future in pending:
                future.cancel()


def newest_first_oldest(
    rows: list[dict[str, Any]], instant_of: Callable[[dict[str, Any]], dt.datetime | None]
) -> dt.datetime | None:
    """The last row's instant if the page is sorted newest first (and says so: at least two
    distinct instants); None otherwise."""
    found = [instant_of(row) for row in rows]
    if len(found) < 2 or None in found or found[0] == found[-1]:
        return None
    instants = cast(list[dt.datetime], found)
    if any(later > earlier for earlier, later in zip(instants, instants[1:], strict=False)):
        return None
    return instants[-1]
