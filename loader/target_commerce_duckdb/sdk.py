"""The loaders' one seam with singer-sdk's internals, written against singer-sdk 0.54.9 (and
meltanolabs-target-postgres 0.8.1, whose connector is singer-sdk's SQLConnector).

Where singer-sdk has no public hook for what the loaders do, what they use of its private or
@final members is here and nowhere else:
- read or called: a target's sinks (`Target._sinks_active`, `_sinks_to_clear`), its latest state
  (`_latest_state`) and state writer (`_write_state_message`), `_assert_sink_exists`,
  `_handle_max_record_age`; the reader's `_process_unknown_message`; a SQL connector's engine
  and connection (`SQLConnector._engine`, `_connect`); `BaseBatchFileEncoding` from a private
  module;
- overridden: `TargetSeam` and `SinkSeam` override the private methods
  (`Target._process_schema_message`, `Sink._parse_timestamps_in_record`) and the @final
  `Target.drain_all`, each handing over to a public method the loaders override instead.

tests/unit/test_sdk_seam.py fails, naming the member, when a singer-sdk upgrade changes one."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from singer_sdk import Target
from singer_sdk.helpers._batch import BaseBatchFileEncoding
from singer_sdk.sinks import Sink

if TYPE_CHECKING:
    import sqlalchemy
    from singer_sdk.helpers.conform import DatetimeErrorTreatmentEnum
    from singer_sdk.singerlib.encoding.base import GenericSingerReader
    from singer_sdk.sql.connector import SQLConnector

__all__ = [
    "BaseBatchFileEncoding",
    "SinkSeam",
    "TargetSeam",
    "active_sinks",
    "assert_sink_exists",
    "handle_max_record_age",
    "latest_state",
    "process_unknown_message",
    "replaced_sinks",
    "sql_connection",
    "sql_engine",
    "write_state",
]


def active_sinks(target: Target) -> dict[str, Sink]:
    """The target's sink per stream name."""
    return target._sinks_active


def replaced_sinks(target: Target) -> list[Sink]:
    """Sinks a new SCHEMA message replaced, not drained yet."""
    return target._sinks_to_clear


def latest_state(target: Target) -> dict[str, Any] | None:
    """The latest STATE the target read (None: none yet)."""
    return target._latest_state


def write_state(target: Target, state: dict[str, Any]) -> None:
    """Emit `state` (the target vouches that its data is committed)."""
    target._write_state_message(state)


def assert_sink_exists(target: Target, stream_name: str) -> None:
    """Raises the SDK's error for a RECORD of a stream no SCHEMA announced."""
    target._assert_sink_exists(stream_name)


def handle_max_record_age(target: Target) -> None:
    """Drains every sink when the oldest record held is older than the SDK's limit."""
    target._handle_max_record_age()


def process_unknown_message(reader: GenericSingerReader[Any], message: dict[str, Any]) -> None:
    """The SDK's handling of a message of no known type (it raises)."""
    reader._process_unknown_message(message)


def sql_engine(connector: SQLConnector) -> sqlalchemy.Engine:
    """The connector's SQLAlchemy engine."""
    return connector._engine


def sql_connection(connector: SQLConnector) -> AbstractContextManager[sqlalchemy.Connection]:
    """A connection of the connector's engine, as a context manager."""
    return connector._connect()


# Statically the mixins are the SDK classes they go before, so that mypy checks their overrides
# and `super()` calls; at run time they are plain mixins and the plugin's bases give the MRO.
if TYPE_CHECKING:
    _TargetBase = Target
    _SinkBase = Sink
else:
    _TargetBase = _SinkBase = object


class TargetSeam(_TargetBase):
    """Target mixin, before `Target` (or its subclass) in the bases."""

    # @final in the SDK, which has no hook before a drain of every sink.
    def drain_all(self, *, is_endofpipe: bool = False) -> None:  # type: ignore[misc]
        self.before_drain_all()
        super().drain_all(is_endofpipe=is_endofpipe)

    def before_drain_all(self) -> None:
        """Called before the SDK drains every sink and emits the latest state."""

    def _process_schema_message(self, message_dict: dict[str, Any]) -> None:
        self.before_schema_message(message_dict)
        super()._process_schema_message(message_dict)

    def before_schema_message(self, message: dict[str, Any]) -> None:
        """Called with each SCHEMA message before the SDK handles it."""


class SinkSeam(_SinkBase):
    """Sink mixin, before `Sink` (or its subclass) in the bases."""

    #: False: the SDK leaves a record's date-time strings as they are (the sink parses them).
    parses_timestamps = True

    def _parse_timestamps_in_record(
        self,
        record: dict[str, Any],
        schema: dict[str, Any],
        treatment: DatetimeErrorTreatmentEnum,
    ) -> None:
        if self.parses_timestamps:
            super()._parse_timestamps_in_record(record, schema, treatment)
