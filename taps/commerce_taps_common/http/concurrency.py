"""Bounded concurrency for detail requests (one GET per subscription, invoice, order): a few in
flight at once, each still paced, retried and checked like any other request."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

#: Records whose details are fetched together (concurrently) before they are emitted.
DETAIL_BATCH = 100


def batches(items: Iterable[Item], size: int = DETAIL_BATCH) -> Iterator[list[Item]]:
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def map_bounded(
    function: Callable[[Item], Result], items: Iterable[Item], workers: int
) -> Iterator[Result]:
    """`function` over `items`, at most `workers` calls in flight, results in input order. Items
    are handed out only as calls finish, so when one call raises (a daily limit, a fatal error)
    no more are started: the error is raised here once the calls already running end."""
    if workers <= 1:
        yield from map(function, items)
        return
    pending: deque[Future[Result]] = deque()
    remaining = iter(items)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        try:
            for item in remaining:
                pending.append(pool.submit(function, item))
                if len(pending) >= workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()
