"""The singer-sdk hooks that make a run followable, for every tap at once: counts for the run
summary and the progress lines, the SDK's per-context noise said once, METRIC lines kept out of the
log unless it is at debug level.

`ReportingTap` goes before `Tap` in `CommerceTap`'s bases, `ReportingStream` before `RESTStream` in
`CommerceRESTStream`'s; the REST stream calls `count_request` before every attempt. They build on
the seam with singer-sdk's internals (commerce_taps_common.sdk)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

import requests
from singer_sdk import metrics
from singer_sdk.exceptions import RetriableAPIError
from singer_sdk.helpers.types import Context
from singer_sdk.typing import PropertiesList, Property, StringType

from commerce_taps_common.http.unreachable import (
    HostUnreachable,
    unreachable_config_error,
    unreachable_reason,
)
from commerce_taps_common.records.tenant import DEFAULT_TENANT
from commerce_taps_common.reporting.progress import ProgressLog
from commerce_taps_common.reporting.run_history import write_page
from commerce_taps_common.reporting.run_summary import RunSummary
from commerce_taps_common.sdk import (
    StreamSeam,
    TapSeam,
    merge_missing_config_jsonschema,
    stream_tap,
    stream_version,
    write_activate_version,
)

if TYPE_CHECKING:
    from backoff.types import Details

REPORTING_CONFIG = PropertiesList(
    Property(
        "run_summary_dir",
        StringType,
        description=(
            "Directory for one JSON summary per run (rows, requests, retries, waits per stream) "
            "and the run-history page, index.html, drawn from them; unset: none written."
        ),
    ),
).to_dict()


class _SaidOnce(logging.Filter):
    """Lets the first record of each message template through and drops its repeats."""

    def __init__(self, *templates: str) -> None:
        super().__init__()
        self._templates = frozenset(templates)
        self._said: set[str] = set()

    def reset(self) -> None:
        self._said.clear()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg not in self._templates:
            return True
        if record.msg in self._said:
            return False
        self._said.add(record.msg)
        return True


# The SDK warns once per stream and state partition (27 times a night) that progress is not
# resumable; once per run says it (bookmarks are still written when each stream ends).
_UNSORTED_ONCE = _SaidOnce(
    "Stream is assumed to be unsorted, progress is not resumable if interrupted"
)
#: The logger singer_sdk.helpers._state warns on.
_SDK_STATE_LOGGER = logging.getLogger("singer_sdk")


def metrics_only_at_debug(metrics_logger: logging.Logger) -> None:
    """METRIC lines (one per request and counter) reach only handlers set on the metrics logger
    itself (a log config's file handler, say), not the console, unless the plugin logs at debug
    level."""
    if not logging.getLogger().isEnabledFor(logging.DEBUG):
        metrics_logger.propagate = False


class ReportingTap(TapSeam):
    """Tap mixin: the run summary, progress lines and log settings."""

    #: Exceptions that end a run early on purpose, caught by the vendor's tap: "stopped" runs.
    clean_stops: tuple[type[BaseException], ...] = ()

    @classmethod
    def append_builtin_config(cls, config_jsonschema: dict[str, Any]) -> None:
        super().append_builtin_config(config_jsonschema)
        merge_missing_config_jsonschema(REPORTING_CONFIG, config_jsonschema)

    @property
    def plugin_name(self) -> str:
        """The Meltano plugin running the tap (one per account: `tap-zoho-partner--eu` reads its
        settings from TAP_ZOHO_PARTNER__EU_...), else the tap's own name: what a fix names."""
        return os.environ.get("MELTANO_EXTRACTOR_NAME") or self.name

    @cached_property
    def run_summary(self) -> RunSummary:
        return RunSummary(self.name, self.config.get("tenant") or DEFAULT_TENANT)

    @cached_property
    def progress(self) -> ProgressLog:
        return ProgressLog(self.run_summary, self.logger)

    def _quiet_logs(self) -> None:
        metrics_only_at_debug(self.metrics_logger)
        _UNSORTED_ONCE.reset()
        _SDK_STATE_LOGGER.addFilter(_UNSORTED_ONCE)  # added once: a logger keeps no duplicates

    def around_sync(self, sync_all: Callable[[], None]) -> None:
        self._quiet_logs()
        summary = self.run_summary
        error: BaseException | None = None
        try:
            super().around_sync(sync_all)
        except HostUnreachable as unreachable:
            error = unreachable_config_error(self.plugin_name, self.config, unreachable)
            raise error from None
        except BaseException as failure:
            error = failure
            raise
        finally:
            summary.finish(error, stopped=isinstance(error, self.clean_stops))
            for line in summary.table():
                self.logger.info("summary %s", line)
            if directory := self.config.get("run_summary_dir"):
                path = summary.write(directory)
                page = write_page(path.parent)
                self.logger.info("run summary written to %s; run history page: %s", path, page)


class TalliedCounter(metrics.Counter):
    """The SDK's counter (its METRIC points unchanged), also adding each increment to a tally."""

    def __init__(self, counter: metrics.Counter, tally: Callable[[int], None]) -> None:
        super().__init__(counter.metric, counter.tags, counter.log_interval)
        self._tally = tally

    def increment(self, value: int = 1) -> None:
        super().increment(value)
        self._tally(value)


class ReportingStream(StreamSeam):
    """Stream mixin: rows, pages, requests and retries into the tap's run summary; a child
    stream's SCHEMA and "Beginning sync" once per run instead of once per parent record."""

    _schema_sent = False
    _sync_logged = False

    @property
    def tap(self) -> ReportingTap:
        """The tap the stream belongs to (one of ours: it has the run summary)."""
        return cast(ReportingTap, stream_tap(self))

    def count_request(self, waited_seconds: float) -> None:
        """One attempt of a request (retries too), after `waited_seconds` for the rate limit."""
        self.tap.run_summary.request(self.name, waited_seconds)
        self.tap.progress.tick(self.name)

    def _rows(self, value: int) -> None:
        self.tap.run_summary.count(self.name, rows=value)
        self.tap.progress.tick(self.name)

    def _pages(self, value: int) -> None:
        self.tap.run_summary.count(self.name, pages=value)

    def get_record_counter(self, **kwargs: Any) -> metrics.Counter:
        return TalliedCounter(super().get_record_counter(**kwargs), self._rows)

    def get_http_request_counter(self) -> metrics.Counter:
        # The SDK counts one per page read (retries and detail requests are `count_request`'s).
        return TalliedCounter(super().get_http_request_counter(), self._pages)

    def backoff_handler(self, details: Details) -> None:
        error = details.get("exception")
        if not self.tap.run_summary.total().pages and (reason := unreachable_reason(error)):
            # Nothing has answered yet this run: a wrong URL or a server not running.
            request = cast(requests.ConnectionError, error).request
            raise HostUnreachable(str(request and request.url), reason) from None
        super().backoff_handler(details)
        self.tap.run_summary.retry(self.name, retry_cause(error), float(details.get("wait") or 0))

    def after_sync(self, context: Context | None) -> None:
        super().after_sync(context)
        # singer-sdk announces a full-table version only before its records; announced again
        # once they are all out, the version is complete and the loader retires older rows.
        if (version := stream_version(self)) is not None:
            write_activate_version(self, version)

    def schema_message_due(self) -> bool:
        # The schema does not change between a child stream's contexts: say it once.
        if self._schema_sent:
            return False
        self._schema_sent = True
        return super().schema_message_due()

    def log(self, message: str, *args: Any, **kwargs: Any) -> None:
        if self.parent_stream_type and message.startswith("Beginning sync of"):
            if self._sync_logged:
                kwargs["level"] = logging.DEBUG
            else:
                self._sync_logged = True
                message = f"{message} (one context per parent record; logged for the first)"
        super().log(message, *args, **kwargs)


def retry_cause(error: BaseException | None) -> str:
    """`HTTP 429`, `HTTP 503`, `invalid body` (a 2xx the stream could not use), or the
    exception's class (`ConnectionError`, `ReadTimeout`, ...)."""
    response = getattr(error, "response", None)
    if isinstance(error, RetriableAPIError) and response is not None:
        if response.status_code >= 400:
            return f"HTTP {response.status_code}"
        return "invalid body"
    return type(error).__name__
