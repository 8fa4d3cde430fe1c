"""`webhook_events`: the Zoom Commerce webhooks that `commerce-webhooks serve` committed to its
SQLite spool (the `webhook_spool` setting), read incrementally by sequence number. It reads a local
file, not the API: with only this stream selected the tap needs no credentials and sends no
request, so it can run every few minutes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from singer_sdk import Stream, StreamSchema
from singer_sdk.helpers.types import Context

from commerce_taps_common.config.errors import ConfigError
from commerce_taps_common.reporting.run_hooks import ReportingStream
from commerce_webhooks.spool import read_events
from tap_zoom_commerce.client import SCHEMAS


class WebhookEventsStream(ReportingStream, Stream):
    name = "webhook_events"
    primary_keys = ("event_id",)
    replication_key = "sequence"
    # The spool hands out sequence numbers in commit order: the bookmark may move record by record.
    is_sorted = True
    schema = StreamSchema(SCHEMAS)

    @staticmethod
    def spool_path(config: Mapping[str, Any]) -> Path | None:
        """The spool to read; raises ConfigError if it is set and there is no spool there."""
        if not config.get("webhook_spool"):
            return None
        path = Path(config["webhook_spool"])
        if not path.is_file():
            raise ConfigError(
                "webhook_spool",
                f"no spool at {path}",
                "start `commerce-webhooks serve --spool PATH` with this path, or correct it",
            )
        return path

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        path = self.spool_path(self.config)
        if path is None:
            self.logger.info("webhook_spool is not set: webhook_events has nothing to read")
            return
        # The bookmark itself: the SDK's starting value falls back to start_date, a date.
        bookmark = self.get_context_state(context).get("replication_key_value")
        yield from read_events(path, after=int(bookmark or 0))
