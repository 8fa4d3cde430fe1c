"""Zoom Commerce API: OAuth (Server-to-Server, or user OAuth whose refresh tokens rotate), the two
pagination styles, LIGHT/MEDIUM per-second limits, Retry-After as seconds or as an instant, the
daily limit, `{code, message}` errors with `x-zm-trackingid`, 3-year date windows, and the
defaults that silently narrow what a list returns (the streams always pass every filter value).

Sources: Zoom's OpenAPI document (docs/vendor-specs/zoom-commerce-openapi-2026-02-07.json) and
Zoom's API documentation pages."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, cast

import requests
from singer_sdk import StreamSchema
from singer_sdk.exceptions import FatalAPIError
from singer_sdk.helpers.types import Context
from singer_sdk.pagination import PageNumberPaginator

from commerce_taps_common.config.errors import ConfigError
from commerce_taps_common.dates import date_windows, tomorrow_utc
from commerce_taps_common.http.auth import OAuthTokenAuth, TokenFile
from commerce_taps_common.http.concurrency import batches
from commerce_taps_common.http.listing import keep_parsed_body, parsed_body
from commerce_taps_common.http.pacing import Pacer, retry_after_instant
from commerce_taps_common.http.pagination import CursorPaginator
from commerce_taps_common.records.schemas import schema_directory
from commerce_taps_common.rest import CommerceRESTStream
from commerce_taps_common.state import RowDigests

if TYPE_CHECKING:
    from tap_zoom_commerce.tap import TapZoomCommerce

SCHEMAS = schema_directory("tap-zoom-commerce")
logger = logging.getLogger(__name__)

API_URL = "https://api.zoom.us/v2"
OAUTH_URL = "https://zoom.us/oauth/token"
# "The date range cannot be more than 3 years" (5505): windows stay a day inside it.
WINDOW_DAYS = 3 * 365 - 1
NO_RECORDS = 5009  # a detail lookup found nothing: the one 4xx that is not an error
PAGE_TOKEN_RESTARTS = 3
ORIGIN = dt.date(2010, 1, 1)  # where a read starts with neither bookmark nor start_date


class DailyLimitReached(Exception):
    """Zoom's daily request limit for the account is used up: stop, keep the bookmarks."""

    def __init__(self, resume_at: dt.datetime | None, category: str | None) -> None:
        when = resume_at.isoformat() if resume_at else "tomorrow (UTC)"
        super().__init__(
            f"Zoom's daily request limit ({category or 'this category'}) is used up; the run "
            "stopped "
            f"with its bookmarks saved. Run again after {when}."
        )


class PageTokenExpired(Exception):
    """A `next_page_token` outlived its 15 minutes."""


