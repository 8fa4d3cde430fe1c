"""The Zoom part of the sandbox stays faithful to Zoom's OpenAPI document: every answer of every
endpoint the tap reads is one the document accepts, but for its listed slips; and the behaviours the
notes describe (narrowing defaults, 3-year windows, expiring page tokens, rotating refresh tokens,
per-category limits, the daily limit)."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from commerce_harness.conformance import Verdict, judge
from commerce_sandbox.server import Exchange
from commerce_sandbox.vendor import Request
from commerce_sandbox.vendors.zoom import ACCOUNT_ID, CLIENT_ID, CLIENT_SECRET, FIRST_REFRESH_TOKEN

BASIC = {
    "Authorization": "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
}


@pytest.fixture(scope="module")
def sandbox(module_sandboxes):
    return module_sandboxes(seed=8, scale=30)


def access_token(sandbox) -> str:
    """A Server-to-Server token (the flow the tap's default config uses)."""
    return requests.post(
        f"{sandbox.url}/zoom/oauth/token",
        headers=BASIC,
        timeout=10,
        data={"grant_type": "account_credentials", "account_id": ACCOUNT_ID},
    ).json()["access_token"]


@pytest.fixture(scope="module")
def api(sandbox):
    token = access_token(sandbox)

    def call(path, method="GET", **params):
        body = params.pop("json", None)
        return requests.request(
            method,
            f"{sandbox.url}/zoom/v2/commerce{path}",
            params=params,
            json=body,
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )

    return call


def judged(*answers: requests.Response) -> Verdict:
    """Zoom's document's verdict on the exchanges (harness/commerce_harness/conformance.py)."""
    exchanges = []
    for answer in answers:
        url = urlsplit(answer.request.url)
        request = Request(
            answer.request.method,
            url.path.removeprefix("/zoom"),
            parse_qs(url.query, keep_blank_values=True),
            {name.lower(): value for name, value in answer.request.headers.items()},
            answer.request.body or b"",
        )
        exchanges.append(
            Exchange(
                "zoom", request, answer.status_code, answer.headers["Content-Type"], answer.content
            )
        )
    return judge(exchanges)


def sample(truth, key):
    return truth[len(truth) // 2][key]


def test_every_answer_the_tap_reads_validates_against_the_spec(sandbox, api):
    wide = {"document_date_start": "2024-01-01", "document_date_end": "2026-12-31"}
    truth = {
        stream: sandbox.control.truth("zoom", stream)
        for stream in ("subscriptions", "invoices", "orders", "quotes", "accounts", "trials")
    }
    checks = [
        (
            "/commerce/subscriptions",
            api("/subscriptions", status="active", start="2000-01-01", page_size=99),
        ),
        (
            "/commerce/billing_documents",
            api(
                "/billing_documents",
                document_type="invoice",
                payment_status="Paid",
                page_size=99,
                **wide,
            ),
        ),
        (
            "/commerce/billing_documents",
            api("/billing_documents", document_type="credit_memo", payment_status="Unpaid", **wide),
        ),
        (
            "/commerce/orders",
            api("/orders", date_filter_option="updatedDate", **{"from": "2024-01-01"}),
        ),
        ("/commerce/quotes", api("/quotes", quote_type="trial")),
        ("/commerce/deal_registrations", api("/deal_registrations")),
        ("/commerce/accounts", api("/accounts", page_size=100)),
        ("/commerce/trials", api("/trials")),
        (
            "/commerce/subscriptions/{subscriptionNumber}",
            api(f"/subscriptions/{sample(truth['subscriptions'], 'subscription_number')}"),
        ),
        (
            "/commerce/subscriptions/{subscriptionNumber}/versions",
            api(f"/subscriptions/{sample(truth['subscriptions'], 'subscription_number')}/versions"),
        ),
        (
            "/commerce/invoices/{invoiceNumber}",
            api(f"/invoices/{sample(truth['invoices'], 'invoice_number')}"),
        ),
        (
            "/commerce/orders/{orderReferenceId}",
            api(f"/orders/{sample(truth['orders'], 'order_reference_id')}"),
        ),
        (
            "/commerce/quotes/{quoteReferenceId}",
            api(f"/quotes/{sample(truth['quotes'], 'quote_reference_id')}"),
        ),
        (
            "/commerce/accounts/{accountKey}",
            api(f"/accounts/{sample(truth['accounts'], 'crm_account_number')}"),
        ),
    ]
    for path, answer in checks:
        assert answer.status_code == 200, (path, answer.text[:300])
    catalog = api(
        "/catalog",
        "POST",
        json={"filter_options": [{"filter_by": "offerType", "filter_value": "addon"}]},
    )
    assert {offer["offer_type"] for offer in catalog.json()["offers"]} == {"addon"}
    # Nothing but the document's listed slips (docs/vendor-specs/README.md).
    verdict = judged(*(answer for _, answer in checks), catalog)
    assert not verdict.violations, verdict.summary()
    assert verdict.tally("zoom").answers == len(checks) + 1


def test_defaults_narrow_what_a_list_returns(sandbox, api):
    documents = sandbox.control.truth("zoom", "billing_documents")
    default = api("/billing_documents").json()["billing_documents"]
    assert len(default) < len(documents)
    assert {row["document_type"] for row in default} <= {"invoice"}
    assert {row["payment_status"] for row in default} <= {"Unpaid"}
    subscriptions = sandbox.control.truth("zoom", "subscriptions")
    assert len(api("/subscriptions", page_size=99).json()["subscription_list"]) < len(subscriptions)
    assert {row["order_type"] for row in api("/orders", page_size=100).json()["order_list"]} == {
        "sale"
    }


def test_windows_over_three_years_are_refused_with_5505(api):
    answer = api(
        "/billing_documents", document_date_start="2020-01-01", document_date_end="2024-01-01"
    )
    assert answer.status_code == 400 and answer.json()["code"] == 5505
    assert answer.headers["x-zm-trackingid"]


def test_page_tokens_page_through_and_expire(sandbox, api):
    first = api(
        "/billing_documents",
        document_type="invoice",
        payment_status="Paid",
        page_size=5,
        document_date_start="2024-01-01",
        document_date_end="2026-12-31",
    ).json()
    token = first["next_page_token"]
    assert token and len(first["billing_documents"]) == 5
    sandbox.control.configure("zoom", expire_page_tokens=1)
    expired = api(
        "/billing_documents",
        document_type="invoice",
        payment_status="Paid",
        page_size=5,
        document_date_start="2024-01-01",
        document_date_end="2026-12-31",
        next_page_token=token,
    )
    assert expired.status_code == 400
    other_query = api("/billing_documents", document_type="credit_memo", next_page_token=token)
    assert other_query.status_code == 400  # a token belongs to its own query


def test_refresh_tokens_rotate_and_work_once(sandboxes):
    sandbox = sandboxes(seed=1, scale=3)

    def refresh(token):
        return requests.post(
            f"{sandbox.url}/zoom/oauth/token",
            headers=BASIC,
            timeout=10,
            data={"grant_type": "refresh_token", "refresh_token": token},
        )

    first = refresh(FIRST_REFRESH_TOKEN).json()
    assert first["refresh_token"] != FIRST_REFRESH_TOKEN
    assert refresh(FIRST_REFRESH_TOKEN).status_code == 400  # used up
    assert refresh(first["refresh_token"]).status_code == 200


def test_per_second_and_daily_limits_answer_429_as_zoom_does(sandboxes):
    sandbox = sandboxes(seed=1, scale=3)
    sandbox.control.configure("zoom", medium_per_second=2, daily_limit=5)
    token = access_token(sandbox)
    answers = [
        requests.get(
            f"{sandbox.url}/zoom/v2/commerce/accounts",
            timeout=10,
            headers={"Authorization": f"Bearer {token}"},
        )
        for _ in range(7)
    ]
    statuses = [answer.status_code for answer in answers]
    assert statuses[:2] == [200, 200] and 429 in statuses[2:5]
    qps = next(answer for answer in answers if answer.status_code == 429)
    assert (
        qps.headers["X-RateLimit-Type"] == "QPS" and qps.headers["X-RateLimit-Category"] == "Medium"
    )
    daily = answers[-1]
    assert daily.status_code == 429 and daily.headers["X-RateLimit-Type"] == "Daily-limit"
    assert daily.headers["Retry-After"].endswith("Z")  # an instant, not seconds


def test_price_book_is_a_csv_file(api):
    answer = api("/pricebooks", file_type="csv", currency="EUR")
    assert answer.headers["Content-Type"].startswith("text/csv")
    header, *rows = answer.text.splitlines()
    assert header.startswith("Offer ID,Offer Name") and rows and all(",EUR," in row for row in rows)
