"""Zoho Store Partner API: data centers, the refresh-token flow at the accounts server (parameters
in the query string, refusals and throttling inside HTTP 200 or 400 bodies), the envelope in its
three observed forms, errors inside HTTP 200 bodies, and inclusive day-granular date filters.

Sources: Zoho's Store partner API page and public clients of it (there is no machine-readable
description: docs/vendor-specs/README.md). Where they are unsure the tap accepts every reading, and
says so where it does."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, cast

import requests
from singer_sdk import StreamSchema
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError
from singer_sdk.helpers.types import Context
from singer_sdk.pagination import PageNumberPaginator

from commerce_taps_common.config.errors import ConfigError
from commerce_taps_common.dates import date_windows, tomorrow_utc
from commerce_taps_common.http.auth import OAuthTokenAuth, TokenUnavailable
from commerce_taps_common.http.listing import Listing, parsed_body
from commerce_taps_common.records.normalise import to_iso_date
from commerce_taps_common.records.schemas import schema_directory
from commerce_taps_common.rest import CommerceRESTStream
from commerce_taps_common.state import RunCadence

SCHEMAS = schema_directory("tap-zoho-partner")
logger = logging.getLogger(__name__)

# (store host, accounts host) per data center. The vendor's page lists the us/eu/in/au stores;
# jp, ca and cn follow the accounts hosts of Zoho's multi-DC table (ca is zohocloud.ca).
DATA_CENTERS = {
    "us": ("https://store.zoho.com", "https://accounts.zoho.com"),
    "eu": ("https://store.zoho.eu", "https://accounts.zoho.eu"),
    "in": ("https://store.zoho.in", "https://accounts.zoho.in"),
    "au": ("https://store.zoho.com.au", "https://accounts.zoho.com.au"),
    "jp": ("https://store.zoho.jp", "https://accounts.zoho.jp"),
    "ca": ("https://store.zohocloud.ca", "https://accounts.zohocloud.ca"),
    "cn": ("https://store.zoho.com.cn", "https://accounts.zoho.com.cn"),
}
API_PATH = "/api/v1/partner"
# "You can retrieve transactions only from 2019-01-01."
TRANSACTION_FLOOR = dt.date(2019, 1, 1)
# Where a read starts with neither bookmark nor start_date.
ORIGIN = dt.date(2000, 1, 1)
# Body codes for a transient failure on Zoho's side (Books' "Internal error"): worth a retry.
TRANSIENT_CODES = {1000}


def api_root(config: Mapping[str, Any]) -> str:
    if config.get("api_url"):
        return config["api_url"].rstrip("/")
    return DATA_CENTERS[config["data_center"]][0] + API_PATH


def accounts_root(config: Mapping[str, Any]) -> str:
    if config.get("accounts_url"):
        return config["accounts_url"].rstrip("/")
    return DATA_CENTERS[config["data_center"]][1]


class ZohoRefreshTokenAuth(OAuthTokenAuth):
    """`grant_type=refresh_token` at the data center's accounts server, as the vendor's page
    documents it (everything in the query string). Zoho mints at most 10 access tokens per refresh
    token per 10 minutes, then answers "Access Denied" for the rest of the window: the tap
    refreshes once per run (a token lives an hour), and when throttled waits out the window
    instead of asking again and again."""

    scheme = "Zoho-oauthtoken"
    #: Throttled answers waited out before the run gives up.
    throttle_waits = 2
    refusals = {
        "invalid_code": (
            "refresh_token",
            "the accounts server does not know this refresh token (revoked, "
            "expired, or made in another data center)",
            "generate a new one from the Self Client in the same data center as data_center",
        ),
        "invalid_client": (
            "client_id",
            "the accounts server does not know this client",
            "copy the Self Client's client id, and check data_center",
        ),
        "invalid_client_secret": (
            "client_secret",
            "the accounts server refused the client secret",
            "copy the Self Client's client secret",
        ),
    }

    def __init__(
        self,
        token_url: str,
        config: Mapping[str, Any],
        *,
        throttle_wait_seconds: float,
        timeout: float,
    ) -> None:
        super().__init__(token_url, timeout=timeout)
        self._params = {
            "refresh_token": config["refresh_token"],
            "client_id": config["client_id"],
            "client_secret": config["client_secret"],
            "grant_type": "refresh_token",
        }
        self._throttle_wait = throttle_wait_seconds
        self._throttled = 0

    def _post(self) -> requests.Response:
        return self._session.post(self.token_url, params=self._params, timeout=self._timeout)

    def _accept(self, response: requests.Response) -> dict[str, Any] | None:
        try:
            body = response.json()
        except ValueError:
            return None
        if not isinstance(body, dict):
            return None
        error = body.get("error")
        if "access_token" in body and not error:
            return body
        if error in self.refusals:  # Zoho answers these with HTTP 200
            raise ConfigError(*self.refusals[error])
        if error == "Access Denied":
            self._throttled += 1
            if self._throttled > self.throttle_waits or not self._throttle_wait:
                raise TokenUnavailable(
                    f"{self.token_url} is throttling token refreshes for this refresh token "
                    "('Access Denied: "
                    f"{body.get('error_description', 'too many requests')}'): Zoho allows 10 per "
                    "10 minutes; "
                    "run again later, and check that no other job refreshes with the same "
                    "refresh_token"
                )
            logger.warning(
                "Zoho's accounts server throttles token refreshes (at most 10 per refresh token "
                "per "
                "10 minutes); waiting %.0f s before asking again",
                self._throttle_wait,
            )
            time.sleep(self._throttle_wait)
            return None
        if error:
            raise ConfigError(
                "refresh_token",
                f"the accounts server refused the refresh: {error}",
                "check client_id, client_secret, refresh_token and data_center",
            )
        return None  # an answer without a token (5xx, a gateway page): ask again


class ZohoPaginator(PageNumberPaginator):
    """`page` from 1. Stops when page_context says there is no more (`has_more`, or `has_more_page`
    as in Zoho Billing and Books: the partner page does not say which), or, for a bare array, on
    a page shorter than `per_page`."""

    def __init__(self, per_page: int) -> None:
        super().__init__(1)
        self._per_page = per_page

    def has_more(self, response: requests.Response) -> bool:
        body = parsed_body(response)
        page_context = body.get("page_context") if isinstance(body, dict) else None
        if isinstance(page_context, dict):
            for flag in ("has_more", "has_more_page"):
                if flag in page_context:
                    return bool(page_context[flag])
        return len(records_of(body, None)) >= self._per_page


def records_of(body: Any, resource: str | None) -> list[dict]:
    """The rows of a list answer: a bare array, or the envelope's `<resource>` list (falling back
    to the only list in it, e.g. `data`, which one public client also reads)."""
    if isinstance(body, list):
        return body
    if not isinstance(body, dict):
        return []
    if resource and isinstance(body.get(resource), list):
        return body[resource]
    lists = [value for key, value in body.items() if isinstance(value, list)]
    return lists[0] if len(lists) == 1 else []


class ZohoStream(CommerceRESTStream):
    """A partner list endpoint: `page`/`per_page`, the envelope or a bare array."""

    default_lookback_days = 30
    schema = StreamSchema(SCHEMAS)

    #: The envelope's key holding the rows.
    resource: str
    rate_limit_reset_header = "X-Rate-Limit-Reset"  # Zoho Books' name; Retry-After is read first
    #: Top-level copies of nested ids, for joins: name -> (object, field).
    lifted: dict[str, tuple[str, str]] = {}

    def post_process(self, row: dict, context: Context | None = None) -> dict | None:
        for name, (outer, inner) in self.lifted.items():
            nested = row.get(outer)
            row[name] = nested.get(inner) if isinstance(nested, dict) else None
        return super().post_process(row, context)

    @property
    def url_base(self) -> str:
        return api_root(self.config)

    def get_new_paginator(self) -> ZohoPaginator:
        return ZohoPaginator(self.per_page)

    @property
    def per_page(self) -> int:
        return int(self.config.get("page_size", 200))

    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        params = super().get_url_params(context, next_page_token)
        params.update({"page": next_page_token or 1, "per_page": self.per_page})
        return params

    def parse_response(self, response: requests.Response) -> Iterable[dict]:
        yield from records_of(parsed_body(response), self.resource)

    def vendor_error_text(self, body: Any) -> str | None:
        if not isinstance(body, dict):
            return None
        if body.get("error"):
            return " ".join(
                str(body[key]) for key in ("error", "error_description") if body.get(key)
            )
        if "code" in body:
            return f"code {body['code']}: {body.get('message', '')}".strip()
        return None

    def check_success_body(self, response: requests.Response, body: Any) -> None:
        """Zoho reports some errors with HTTP 200: a `code` other than 0, or an `error` key."""
        if not isinstance(body, dict) or (
            body.get("code") in (0, "0", None) and not body.get("error")
        ):
            return
        message = f"{self._describe(response, body)} (an error inside an HTTP 200 answer)"
        if body.get("code") in TRANSIENT_CODES:
            raise RetriableAPIError(message, response)
        raise FatalAPIError(message)


class DateFilteredStream(ZohoStream):
    """Read by whole-day windows on `replication_key` through `<date_filter>_from`/`_to`, starting
    `lookback_days` before the bookmark: late rows and changes inside the look-back land again and
    the loader's merge on the primary key keeps one copy."""

    is_sorted = False  # newest first: the bookmark is final when the stream ends
    #: The filter's parameter stem: `<date_filter>_from` and `<date_filter>_to`.
    date_filter: str
    #: Days per request window (pages within a window are short-lived, so rows inserted while
    #: paging shift few pages).
    window_days = 365
    #: Earliest day the API serves.
    floor: dt.date | None = None
    #: A filtered view of the same rows that adds fields (the invoiced view of transactions):
    #: read over the same window and its extra fields folded into each row.
    folded_path: str | None = None

    def windows(self, first: dt.date) -> Iterator[dict[str, str]]:
        """The filter parameters of each window from `first` to tomorrow."""
        for start, end in date_windows(first, tomorrow_utc(), self.window_days):
            yield {
                f"{self.date_filter}_from": start.isoformat(),
                f"{self.date_filter}_to": end.isoformat(),
            }

    def get_records(self, context: Context | None) -> Iterable[dict]:
        first = self.first_day(context, self.floor or ORIGIN)  # no date set: all it serves
        if self.floor and first < self.floor:
            if not self.get_context_state(context).get(
                "replication_key_value"
            ):  # start_date, not a bookmark
                self.logger.warning(
                    "start_date %s is before %s, the earliest %s the API serves: reading from %s",
                    first,
                    self.floor,
                    self.name,
                    self.floor,
                )
            first = self.floor
        yield from self.read(first)

    def read(self, first: dt.date) -> Iterator[dict]:
        """Every row of every window from `first`."""
        for window in self.windows(first):
            if self.folded_path is None:
                yield from self.request_records(window)
                continue
            folded = {
                row.get(self.primary_keys[0]): row
                for row in self.listing(Listing(self.folded_path, window))
            }
            for row in self.request_records(window):
                extra = folded.get(row.get(self.primary_keys[0]), {})
                yield {**row, **{key: value for key, value in extra.items() if key not in row}}


