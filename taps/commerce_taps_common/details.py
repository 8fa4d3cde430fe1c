"""Read strategies for endpoints whose lists are summaries and whose details cost a request each:
remember a fingerprint of every list row in the stream's state and fetch details only for rows
that are new or changed, refresh everything on a cadence, and fetch in batches."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

Item = TypeVar("Item")

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


def digest(row: dict) -> str:
    """A short fingerprint of a list row (about 25 bytes of state per row)."""
    return hashlib.sha1(json.dumps(row, sort_keys=True, default=str).encode()).hexdigest()[:12]


class RowDigests:
    """Fingerprints of the list rows a stream read, kept in its state under `key`: `changed`
    says whether a row is new or differs from the last run's; `save` keeps this run's."""

    def __init__(self, state: dict[str, Any], key: str) -> None:
        self._state, self._key = state, key
        self.before: dict[str, str] = state.get(key, {})
        self.now: dict[str, str] = {}

    def changed(self, row_id: str, row: dict) -> bool:
        self.now[row_id] = digest(row)
        return self.before.get(row_id) != self.now[row_id]

    def save(self) -> None:
        self._state[self._key] = self.now


def today_utc() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def due(state: dict[str, Any], key: str, every_days: int) -> bool:
    """Whether the cadence kept in `state[key]` (the last day it ran) says run again today."""
    last = state.get(key)
    return not last or (today_utc() - dt.date.fromisoformat(last)).days >= every_days


def mark_done(state: dict[str, Any], key: str) -> None:
    state[key] = today_utc().isoformat()