class ZoomOAuth(OAuthTokenAuth):
    """Client id and secret in a Basic header. Server-to-Server: `account_credentials` with
    `account_id`. User OAuth: `refresh_token`; Zoom answers with a new refresh token and the old
    one stops working, so the newest is written to `token_file` before it is used."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        super().__init__(
            config.get("oauth_url") or OAUTH_URL, timeout=config.get("request_timeout", 90)
        )
        self._client = (config["client_id"], config["client_secret"])
        self._account_id = config.get("account_id")
        self._token_file = TokenFile(config["token_file"]) if config.get("token_file") else None
        self._configured_refresh_token = config.get("refresh_token")

    def _refresh_token(self) -> str | None:
        return (
            self._token_file.read() if self._token_file else None
        ) or self._configured_refresh_token

    def _post(self) -> requests.Response:
        if self._account_id:
            form = {"grant_type": "account_credentials", "account_id": self._account_id}
        else:
            form = {"grant_type": "refresh_token", "refresh_token": self._refresh_token()}
        return self._session.post(
            self.token_url, data=form, auth=self._client, timeout=self._timeout
        )

    def _accept(self, response: requests.Response) -> dict[str, Any] | None:
        if response.status_code == HTTPStatus.OK:
            return response.json()
        if (
            response.status_code >= HTTPStatus.INTERNAL_SERVER_ERROR
            or response.status_code == HTTPStatus.TOO_MANY_REQUESTS
        ):
            return None  # busy, not a refusal: asked again after a back-off
        try:
            reason = response.json().get("reason") or response.json().get("error")
        except ValueError:
            reason = response.reason
        if response.status_code == HTTPStatus.UNAUTHORIZED:
            raise ConfigError(
                "client_secret",
                f"Zoom refused the client id and secret ({reason})",
                "copy both from the app's App Credentials page",
            )
        if self._account_id:
            raise ConfigError(
                "account_id",
                f"Zoom refused the account credentials ({reason})",
                "copy the Account ID of the Server-to-Server OAuth app",
            )
        raise ConfigError(
            "refresh_token",
            f"Zoom refused the refresh token ({reason})",
            "refresh tokens rotate on every use: authorise the app again and set the new one, "
            "and keep token_file where every run finds it",
        )

    def _accepted(self, body: dict[str, Any]) -> None:
        if body.get("refresh_token") and self._token_file:
            self._token_file.write(body["refresh_token"])


class PageCountPaginator(PageNumberPaginator):
    """`page_num`/`page_number` from 1 until `page_count`."""

    def has_more(self, response: requests.Response) -> bool:
        return self.current_value < int(parsed_body(response).get("page_count") or 0)


class ZoomStream(CommerceRESTStream):
    """A Commerce endpoint: bearer token, per-category pacing, Zoom's errors."""

    #: The rate-limit category of the stream's own endpoint (details are LIGHT, lists MEDIUM).
    category = "MEDIUM"
    default_lookback_days = 7
    schema = StreamSchema(SCHEMAS)
    #: Another key the rows may come under (where the spec contradicts itself).
    records_key_alias: str | None = None

    @property
    def run(self) -> ZoomRun:
        return self.tap.run

    def parse_response(self, response: requests.Response) -> Iterable[dict]:
        body = parsed_body(response)
        if self.records_key_alias and isinstance(body, dict) and self.records_key_alias in body:
            yield from body[self.records_key_alias] or []
        else:
            yield from super().parse_response(response)

    @property
    def url_base(self) -> str:
        return (self.config.get("api_url") or API_URL).rstrip("/")

    def pacer_for(self, request: requests.PreparedRequest) -> Pacer:
        return cast("TapZoomCommerce", self.tap).pacers[category_of(request.path_url)]

    def vendor_error_text(self, body: Any) -> str | None:
        if isinstance(body, dict) and "code" in body:
            return f"[{body['code']}] {body.get('message', '')}".strip()
        return None

    def _describe(self, response: requests.Response, body: Any = None) -> str:
        text = super()._describe(response, body)
        tracking = response.headers.get("x-zm-trackingid")
        return f"{text} (x-zm-trackingid {tracking})" if tracking else text

    def validate_response(self, response: requests.Response) -> None:
        if (
            response.status_code == HTTPStatus.TOO_MANY_REQUESTS
            and response.headers.get("X-RateLimit-Type", "").lower() == "daily-limit"
        ):
            raise DailyLimitReached(
                retry_after_instant(response.headers), response.headers.get("X-RateLimit-Category")
            )
        if response.status_code == HTTPStatus.BAD_REQUEST and "next_page_token" in (
            response.request.url or ""
        ):
            raise PageTokenExpired(self._describe(response))
        if (
            response.status_code == HTTPStatus.NOT_FOUND
            and category_of(response.request.path_url) == "LIGHT"
        ):
            try:
                code = response.json().get("code")
            except ValueError:
                code = None
            if code == NO_RECORDS:  # a detail of a record that is gone: nothing, not an error
                keep_parsed_body(response, None)
                return
        super().validate_response(response)


