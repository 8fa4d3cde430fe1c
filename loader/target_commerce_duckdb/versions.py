"""ACTIVATE_VERSION, safely, for both loaders: a full-table stream's new version replaces the older
rows only once it is complete.

A tap announces a version with ACTIVATE_VERSION before its records (the opening) and again after
them (the closing): the first sighting of a stream's version in a run is its opening, the second
its closing. The opening deletes nothing, so a tap that dies mid-stream leaves the table as it was
plus the records it delivered (merged over the old rows: readers never see fewer). The closing
merges the version's last batch and retires the older rows in the same transaction. Nothing is
kept across runs: a version never closed never retires anything. In a table of several accounts
(a `tenant` column) a version retires the older rows of its own account only: the tenants of its
rows; a version of no rows retires nothing there (the loader cannot tell whose it is)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from commerce_taps_common.records.tenant import TENANT

if TYPE_CHECKING:
    from singer_sdk.sinks import Sink

    _SinkBase = Sink  # statically: mypy checks the attributes and `super()` calls of the sink
else:
    _SinkBase = object

VERSION = '"_sdc_table_version"'
DELETED = '"_sdc_deleted_at"'


class VersionedSink(_SinkBase):
    """Sink mixin. The target holds `opened_versions` (a set, one per run: a sink a new SCHEMA
    replaces keeps what its predecessor opened); the sink implements `retire_alone`, and its merge
    runs `retire_statement` in the merge's transaction."""

    _retiring: int | None = None  # the version being closed, while its last batch merges

    def __init__(self, target: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(target, *args, **kwargs)
        self._target = target

    def activate_version(self, new_version: int) -> None:
        # Without the metadata columns every row looks older than any version: keep them all.
        if not self.include_sdc_metadata_properties or not self._closes(new_version):
            return
        self._retiring = new_version
        try:
            if self.current_size:
                self._target.drain_one(self)  # the last batch's merge retires the older rows
            else:
                self.retire_alone()
        finally:
            self._retiring = None

    def _closes(self, version: int) -> bool:
        opened = self._target.opened_versions
        key = (self.stream_name, version)
        if key in opened:
            opened.remove(key)
            return True
        opened.add(key)
        return False

    def retire_statement(self, table: str) -> str | None:
        """SQL (DuckDB's and PostgreSQL's alike) deleting or marking the rows of `table` older
        than the version being closed; None while no version is."""
        if self._retiring is None:
            return None
        version = int(self._retiring)
        older = f"({VERSION} IS NULL OR {VERSION} < {version})"
        if TENANT in self.schema["properties"]:
            # Only the older rows of the account whose version closes (the tenants of its rows):
            # the other accounts' rows in the table are theirs to replace.
            tenant = f'"{TENANT}"'
            older += f" AND {tenant} IN (SELECT {tenant} FROM {table} WHERE {VERSION} = {version})"
        if self.config.get("hard_delete", False):
            return f"DELETE FROM {table} WHERE {older}"
        return f"UPDATE {table} SET {DELETED} = now() WHERE {older} AND {DELETED} IS NULL"

    def retire_alone(self) -> None:
        """Retire the older rows in a transaction of their own: the version's records were all
        merged already (or it had none: an empty source empties a table without tenants)."""
        raise NotImplementedError
