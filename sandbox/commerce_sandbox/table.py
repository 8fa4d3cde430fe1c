"""One stream's records, kept ready for keyset pagination: by id, with each record's update
instant, an index sorted by (updated epoch, id) rebuilt lazily after changes, and a cache of
each record's encoded JSON (a page is then a join of cached bytes)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable

from commerce_sandbox.encoding import encode


class Table:
    def __init__(self) -> None:
        self.records: dict[str, dict] = {}
        self.stamps: dict[str, int] = {}  # id -> updated epoch seconds
        self.version = 0  # bumped on every change; derived caches compare against it
        self._index: list[tuple[int, str]] | None = None
        self._encoded: dict[Hashable, dict[str, bytes]] = {}  # view name -> id -> JSON

    def __len__(self) -> int:
        return len(self.records)

    def put(self, record_id: str, record: dict, epoch: int) -> None:
        self.records[record_id] = record
        self.stamps[record_id] = epoch
        self._changed(record_id)

    def changed_unstamped(self, record_id: str) -> dict:
        """The record, to change in place without moving its update instant (a vendor that does
        not stamp some changes)."""
        self._changed(record_id)
        return self.records[record_id]

    def delete(self, record_id: str) -> None:
        del self.records[record_id]
        del self.stamps[record_id]
        self._changed(record_id)

    def _changed(self, record_id: str) -> None:
        self.version += 1
        self._index = None
        for cache in self._encoded.values():
            cache.pop(record_id, None)

    def by_update(self) -> list[tuple[int, str]]:
        """(updated epoch, id) of every record, ascending."""
        if self._index is None:
            self._index = sorted((epoch, key) for key, epoch in self.stamps.items())
        return self._index

    def encoded(
        self, record_ids: Iterable[str], variant: Hashable, view: Callable[[dict], dict]
    ) -> list[bytes]:
        """The JSON of `view(record)` for each id, cached until the record changes; `variant`
        names the view (it must depend on the record alone)."""
        cache = self._encoded.setdefault(variant, {})
        payloads = []
        for record_id in record_ids:
            payload = cache.get(record_id)
            if payload is None:
                payload = cache[record_id] = encode(view(self.records[record_id]))
            payloads.append(payload)
        return payloads
