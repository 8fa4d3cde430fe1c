"""Adobe VIP Marketplace (Commerce Partner API): IMS client-credentials tokens, the headers Adobe
requires (with a fresh X-Request-Id and X-Correlation-Id on every request and every retry: Adobe
replays the stored response of a known correlation id), pages by `links.next.uri` or by offset
against `totalCount`, Adobe's error body reported verbatim, and the customer directory every
per-customer stream walks.

Sources: Adobe's VIP Marketplace Partner API documentation pages (there is no usable
machine-readable description: docs/vendor-specs/README.md)."""

from __future__ import annotations

import datetime as dt
import functools
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

import requests
from singer_sdk import StreamSchema
from singer_sdk.helpers.types import Context
from singer_sdk.pagination import BaseAPIPaginator, SinglePagePaginator
from singer_sdk.streams.rest import HTTPRequest, PageContext

from commerce_taps_common.http.listing import Listing, parsed_body
from commerce_taps_common.records.schemas import schema_directory
from commerce_taps_common.rest import CommerceRESTStream

SCHEMAS = schema_directory("tap-adobe-vipmp")

API_URL = "https://partners.adobe.io"
IMS_URL = "https://ims-na1.adobelogin.com"
ACCOUNT_STATUSES = ("1000", "1002", "1004", "1026")  # the lists default to 1000 (active) alone
# The array of a list answer: the current samples say `accounts`, the parameter tables
# `customers`/`resellers`; other lists use `items`. First match wins.
LIST_KEYS = ("accounts", "customers", "resellers", "items", "flexDiscounts", "offers")


def rows_of(body: Any) -> list[dict]:
    if isinstance(body, dict):
        for key in LIST_KEYS:
            if isinstance(body.get(key), list):
                return body[key]
    return []


class NextPage(BaseAPIPaginator[dict | None]):
    """`links.next.uri` where the answer has one (a relative path that carries its own offset and
    limit: requested as it is, not with the query again), else the next offset until
    `totalCount`."""

    def __init__(self) -> None:
        super().__init__(None)

    def get_next(self, response: requests.Response) -> dict | None:
        body = parsed_body(response)
        following = ((body.get("links") or {}).get("next") or {}).get("uri")
        if following:
            return {"uri": following}
        offset, count = int(body.get("offset") or 0), len(rows_of(body))
        if count and offset + count < int(body.get("totalCount") or 0):
            return {"offset": offset + count}
        return None


class AdobeStream(CommerceRESTStream):
    """A Commerce Partner API endpoint."""

    #: Rows per page (the endpoint's maximum); None for an endpoint that answers everything at
    #: once and takes no parameters (sending offset and limit there breaks its published spec).
    limit: int | None = 50
    default_lookback_days = 3
    schema = StreamSchema(SCHEMAS)

    @property
    def url_base(self) -> str:
        return (self.config.get("api_url") or API_URL).rstrip("/")

    @property
    def http_headers(self) -> dict[str, str]:
        return {
            **super().http_headers,
            "X-Api-Key": self.config["client_id"],
            "Accept": "application/json",
        }

    @property
    def run(self) -> AdobeRun:
        return self.tap.run

    @property
    def customer_directory(self) -> CustomerDirectory:
        if self.run.customer_directory is None:
            self.run.customer_directory = CustomerDirectory(
                cast(AdobeStream, self.tap.streams["customers"])
            )
        return self.run.customer_directory

    def before_send(self, request: requests.PreparedRequest) -> None:
        # New ids for every request and every retry: a reused correlation id gets Adobe's stored
        # answer to the first request that carried it (a stale page).
        request.headers["X-Request-Id"] = str(uuid.uuid4())
        request.headers["X-Correlation-Id"] = str(uuid.uuid4())
        super().before_send(request)

    def vendor_error_text(self, body: Any) -> str | None:
        if (
            isinstance(body, dict) and "code" in body
        ):  # {"code", "message", "additionalDetails"}, verbatim
            return json.dumps(
                {key: body[key] for key in ("code", "message", "additionalDetails") if key in body}
            )
        return None

    def get_new_paginator(self) -> NextPage | SinglePagePaginator:
        return NextPage() if self.limit else SinglePagePaginator()

    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        params = super().get_url_params(context, next_page_token)
        if self.limit:
            params.update({"offset": (next_page_token or {}).get("offset", 0), "limit": self.limit})
        return params

    def get_http_request(self, *, page: PageContext) -> HTTPRequest:
        request = super().get_http_request(page=page)
        following = (page.next_page_token or {}).get("uri") if self.limit else None
        if following:  # relative, with its own offset and limit: the query is not sent again
            request.url, request.params = self.url_base + following, {}
        return request

    def parse_response(self, response: requests.Response) -> Iterable[dict]:
        yield from rows_of(parsed_body(response))


class CustomerDirectory:
    """The distributor's customers for this run: those known from earlier runs (kept in the
    customers stream's state) and the ones created since, found per reseller and status with
    `from-created-date`. There is no distributor-wide customer list."""

    def __init__(self, stream: AdobeStream) -> None:
        self.stream = stream
        state = stream.get_context_state(None)
        self.known: dict[str, str] = dict(
            state.get("known_customers", {})
        )  # customer id -> reseller id
        bookmark = state.get("replication_key_value") or stream.config.get("start_date")
        self.created_from = (
            str(bookmark)[:10] if bookmark and state.get("known_customers") is not None else None
        )
        self._new: list[dict] = []
        self._read = False

    def read(self) -> None:
        if self._read:
            return
        self._read = True
        params = {"from-created-date": self.created_from} if self.created_from else {}
        resellers = self.reseller_ids
        for rows in self.stream.concurrently(
            lambda reseller: [
                row
                for status in ACCOUNT_STATUSES
                for row in self.stream.listing(
                    Listing(f"/v3/resellers/{reseller}/customers", {**params, "status": status})
                )
            ],
            resellers,
        ):
            for row in rows:
                if row["customerId"] not in self.known:
                    self._new.append(row)
                self.known[row["customerId"]] = row["resellerId"]

    @functools.cached_property
    def reseller_ids(self) -> list[str]:
        """Every reseller of every status (the list's default is active only): read once a run."""
        return [
            row["resellerId"]
            for status in ACCOUNT_STATUSES
            for row in self.stream.listing(Listing("/v3/resellers", {"status": status}))
        ]

    def ids(self) -> list[str]:
        self.read()
        return sorted(self.known)

    def new_ids(self) -> list[str]:
        """Customers not known before this run."""
        self.read()
        return sorted(row["customerId"] for row in self._new)


@dataclass
class AdobeRun:
    """Data the streams of one run share."""

    #: Made from the customers stream's state by the first stream that needs it (resellers syncs
    #: first and reads its reseller ids); read by orders, customers, subscriptions and
    #: deployments; customers saves it.
    customer_directory: CustomerDirectory | None = None
    #: Customers with orders new or changed this run: written by orders, read by customers
    #: (which therefore syncs after orders) to read their details again.
    customers_with_changed_orders: set[str] = field(default_factory=set)


def months(first: str, last: str) -> Iterator[str]:
    """`YYYYMM` from `first` to `last` inclusive."""
    year, month = int(first[:4]), int(first[4:])
    while f"{year:04d}{month:02d}" <= last:
        yield f"{year:04d}{month:02d}"
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def month_after(today: dt.date) -> str:
    following = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following.strftime("%Y%m")
