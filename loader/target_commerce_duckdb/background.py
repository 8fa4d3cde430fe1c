"""The loaders' fast path, shared by DuckDB's and PostgreSQL's: RECORD messages stay the raw JSON
the tap sent (no per-record validation or conformance: the taps shape their records), each sink
spools them, and a full batch is merged by one background thread while the next batch is read;
then the STATE read before that batch's next record goes out, vouching only for committed rows."""

from __future__ import annotations

import copy
import shutil
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol, cast

from target_commerce_duckdb.reader import Envelope, RawRecordReader
from target_commerce_duckdb.sdk import (
    TargetSeam,
    active_sinks,
    assert_sink_exists,
    handle_max_record_age,
    latest_state,
    replaced_sinks,
    write_state,
)

if TYPE_CHECKING:
    import msgspec


class RawSink(Protocol):
    """What a sink of the fast path offers."""

    @property
    def is_full(self) -> bool: ...

    @property
    def spooled_rows(self) -> int: ...

    def append_raw(
        self, record: msgspec.Raw, extracted_at: msgspec.Raw, version: int | None
    ) -> None: ...

    def detach_spool(self) -> str:
        """The spooled batch's file, handed over to `merge_spooled`; the sink starts afresh."""
        ...

    def merge_spooled(self, path: str) -> None:
        """Load and merge the batch in `path` in one transaction, then remove the file."""
        ...


class BackgroundMerges(TargetSeam):
    """Target mixin, before the SDK's target class in the bases. Subclasses set `raw_sink_class`
    and call `start_fast_path()` at the end of `__init__` when `fast_path` is on."""

    message_reader_class = RawRecordReader
    raw_sink_class: type

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._merger = ThreadPoolExecutor(max_workers=1, thread_name_prefix="merge")
        self._merging: Future[None] | None = None
        self.opened_versions: set[tuple[str, int]] = set()  # see versions.VersionedSink
        super().__init__(*args, **kwargs)

    @property
    def fast_path(self) -> bool:
        """Stream maps, flattening and validation work on Python records."""
        config = self.config
        return bool(
            config.get("fast_path", True)
            and not config.get("stream_maps")
            and not config.get("flattening_enabled")
            and not config.get("validate_records")
        )

    def start_fast_path(self) -> None:
        cast(RawRecordReader, self.message_reader).record_handler = self._load_raw_record

    @cached_property
    def spool_directory(self) -> str:
        return tempfile.mkdtemp(prefix=f"{self.name}-")

    def no_sink(self, stream: str) -> Exception:
        return RuntimeError(f"stream {stream}: a record with no sink to take it")

    def _load_raw_record(self, envelope: Envelope) -> None:
        sink = active_sinks(self).get(envelope.stream)
        if not isinstance(sink, self.raw_sink_class):
            assert_sink_exists(self, envelope.stream)  # raises: a record before its schema
            raise self.no_sink(envelope.stream)
        raw = cast(RawSink, sink)
        # Full batches go when the next record comes: the STATE after a batch's last record
        # has been read by then, and goes out with the batch.
        if raw.is_full:
            self._merge_in_background()
        raw.append_raw(envelope.record, envelope.time_extracted, envelope.version)
        handle_max_record_age(self)

    def _merge_in_background(self) -> None:
        """Every sink's spooled batch is merged by one background thread while the next batch
        is read (the databases work outside the GIL); then the state that came before them goes
        out. One batch at a time, in order."""
        self.settle()
        sinks = cast("list[RawSink]", [*replaced_sinks(self), *active_sinks(self).values()])
        batches = [
            (sink, sink.detach_spool())
            for sink in sinks
            if isinstance(sink, self.raw_sink_class) and sink.spooled_rows
        ]
        state = copy.deepcopy(latest_state(self))
        self._merging = self._merger.submit(self._merge_batches, batches, state)

    def _merge_batches(self, batches: list[tuple[RawSink, str]], state: dict | None) -> None:
        for sink, path in batches:
            sink.merge_spooled(path)
        if state:
            write_state(self, state)

    def settle(self) -> None:
        """Wait for the batch merging in the background, if any (its error is raised here)."""
        if self._merging is not None:
            self._merging.result()

    # singer-sdk's drain_all emits the latest state: the background batch must be in first.
    def before_drain_all(self) -> None:
        self.settle()

    def before_schema_message(self, message: dict[str, Any]) -> None:
        known = self.mapper.stream_maps.get(message.get("stream", ""))
        if not (
            known
            and known[0].raw_schema == message.get("schema")
            and known[0].raw_key_properties == message.get("key_properties")
        ):
            self.settle()  # a new sink may alter the table the background batch merges into

    def process_endofpipe(self) -> None:
        try:
            super().process_endofpipe()
        finally:
            self._merger.shutdown()
            if "spool_directory" in self.__dict__:
                shutil.rmtree(self.spool_directory, ignore_errors=True)
