"""Zoom Commerce API: OAuth (Server-to-Server, or user OAuth whose refresh tokens rotate), the two
pagination styles, LIGHT/MEDIUM per-second limits, Retry-After as seconds or as an instant, the
daily limit, `{code, message}` errors with `x-zm-trackingid`, 3-year date windows, and the
defaults that silently narrow what a list returns (the streams always pass every filter value).

Sources: Zoom's OpenAPI document (docs/vendor-specs/zoom-commerce-openapi-2026-02-07.json) and
Zoom's API documentation pages."""

from __future__ import annotations

import datetime as dt
import logging
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
from commerce_taps_common.http.listing import keep_parsed_body, parsed_body
from commerce_taps_common.http.pacing import Pacer, retry_after_instant
from commerce_taps_common.http.pagination import CursorPaginator
from commerce_taps_common.records.schemas import schema_directory
from commerce_taps_common.rest import CommerceRESTStream

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
        if response.status_code >= HTTPStatus.INTERNAL_SERVER_ERROR:
            return None
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


@dataclass
class ZoomRun:
    """Data the streams of one run hand each other."""

    #: Subscription numbers this run's orders created or amended: written by orders, read by
    #: subscriptions (which therefore syncs after orders).
    touched_subscriptions: set[str] = field(default_factory=set)
    #: Invoice details by number: written by billing_documents, read by its child invoices.
    invoice_details: dict[str, Any] = field(default_factory=dict)
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