class ListStream(ZoomStream):
    """A list read whole every run (no filter says what changed), with ACTIVATE_VERSION so rows
    the list no longer holds are deleted."""

    emit_activate_version_messages = True
    #: The page-number parameter (`page_number` for most lists, `page_num` for orders and quotes).
    page_parameter = "page_number"
    page_size = 100

    def get_new_paginator(self) -> PageCountPaginator:
        return PageCountPaginator(1)

    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        params = super().get_url_params(context, next_page_token)
        params.update({"page_size": self.page_size, self.page_parameter: next_page_token or 1})
        return params


class DateFilteredListStream(ListStream):
    """Orders and quotes: `date_filter_option=updatedDate` with `from`/`to` (inclusive days, 3-year
    windows at most) from the bookmark less `lookback_days`, sorted oldest first, once per type
    (the API's default type is `sale` only)."""

    emit_activate_version_messages = False
    is_sorted = False  # sorted per type and window, not across them
    replication_key = "updated_date"
    page_parameter = "page_num"
    #: The type parameter and the values every run reads.
    type_parameter: str
    types = ("sale", "trial")

    def get_records(self, context: Context | None) -> Iterable[dict]:
        """Every type's windows, read `max_concurrency` at a time (they are independent)."""
        reads = [
            {
                self.type_parameter: kind,
                "date_filter_option": "updatedDate",
                "from": first.isoformat(),
                "to": end.isoformat(),
                "sort": "updatedDate.asc",
            }
            for kind in self.types
            for first, end in date_windows(
                self.first_day(context, ORIGIN), tomorrow_utc(), WINDOW_DAYS
            )
        ]
        for rows in self.concurrently(self.all_rows, reads):
            yield from rows


class TokenListStream(ZoomStream):
    """A list paged by `next_page_token` (subscriptions, billing documents). A token outlives its
    15 minutes only if a run stalls mid-list; the list is then read again from the start of its
    window, not from scratch."""

    page_size = 99

    def get_new_paginator(self) -> CursorPaginator:
        return CursorPaginator(lambda response: parsed_body(response).get("next_page_token"))

    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        params = super().get_url_params(context, next_page_token)
        params["page_size"] = self.page_size
        if next_page_token:
            params["next_page_token"] = next_page_token
        return params

    def request_records(self, context: Context | None) -> Iterator[dict]:
        for attempt in range(PAGE_TOKEN_RESTARTS + 1):
            try:
                yield from super().request_records(context)
                return
            except PageTokenExpired as error:
                if attempt == PAGE_TOKEN_RESTARTS:
                    raise FatalAPIError(f"{error} ({PAGE_TOKEN_RESTARTS} restarts)") from None
                logger.warning(
                    "%s: a next_page_token expired; reading this window again from its start",
                    self.name,
                )


@dataclass(frozen=True)
class OpenRows:
    """Rows whose `parameter` is `open` still change after their date (a balance, a payment):
    every run reads each of `values` per window, re-reads the `open` rows dated before the
    bookmark's window, and looks up, one by one as `closed`, the rows open last run that no read
    listed. The open rows are kept in the state under `state_key` (key -> [kind, day])."""

    parameter: str
    values: tuple[str, ...]
    open: str
    closed: str
    state_key: str


@dataclass(frozen=True)
class ChangedRowDetails:
    """The detail at `path` (formatted with the row's key) of each list row of kind `kind` that
    is new or changed since the last run (a digest per row, kept in the state under
    `state_key`), read when the child stream `child` is selected, which emits it."""

    path: str
    kind: str
    child: str
    state_key: str = "digests"


