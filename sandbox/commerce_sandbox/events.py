"""A world run by the simulated clock as a queue of events: each event, handled by the world's
`_on_<kind>` method, changes records and may schedule later events. Building a world runs its
queue up to the clock's start, so history and the days after it are made the same way."""

from __future__ import annotations

import heapq
import itertools
import random
from dataclasses import dataclass, field
from typing import Any

from commerce_sandbox.vendor import StreamCounts


@dataclass(order=True)
class Event:
    at: float
    seq: int  # ties at the same instant keep the order they were scheduled in
    kind: str = field(compare=False)
    subject: Any = field(compare=False)


class EventWorld:
    #: The streams whose changes `advance` counts.
    streams: tuple[str, ...] = ()

    def __init__(self, name: str, seed: int, scale: int) -> None:
        self.rng = random.Random(f"{name}-{seed}")
        self.scale = max(scale, 1)
        self.records: dict[str, dict[str, dict]] = {stream: {} for stream in self.streams}
        self.version = 0  # bumped on every change; caches derived from records compare against it
        self._counts: StreamCounts = self._no_changes()
        self._seq = itertools.count()
        self._events: list[Event] = []
        self.now = 0.0  # the instant of the event being handled (what listeners date changes by)

    def advance(self, start: float, end: float) -> StreamCounts:
        """Run every event due by `end`; answer what changed, per stream."""
        self._counts = self._no_changes()
        while self._events and self._events[0].at <= end:
            event = heapq.heappop(self._events)
            self.now = event.at
            getattr(self, f"_on_{event.kind}")(event.at, event.subject)
        return self._counts

    def _no_changes(self) -> StreamCounts:
        return {stream: {"created": 0, "changed": 0, "deleted": 0} for stream in self.streams}

    def _schedule(self, at: float, kind: str, subject: Any) -> None:
        heapq.heappush(self._events, Event(at, next(self._seq), kind, subject))

    def _count(self, stream: str, what: str) -> None:
        self._counts[stream][what] += 1
        self.version += 1
