"""Adobe's quirks, in process: price-list months, which array of a list answer holds the rows,
paging by `links.next` or by offset up to `totalCount`, an unpublished price list (1162) as an
empty month rather than an error, and fresh request and correlation ids on every attempt."""

from __future__ import annotations

import datetime as dt

import pytest
from answers import answer, checked
from singer_sdk.pagination import SinglePagePaginator
from singer_sdk.streams.rest import HTTPRequest

from commerce_taps_common.http.listing import ListingPage, parsed_body
from tap_adobe_vipmp.client import NextPage, month_after, months, rows_of
from tap_adobe_vipmp.tap import TapAdobeVipmp

API = "http://127.0.0.1:9/adobe"
CONFIG = {"api_url": API, "ims_url": API, "client_id": "client", "client_secret": "secret"}


@pytest.fixture(scope="module")
def tap():
    return TapAdobeVipmp(config=CONFIG, parse_env_config=False)


def test_months_run_inclusive_across_a_year_end():
    assert list(months("202411", "202502")) == ["202411", "202412", "202501", "202502"]
    assert list(months("202503", "202503")) == ["202503"]
    assert list(months("202504", "202503")) == []


@pytest.mark.parametrize(
    ("today", "following"),
    [("2025-01-31", "202502"), ("2025-12-01", "202601"), ("2024-02-29", "202403")],
)
def test_the_month_after_today_is_the_first_one_not_published_yet(today, following):
    assert month_after(dt.date.fromisoformat(today)) == following


def test_rows_come_from_the_first_known_array_of_the_answer():
    customers, items = [{"customerId": "1"}], [{"offerId": "o"}]
    assert rows_of({"totalCount": 1, "accounts": customers, "items": items}) == customers
    assert rows_of({"items": items, "links": {}}) == items
    assert rows_of({"totalCount": 0}) == [] and rows_of([customers]) == []


@pytest.mark.parametrize(
    ("body", "following"),
    [
        (
            {"offset": 0, "items": [{}] * 50, "totalCount": 120, "links": {"next": {"uri": "/n"}}},
            {"uri": "/n"},
        ),
        ({"offset": 50, "items": [{}] * 50, "totalCount": 120}, {"offset": 100}),
        ({"offset": 100, "items": [{}] * 20, "totalCount": 120}, None),
        ({"offset": 0, "items": [], "totalCount": 5}, None),  # an empty page ends the listing
    ],
    ids=["links.next", "offset", "last", "empty"],
)
def test_paging_follows_links_next_else_the_offset_up_to_the_total(tap, body, following):
    response = checked(tap.streams["orders"], f"{API}/v3/customers/1/orders", body)
    assert NextPage().get_next(response) == following


def test_a_price_list_not_published_yet_is_an_empty_month(tap):
    response = answer(
        f"{API}/v3/pricelist",
        404,
        {"code": "1162", "message": "Price list not found", "additionalDetails": []},
        method="POST",
    )
    tap.streams["price_lists"].validate_response(response)
    assert parsed_body(response) == {}


def test_every_attempt_carries_new_request_and_correlation_ids(tap):
    orders = tap.streams["orders"]
    request = answer(f"{API}/v3/customers/1/orders").request
    seen = set()
    for _ in range(3):  # the first attempt and two retries of the same request
        orders.before_send(request)
        seen.add((request.headers["X-Request-Id"], request.headers["X-Correlation-Id"]))
    assert len(seen) == 3 and all(request_id != correlation for request_id, correlation in seen)


def test_the_subscriptions_endpoint_is_asked_once_with_no_paging_parameters(tap):
    """It takes no parameters (Adobe's spec): one request, without offset and limit."""
    stream = tap.streams["subscriptions"]

    def request(name: str, token: dict | None = None) -> HTTPRequest:
        page = ListingPage({}, token, f"/v3/customers/1/{name}")
        return tap.streams[name].get_http_request(page=page)

    first = request("subscriptions")
    assert (first.url, first.params) == (f"{API}/v3/customers/1/subscriptions", {})
    assert isinstance(stream.get_new_paginator(), SinglePagePaginator)
    assert request("deployments").params == {"offset": 0, "limit": 100}  # a paged one pages
    assert request("deployments", {"offset": 100}).params == {"offset": 100, "limit": 100}
    following = request("deployments", {"uri": "/v3/customers/1/deployments?offset=100"})
    assert (following.url, following.params) == (  # links.next.uri, as it is
        f"{API}/v3/customers/1/deployments?offset=100",
        {},
    )
