"""Zoom's quirks, in process: LIGHT and MEDIUM rate-limit categories by path, page-count paging,
the daily limit (stop, do not retry), an expired next_page_token, a detail that is gone (5009),
and date windows inside the 3-year limit."""

from __future__ import annotations

import datetime as dt

import pytest
from answers import answer, checked
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError

from commerce_taps_common.dates import date_windows, tomorrow_utc
from tap_zoom_commerce.client import (
    ORIGIN,
    WINDOW_DAYS,
    DailyLimitReached,
    PageCountPaginator,
    PageTokenExpired,
    category_of,
)
from tap_zoom_commerce.tap import TapZoomCommerce

API = "http://127.0.0.1:9/zoom/v2/commerce"
CONFIG = {
    "api_url": "http://127.0.0.1:9/zoom/v2",
    "oauth_url": "http://127.0.0.1:9/zoom/oauth/token",
    "client_id": "client",
    "client_secret": "secret",
    "account_id": "account",
}


@pytest.fixture(scope="module")
def tap():
    return TapZoomCommerce(config=CONFIG, parse_env_config=False)


@pytest.mark.parametrize(
    ("path", "category"),
    [
        ("/v2/commerce/subscriptions/S-1", "LIGHT"),
        ("/v2/commerce/invoices/INV-9/", "LIGHT"),
        ("/v2/commerce/orders/O-1?expand=x", "LIGHT"),
        ("/v2/commerce/subscriptions", "MEDIUM"),
        ("/v2/commerce/subscriptions/S-1/versions", "MEDIUM"),
        ("/v2/commerce/deal_registrations/R-1", "LIGHT"),
        ("/v2/commerce/catalog", "MEDIUM"),
        ("/v2/commerce/pricebooks?file_type=csv", "MEDIUM"),
    ],
)
def test_single_record_reads_are_light_and_everything_else_medium(path, category):
    assert category_of(path) == category


@pytest.mark.parametrize(("page", "count", "more"), [(1, 3, True), (3, 3, False), (1, 0, False)])
def test_page_number_paging_ends_at_the_page_count(tap, page, count, more):
    response = checked(
        tap.streams["accounts"], f"{API}/accounts?page_number={page}", {"page_count": count}
    )
    assert PageCountPaginator(page).has_more(response) is more


def test_the_daily_limit_stops_the_run_with_the_moment_to_run_again(tap):
    response = answer(
        f"{API}/accounts",
        429,
        {"code": 429, "message": "daily limit"},
        {
            "X-RateLimit-Type": "Daily-limit",
            "X-RateLimit-Category": "Medium",
            "Retry-After": "2026-12-03T00:00:00Z",
        },
    )
    with pytest.raises(DailyLimitReached, match=r"\(Medium\).*after 2026-12-03T00:00:00\+00:00"):
        tap.streams["accounts"].validate_response(response)


def test_a_per_second_429_is_retried_after_what_zoom_asks(tap):
    accounts = tap.streams["accounts"]
    response = answer(
        f"{API}/accounts", 429, {"code": 429}, {"X-RateLimit-Type": "QPS", "Retry-After": "2"}
    )
    with pytest.raises(RetriableAPIError) as raised:
        accounts.validate_response(response)
    waits = accounts.backoff_wait_generator()
    next(waits)
    assert waits.send(raised.value) == 2


def test_an_expired_page_token_restarts_the_window_instead_of_failing(tap):
    response = answer(
        f"{API}/billing_documents?next_page_token=abc", 400, {"code": 300, "message": "expired"}
    )
    with pytest.raises(PageTokenExpired):
        tap.streams["billing_documents"].validate_response(response)


def test_a_detail_gone_since_it_was_listed_is_nothing_but_a_missing_list_is_an_error(tap):
    gone = answer(f"{API}/invoices/INV-1", 404, {"code": 5009, "message": "No records found."})
    tap.streams["invoices"].validate_response(gone)  # no exception: the row is skipped
    with pytest.raises(FatalAPIError, match=r"\[5009\]"):
        tap.streams["quotes"].validate_response(
            answer(f"{API}/quotes", 404, {"code": 5009, "message": "No records found."})
        )


def test_date_windows_from_the_origin_stay_inside_three_years():
    windows = list(date_windows(ORIGIN, tomorrow_utc(), WINDOW_DAYS))
    assert windows[0][0] == ORIGIN and windows[-1][1] == tomorrow_utc()
    three_years = dt.timedelta(days=3 * 365)
    assert all(last - first < three_years for first, last in windows)
