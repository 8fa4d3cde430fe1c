"""What a run remembers for the next, in the stream's state, to read less: a fingerprint of every
list row (fetch details only for rows that are new or changed), the run each item was last read
in (read every item again within a number of runs: a rotation) and the run of the last whole
sweep. Used where lists are summaries and each detail costs a request."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable
from typing import Any


def digest(row: dict[str, Any]) -> str:
    """A short fingerprint of a list row (about 25 bytes of state per row)."""
    return hashlib.sha1(json.dumps(row, sort_keys=True, default=str).encode()).hexdigest()[:12]


class RowDigests:
    """Fingerprints of the list rows a stream read, kept in its state under `key`: `changed`
    says whether a row is new or differs from the last run's; `save` keeps this run's."""

    def __init__(self, state: dict[str, Any], key: str) -> None:
        self._state, self._key = state, key
        self.before: dict[str, str] = state.get(key, {})
        self.now: dict[str, str] = {}

    def changed(self, row_id: str, row: dict[str, Any]) -> bool:
        self.now[row_id] = digest(row)
        return self.before.get(row_id) != self.now[row_id]

    def save(self) -> None:
        self._state[self._key] = self.now


class Rotation:
    """Every item's detail read again within `runs` runs, at most `budget` of these reads a run.
    Beyond the items a run reads anyway (new or changed), it reads the least recently read ones:
    ceil(items / runs) of them, more when more have reached the end of their promise. Counted in
    completed runs, not days: the run number and the run each item was last read in are kept in
    `state[key]` (saved only when the stream completes, so a failed run promises nothing).
    `warn` is told how many items the budget left unread past their promise."""

    def __init__(
        self,
        state: dict[str, Any],
        key: str,
        runs: int,
        budget: int,
        warn: Callable[[int], None],
    ) -> None:
        self._state, self._key = state, key
        self.runs, self.budget, self.warn = runs, budget, warn
        saved = state.get(key) or {}
        self.run: int = saved.get("run", 0) + 1
        self.last_read: dict[str, int] = saved.get("read", {})
        self.read: dict[str, int] = {}

    def pick(self, ids: Iterable[str], anyway: Iterable[str]) -> list[str]:
        """This run's reads among `ids`: `anyway`, and the rotation's share of the others."""
        ids, anyway = list(ids), set(anyway)
        # Never read (0) is the oldest; ties go by id, so a rotation is deterministic.
        others = sorted(
            (item for item in ids if item not in anyway),
            key=lambda item: (self.last_read.get(item, 0), item),
        )
        due = sum(1 for item in others if self.run - self.last_read.get(item, 0) >= self.runs)
        share = max(math.ceil(len(ids) / self.runs), due)
        rotated = others[: min(share, self.budget)]
        if due > self.budget:
            self.warn(due - self.budget)
        read_now = anyway | set(rotated)
        self.read = {
            item: self.run if item in read_now else self.last_read.get(item, 0) for item in ids
        }
        return sorted(read_now)

    def save(self) -> None:
        """Keep this run's reads (of the items listed this run only)."""
        self._state[self._key] = {"run": self.run, "read": self.read}


class RunCadence:
    """Something done once every `runs` runs (the first run included), counted in completed runs
    since it was last done and kept in `state[key]`."""

    def __init__(self, state: dict[str, Any], key: str, runs: int) -> None:
        self._state, self._key = state, key
        since = state.get(key)
        self.due = since is None or since + 1 >= runs

    def save(self) -> None:
        self._state[self._key] = 0 if self.due else self._state[self._key] + 1
