"""The taps' one seam with singer-sdk's internals, written against singer-sdk 0.54.9.

Where singer-sdk has no public hook for what the taps do, what they use of its private or @final
members is here and nowhere else:
- read or called: a stream's tap (`Stream._tap`), its full-table version (`_stream_version`), the
  ACTIVATE_VERSION writer (`_write_activate_version_message`), a plugin's own config dict
  (`PluginBase._config`), and two functions of private modules (`merge_missing_config_jsonschema`,
  `utc_now`);
- overridden: `TapSeam` and `StreamSeam` override the private methods (`_validate_config`,
  `_write_schema_message`, `_generate_record_messages`) and the @final ones (`Tap.load_streams`,
  `Tap.sync_all`, `Stream.sync`), each handing over to a public method the taps override instead.

tests/unit/test_sdk_seam.py fails, naming the member, when a singer-sdk upgrade changes one."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any

from singer_sdk import Stream, Tap
from singer_sdk import singerlib as singer
from singer_sdk.configuration._dict_config import merge_missing_config_jsonschema
from singer_sdk.helpers._util import utc_now
from singer_sdk.helpers.types import Context, Record
from singer_sdk.plugin_base import PluginBase

__all__ = [
    "StreamSeam",
    "TapSeam",
    "merge_missing_config_jsonschema",
    "mutable_config",
    "stream_tap",
    "stream_version",
    "utc_now",
    "write_activate_version",
]


def stream_tap(stream: Stream) -> Tap:
    """The tap the stream belongs to."""
    return stream._tap


def stream_version(stream: Stream) -> int | None:
    """The full-table version the stream announced this run (None: it announced none)."""
    return stream._stream_version


def write_activate_version(stream: Stream, version: int) -> None:
    """An ACTIVATE_VERSION message for `version` of the stream."""
    stream._write_activate_version_message(version)


def mutable_config(plugin: PluginBase) -> dict[str, Any]:
    """The plugin's config itself, to change (`config` is a read-only view of it)."""
    return plugin._config


# Statically the mixins are the SDK classes they go before, so that mypy checks their overrides
# and `super()` calls; at run time they are plain mixins and the plugin's bases give the MRO.
if TYPE_CHECKING:
    from singer_sdk import RESTStream

    _TapBase = Tap
    _StreamBase = RESTStream[Any]
else:
    _TapBase = _StreamBase = object


class TapSeam(_TapBase):
    """Tap mixin, before `Tap` in the bases."""

    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        return self.validate_settings(raise_errors=raise_errors)

    def validate_settings(self, *, raise_errors: bool) -> list[str]:
        """Check the config (the SDK: against `config_jsonschema`); the warnings."""
        return super()._validate_config(raise_errors=raise_errors)

    # @final in the SDK, which has no hook for the order streams sync in.
    def load_streams(self) -> list[Stream]:  # type: ignore[misc]
        return self.order_streams(super().load_streams())

    def order_streams(self, streams: list[Stream]) -> list[Stream]:
        """The streams in the order they sync (the SDK's: by name)."""
        return streams

    # @final in the SDK, which has no hook around a whole run.
    def sync_all(self) -> None:  # type: ignore[misc]
        self.around_sync(super().sync_all)

    def around_sync(self, sync_all: Callable[[], None]) -> None:
        """Runs the whole sync, `sync_all`; mixins extend it to act before or after."""
        sync_all()


class StreamSeam(_StreamBase):
    """Stream mixin, before the SDK's stream class in the bases."""

    # @final in the SDK, which has no hook after a stream's (or a context's) sync.
    def sync(self, context: Context | None = None) -> None:  # type: ignore[misc]
        super().sync(context)
        self.after_sync(context)

    def after_sync(self, context: Context | None) -> None:
        """Called after each sync of the stream, once its records and state are out."""

    def _write_schema_message(self) -> None:
        if self.schema_message_due():
            super()._write_schema_message()

    def schema_message_due(self) -> bool:
        """Whether to send the stream's SCHEMA now (the SDK: at every sync of a context)."""
        return True

    def _generate_record_messages(self, record: Record) -> Generator[singer.RecordMessage]:
        yield from self.record_messages(record)

    def record_messages(self, record: Record) -> Iterator[singer.RecordMessage]:
        """The RECORD messages of one record: the SDK's, one per stream map."""
        yield from super()._generate_record_messages(record)