class WindowedListStream(TokenListStream):
    """A list read in 3-year windows of `window_parameters` from the bookmark less
    `lookback_days`, once per kind (`kind_parameter`: the API's default is one kind), windows
    read `max_concurrency` at a time, with the read strategies it declares: `open_rows` (rows
    re-read until they close) and `changed_details` (details of new or changed rows)."""

    is_sorted = False
    #: The window's first and last day parameters.
    window_parameters: tuple[str, str]
    #: The kind parameter and the kinds every run reads.
    kind_parameter: str
    kinds: tuple[str, ...]
    open_rows: OpenRows
    changed_details: ChangedRowDetails

    def windowed(
        self, params: dict[str, Any], first: dt.date, last: dt.date
    ) -> Iterator[dict[str, Any]]:
        start_parameter, end_parameter = self.window_parameters
        for start, end in date_windows(first, last, WINDOW_DAYS):
            yield {**params, start_parameter: start.isoformat(), end_parameter: end.isoformat()}

    def rows(self, context: Context | None, tracked: dict[str, list[str]]) -> Iterator[dict]:
        """The windows of every kind and value, read `max_concurrency` at a time (they are
        independent), then the rows tracked as open that none of them listed."""
        first = self.first_day(context, ORIGIN)
        origin = (
            dt.date.fromisoformat(self.config["start_date"][:10])
            if self.config.get("start_date")
            else ORIGIN
        )
        status = self.open_rows
        reads: list[dict[str, Any]] = []
        for kind in self.kinds:
            for value in status.values:
                reads += self.windowed(
                    {self.kind_parameter: kind, status.parameter: value}, first, tomorrow_utc()
                )
            if first > origin:
                reads += self.windowed(
                    {self.kind_parameter: kind, status.parameter: status.open},
                    origin,
                    first - dt.timedelta(days=1),
                )
        key = self.primary_keys[0]
        seen: set[str] = set()
        for rows in self.concurrently(self.all_rows, reads):
            seen.update(row[key] for row in rows)
            yield from rows
        # Open last run, not open now: read each as it is.
        start_parameter, end_parameter = self.window_parameters
        lookups = [
            {
                self.kind_parameter: kind,
                status.parameter: status.closed,
                key: number,
                start_parameter: day[:10],
                end_parameter: day[:10],
            }
            for number, (kind, day) in sorted(tracked.items())
            if number not in seen
        ]
        for rows in self.concurrently(self.all_rows, lookups):
            yield from rows

    def get_records(self, context: Context | None) -> Iterable[dict]:
        state = self.get_context_state(context)
        key, status, details = self.primary_keys[0], self.open_rows, self.changed_details
        still_open: dict[str, list[str]] = {}
        digests = RowDigests(state, details.state_key)
        wanted_by_child = self.tap.streams[details.child].selected
        handed = self.run.details[details.child]
        for batch in batches(self.rows(context, state.get(status.state_key, {}))):
            changed = {row[key]: digests.changed(row[key], row) for row in batch}
            wanted = [
                row[key]
                for row in batch
                if wanted_by_child
                and row[self.kind_parameter] == details.kind
                and changed[row[key]]
            ]
            handed.update(
                zip(wanted, self.details(details.path.format(n) for n in wanted), strict=True)
            )
            for row in batch:
                if row.get(status.parameter) == status.open:
                    still_open[row[key]] = [
                        row[self.kind_parameter],
                        str(row[self.replication_key])[:10],
                    ]
                yield row
        state[status.state_key] = still_open
        digests.save()


@dataclass
class ZoomRun:
    """Data the streams of one run hand each other."""

    #: Subscription numbers this run's orders created or amended: written by orders, read by
    #: subscriptions (which therefore syncs after orders).
    touched_subscriptions: set[str] = field(default_factory=set)
    #: Details by child stream and key: written by a stream's `changed_details` (billing
    #: documents), read by the child stream that emits them (invoices).
    details: defaultdict[str, dict[str, Any]] = field(default_factory=lambda: defaultdict(dict))
    #: Version histories by subscription number: written by subscriptions, read by its child
    #: subscription_versions.
    subscription_versions: dict[str, Any] = field(default_factory=dict)


LIGHT_DETAILS = {
    "subscriptions",
    "invoices",
    "orders",
    "quotes",
    "accounts",
    "trials",
    "deal_registrations",
}


def category_of(path: str) -> str:
    """LIGHT for single-record GETs, MEDIUM for lists, versions, the catalog and the price book."""
    parts = path.split("?")[0].rstrip("/").split("/commerce/")[-1].split("/")
    return "LIGHT" if len(parts) == 2 and parts[0] in LIGHT_DETAILS else "MEDIUM"
