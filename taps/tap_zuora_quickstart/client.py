"""Zuora Quickstart API (v2): hosts, OAuth, the `{next_page, data}` envelope, `filter[]`
incremental reads, the error body, and the draft-invoice deletes that no listing reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from singer_sdk import StreamSchema
from singer_sdk.helpers.types import Context
from singer_sdk.streams.rest import PageContext

from commerce_taps_common.dates import parse_instant, to_utc_text
from commerce_taps_common.http.listing import Listing, parsed_body
from commerce_taps_common.http.pagination import CursorPaginator
from commerce_taps_common.http.slices import SECOND, Span, read_sliced
from commerce_taps_common.records.schemas import schema_directory
from commerce_taps_common.rest import CommerceRESTStream
from commerce_taps_common.state import RunCadence

SCHEMAS = schema_directory("tap-zuora-quickstart")

# The Quickstart spec's servers (2025 edition); the token endpoint is the v1 one on the same host.
DATA_CENTERS = {
    "us-test": "https://rest.test.zuora.com",
    "us-sandbox-1": "https://rest.sandbox.na.zuora.com",
    "us-sandbox-2": "https://rest.apisandbox.zuora.com",
    "us-production-1": "https://rest.na.zuora.com",
    "us-production-2": "https://rest.zuora.com",
    "eu-test": "https://rest.test.eu.zuora.com",
    "eu-sandbox": "https://rest.sandbox.eu.zuora.com",
    "eu-production": "https://rest.eu.zuora.com",
    "apac-test": "https://rest.test.ap.zuora.com",
    "apac-production": "https://rest.ap.zuora.com",
}

# `filter[]=id.IN:[...]` clauses are kept to this many ids so URLs stay short.
IN_CHUNK = 50


def host_url(config: Mapping[str, Any]) -> str:
    """The REST host without `/v2`, from `api_url` (with or without `/v2`) or `data_center`."""
    if config.get("api_url"):
        url = config["api_url"].rstrip("/")
        return url[: -len("/v2")] if url.endswith("/v2") else url
    return DATA_CENTERS[config["data_center"]]


def updated_instant(row: dict) -> dt.datetime | None:
    """A listed row's `updated_time` as an instant (the listing's order)."""
    try:
        return dt.datetime.fromisoformat(row["updated_time"])
    except (KeyError, TypeError, ValueError):
        return None


def zuora_timestamp(instant: dt.datetime) -> str:
    # Zuora's examples always carry a numeric offset; `Z` is not documented for filters.
    return instant.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


class ZuoraStream(CommerceRESTStream):
    """A Quickstart list endpoint read incrementally on `updated_time`."""

    primary_keys = ("id",)
    replication_key = "updated_time"
    # The API lists newest first (updated_time DESC): the bookmark is final when the stream ends.
    is_sorted = False
    records_jsonpath = "$.data[*]"
    schema = StreamSchema(SCHEMAS)
    #: `expand[]` values the stream's records carry.
    expand: tuple[str, ...] = ()
    #: Fields Zuora may change without moving `updated_time`: the stream is read again in full
    #: once every `unstamped_reread_runs` runs, so such a change lands within that many runs.
    unstamped_fields: tuple[str, ...] = ()

    @property
    def url_base(self) -> str:
        return f"{host_url(self.config)}/v2"

    @property
    def run(self) -> ZuoraRun:
        return self.tap.run

    @property
    def http_headers(self) -> dict[str, str]:
        headers = super().http_headers
        if entity_ids := self.config.get("entity_ids"):
            ids = entity_ids.split(",") if isinstance(entity_ids, str) else entity_ids
            headers["zuora-entity-ids"] = ",".join(item.strip() for item in ids)
        return headers

    def get_new_paginator(self) -> CursorPaginator:
        return CursorPaginator(lambda response: parsed_body(response).get("next_page"))

    def read_from(self, context: Context | None, in_full: bool = False) -> dt.datetime | None:
        if in_full:
            start_date = self.config.get("start_date")
            return parse_instant(str(start_date)) - SECOND if start_date else None
        start = self.get_starting_timestamp(context)
        return (
            start - dt.timedelta(seconds=int(self.config.get("lookback_seconds", 300)))
            if start
            else None
        )

    def updated_in(self, span: Span) -> dict[str, Any]:
        """The read of the stream's rows updated within `span` (Zuora documents only GT and LT
        on times): its query, the context `request_records` reads."""
        params: dict[str, Any] = {}
        clauses = []
        if span.start:
            clauses.append(f"updated_time.GT:{zuora_timestamp(span.start - SECOND)}")
        if span.end:
            clauses.append(f"updated_time.LT:{zuora_timestamp(span.end)}")
        if clauses:
            params["filter[]"] = clauses if len(clauses) > 1 else clauses[0]
        if self.expand:
            params["expand[]"] = list(self.expand)
        return params

    def get_records(self, context: Context | None) -> Iterable[dict]:
        """The stream's rows updated since the bookmark (since `start_date` on the runs that read
        unstamped fields again), read in time slices `max_concurrency` at a time."""
        runs = int(self.config.get("unstamped_reread_runs", 7))
        if not self.unstamped_fields or not runs:
            yield from self.read_updated(self.read_from(context))
            return
        reread = RunCadence(self.get_context_state(context), "runs_since_full_read", runs)
        yield from self.read_updated(self.read_from(context, in_full=reread.due))
        reread.save()

    def read_updated(self, since: dt.datetime | None) -> Iterable[dict]:
        workers = int(self.config.get("max_concurrency", 4))
        if since is None or workers <= 1:  # no lower bound to slice from: one read
            yield from self.request_records(
                self.updated_in(Span(since + SECOND if since else None, None))
            )
            return
        paginator = self.get_new_paginator()  # its memory of cursors catches a loop in any slice
        with self.get_http_request_counter() as pages:

            def read_page(span: Span, cursor: Any) -> tuple[list[dict], Any]:
                rows, response = self.page(PageContext(self.updated_in(span), cursor))
                pages.increment()
                return rows, paginator.get_next(response)

            yield from read_sliced(
                read_page,
                Span(since + SECOND, None),
                updated_instant,
                lambda row: row.get("id"),
                workers,
            )

    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        params = super().get_url_params(context, next_page_token)
        params["page_size"] = self.config.get("page_size", 99)
        if next_page_token:
            params["cursor"] = next_page_token
        return params

    def vendor_error_text(self, body: Any) -> str | None:
        # {"type": ..., "errors": [{"code", "parameter", "message"}], "retryable": ...}
        if not isinstance(body, dict):
            return None
        details = [
            " ".join(str(error[key]) for key in ("code", "parameter", "message") if error.get(key))
            for error in body.get("errors") or []
            if isinstance(error, dict)
        ]
        return "; ".join(filter(None, [body.get("type"), *details])) or None

    def list_ids(self, path: str, clause: str) -> set[str]:
        """Ids on `path` matching one `filter[]` clause, read with `fields[]=id` (cheap)."""
        return {
            record["id"]
            for record in self.listing(Listing(path, {"filter[]": clause, "fields[]": "id"}))
        }

    def existing_ids(self, path: str, ids: Iterable[str]) -> set[str]:
        ids = sorted(ids)
        found: set[str] = set()
        for start in range(0, len(ids), IN_CHUNK):
            found |= self.list_ids(path, f"id.IN:[{','.join(ids[start : start + IN_CHUNK])}]")
        return found


class DraftInvoices:
    """Which draft invoices exist now, and which ones tracked earlier were deleted.

    Zuora hard-deletes draft invoices (with their items) and no Quickstart listing reports it.
    Drafts are few and short-lived, so each run lists the current drafts once
    (`filter[]=state.EQ:draft`), and the streams keep, in their state, the drafts (invoices) or
    the items of drafts (invoice items) they emitted. A tracked draft that is no longer a draft and
    no longer listed by id was deleted: its rows get tombstones (`_sdc_deleted_at`). Shared by the
    two streams of one run, so the listing happens once.
    """

    def __init__(self) -> None:
        self._current: set[str] | None = None
        self._known_gone: dict[str, bool] = {}

    def current(self, stream: ZuoraStream) -> set[str]:
        if self._current is None:
            self._current = stream.list_ids("/invoices", "state.EQ:draft")
        return self._current

    def note_draft(self, invoice_id: str) -> None:
        """A draft emitted after the listing was read (created during the run)."""
        if self._current is not None:
            self._current.add(invoice_id)

    def deleted(self, stream: ZuoraStream, tracked: Iterable[str]) -> set[str]:
        left = {invoice for invoice in tracked if invoice not in self.current(stream)}
        unknown = [invoice for invoice in left if invoice not in self._known_gone]
        if unknown:
            existing = stream.existing_ids("/invoices", unknown)
            self._known_gone.update({invoice: invoice not in existing for invoice in unknown})
        return {invoice for invoice in left if self._known_gone[invoice]}


@dataclass
class ZuoraRun:
    """Data the streams of one run share: `draft_invoices`, read and updated by the invoices
    and the invoice_items streams (whichever syncs first lists the drafts)."""

    draft_invoices: DraftInvoices = field(default_factory=DraftInvoices)


def tombstone(record_id: str) -> dict[str, Any]:
    """A delete in the Singer convention: the key plus `_sdc_deleted_at`. It carries no
    `updated_time`, so it never moves the bookmark."""
    return {
        "id": record_id,
        "updated_time": None,
        "_sdc_deleted_at": to_utc_text(dt.datetime.now(dt.UTC)),
    }