class DayFilteredStream(DateFilteredStream):
    """Filtered on one whole day at a time (`<day_filter>=YYYY-MM-DD`), optionally per value of
    a partition filter. A span too long to walk day by day (a backfill) is read as one unfiltered
    listing instead, and rows before the first day are dropped here. Once every `sweep_setting`
    runs the run reads the whole unfiltered listing (a few pages), so a change to a row older than
    the look-back lands within that many runs."""

    #: The single-day filter parameter.
    day_filter: str
    #: Longest span read one day per request.
    max_days_one_by_one = 92
    #: The setting listing values of `partition_filter` to read separately (empty: all at once).
    partition_setting: str | None = None
    partition_filter: str | None = None
    #: The setting saying once every how many runs to sweep the whole listing (None: never).
    sweep_setting: str | None = None

    def get_records(self, context: Context | None) -> Iterable[dict]:
        if not self.sweep_setting:
            yield from super().get_records(context)
            return
        sweep = RunCadence(
            self.get_context_state(context), "runs_since_sweep", self.setting(self.sweep_setting)
        )
        if sweep.due:
            # Everything since start_date, a span long enough to be one unfiltered listing.
            start = self.config.get("start_date")
            yield from self.read(
                dt.date.fromisoformat(to_iso_date(str(start))) if start else ORIGIN
            )
        else:
            yield from super().get_records(context)
        sweep.save()

    def windows(self, first: dt.date) -> Iterator[dict[str, str]]:
        days = (tomorrow_utc() - first).days + 1
        partitions = (
            self.config.get(self.partition_setting) if self.partition_setting else None
        ) or [None]
        for value in partitions:
            # partition_filter is set wherever partition_setting is
            partition = {cast(str, self.partition_filter): value} if value else {}
            if days > self.max_days_one_by_one:
                yield partition
                continue
            for start, _ in date_windows(first, tomorrow_utc(), 1):
                yield {self.day_filter: start.isoformat(), **partition}

    def read(self, first: dt.date) -> Iterator[dict]:
        for row in super().read(first):
            if to_iso_date(str(row.get(self.replication_key) or "")) >= first.isoformat():
                yield row
