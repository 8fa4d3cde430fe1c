"""Zoho's quirks, in process: the three envelope forms and where each ends, whole-day windows from
the bookmark to tomorrow, commissions one day at a time (per entity) or in one listing for a long
span, and errors inside HTTP 200 bodies."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from answers import answer, checked
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError

from commerce_taps_common.dates import tomorrow_utc
from tap_zoho_partner.client import ZohoPaginator, records_of
from tap_zoho_partner.tap import TapZohoPartner

API = "http://127.0.0.1:9/zoho/api/v1/partner"
CONFIG = {
    "api_url": API,
    "accounts_url": "http://127.0.0.1:9/zoho/accounts",
    "client_id": "1000.CLIENT",
    "client_secret": "secret",
    "refresh_token": "1000.refresh",
}
ROWS = [{"transaction_id": "1"}, {"transaction_id": "2"}]


def stream(name: str, **config):
    return TapZohoPartner(config={**CONFIG, **config}, parse_env_config=False).streams[name]


def test_rows_come_from_a_bare_array_the_named_list_or_the_only_list():
    assert records_of(ROWS, "transactions") == ROWS
    assert records_of({"transactions": ROWS, "page_context": {}}, "transactions") == ROWS
    assert records_of({"code": 0, "data": ROWS}, "transactions") == ROWS
    assert records_of({"a": ROWS, "b": ROWS}, "transactions") == []  # two lists: neither is sure
    assert records_of({"code": 0, "message": "success"}, "transactions") == []


@pytest.mark.parametrize(
    ("body", "more"),
    [
        ({"transactions": ROWS, "page_context": {"has_more": True}}, True),
        ({"transactions": ROWS * 2, "page_context": {"has_more": False}}, False),
        ({"transactions": ROWS, "page_context": {"has_more_page": True}}, True),
        ({"transactions": ROWS * 2, "page_context": {"has_more_page": False}}, False),
        (ROWS * 2, True),  # a bare array as long as per_page: another page may follow
        (ROWS, False),  # a bare array shorter than per_page is the last page
        ([], False),
    ],
    ids=[
        "has_more",
        "has_more-false",
        "has_more_page",
        "has_more_page-false",
        "full",
        "short",
        "none",
    ],
)
def test_paging_ends_where_the_envelope_says_or_on_a_short_bare_page(body, more):
    transactions = stream("transactions", page_size=4)
    response = checked(transactions, f"{API}/transactions?page=1&per_page=4", body)
    assert ZohoPaginator(per_page=4).has_more(response) is more


def test_date_windows_cover_the_first_day_to_tomorrow_without_gap_or_overlap():
    first = tomorrow_utc() - dt.timedelta(days=800)
    windows = list(stream("transactions").windows(first))
    days = [
        (
            dt.date.fromisoformat(window["transaction_date_from"]),
            dt.date.fromisoformat(window["transaction_date_to"]),
        )
        for window in windows
    ]
    assert days[0][0] == first and days[-1][1] == tomorrow_utc()
    assert all(
        later[0] == earlier[1] + dt.timedelta(days=1) for earlier, later in itertools.pairwise(days)
    )
    assert all((last - start).days < 365 for start, last in days)


def test_commissions_walk_one_day_per_request_per_entity_within_the_look_back():
    first = tomorrow_utc() - dt.timedelta(days=2)
    commissions = stream("commissions", commission_entities=["EU", "US"])
    assert list(commissions.windows(first)) == [
        {"date": (first + dt.timedelta(days=offset)).isoformat(), "entity": entity}
        for entity in ("EU", "US")
        for offset in range(3)
    ]


def test_a_span_too_long_to_walk_day_by_day_is_one_unfiltered_listing():
    commissions = stream("commissions")
    assert list(commissions.windows(tomorrow_utc() - dt.timedelta(days=400))) == [{}]


def test_an_error_inside_an_http_200_is_retried_when_transient_and_fatal_otherwise():
    leads = stream("leads")
    with pytest.raises(RetriableAPIError, match="code 1000"):
        leads.validate_response(answer(f"{API}/leads", body={"code": 1000, "message": "busy"}))
    with pytest.raises(FatalAPIError, match="code 57.*inside an HTTP 200"):
        leads.validate_response(answer(f"{API}/leads", body={"code": 57, "message": "no"}))
    checked(leads, f"{API}/leads", {"code": 0, "leads": []})
