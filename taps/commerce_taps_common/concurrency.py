"""Bounded concurrency for detail requests (one GET per subscription, invoice, order): a few in
flight at once, each still paced, retried and checked like any other request."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def map_bounded(function: Callable[[Item], Result], items: Iterable[Item], workers: int) -> Iterator[Result]:
    """`function` over `items` with at most `workers` calls in flight, results in input order. An
    exception in any call is raised here, after the calls already running finish."""
    items = list(items)
    if workers <= 1 or len(items) <= 1:
        yield from map(function, items)
        return
    with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
        yield from pool.map(function, items)
