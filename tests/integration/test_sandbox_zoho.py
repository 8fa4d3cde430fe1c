"""The Zoho part of the sandbox behaves as the vendor's page and the notes describe: the accounts
server (query-string parameters, refusals inside HTTP 200, the 10-per-10-minutes throttle), the
envelope forms, inclusive whole-day filters, the 2019-01-01 floor, page limits, detail routes."""

from __future__ import annotations

import pytest
import requests

from commerce_sandbox.vendors.zoho import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN

TOKEN_PARAMS = {
    "refresh_token": REFRESH_TOKEN,
    "client_id": CLIENT_ID,
    "client_secret": CLIENT_SECRET,
    "grant_type": "refresh_token",
}


@pytest.fixture(scope="module")
def sandbox(module_sandboxes):
    server = module_sandboxes(seed=9, scale=40)
    server.control.configure("zoho", rate_limit_per_minute=100000, tokens_per_window=1000)
    return server


def token(sandbox, **params) -> requests.Response:
    return requests.post(
        f"{sandbox.url}/zoho/accounts/oauth/v2/token", params={**TOKEN_PARAMS, **params}, timeout=10
    )


@pytest.fixture(scope="module")
def api(sandbox):
    headers = {"Authorization": f"Zoho-oauthtoken {token(sandbox).json()['access_token']}"}

    def get(path, **params):
        return requests.get(
            f"{sandbox.url}/zoho/api/v1/partner{path}", params=params, headers=headers, timeout=10
        )

    return get


def test_token_refusals_come_inside_http_200(sandbox):
    for change, error in (
        ({"client_id": "1000.X"}, "invalid_client"),
        ({"client_secret": "nope"}, "invalid_client_secret"),
        ({"refresh_token": "1000.gone"}, "invalid_code"),
    ):
        answer = token(sandbox, **change)
        assert answer.status_code == 200 and answer.json() == {"error": error}
    granted = token(sandbox).json()
    assert (
        granted["expires_in"] == 3600
        and granted["token_type"] == "Bearer"
        and "refresh_token" not in granted
    )


def test_the_eleventh_refresh_in_the_window_is_access_denied(sandboxes):
    sandbox = sandboxes(seed=1, scale=5)
    answers = [token(sandbox) for _ in range(11)]
    assert all("access_token" in answer.json() for answer in answers[:10])
    assert answers[10].status_code == 400 and answers[10].json()["error"] == "Access Denied"


def test_api_wants_the_zoho_oauthtoken_scheme(sandbox):
    bearer = requests.get(
        f"{sandbox.url}/zoho/api/v1/partner/leads",
        timeout=10,
        headers={"Authorization": f"Bearer {token(sandbox).json()['access_token']}"},
    )
    assert bearer.status_code == 401 and bearer.json()["code"] == 57


@pytest.mark.parametrize("envelope", ["has_more", "has_more_page", "array"])
def test_envelope_forms_page_through_the_same_rows(sandbox, api, envelope):
    sandbox.control.configure("zoho", envelope=envelope)
    try:
        rows, page = [], 1
        while True:
            body = api("/leads", page=page, per_page=7).json()
            batch = body if envelope == "array" else body["leads"]
            rows += batch
            more = len(batch) == 7 if envelope == "array" else body["page_context"][envelope]
            if not more:
                break
            page += 1
    finally:
        sandbox.control.configure("zoho", envelope="has_more")
    assert sorted(row["lead_id"] for row in rows) == sorted(
        row["lead_id"] for row in sandbox.control.truth("zoho", "leads")
    )


def test_date_filters_are_inclusive_whole_days_and_transactions_start_in_2019(sandbox, api):
    truth = sandbox.control.truth("zoho", "transactions")
    day = truth[len(truth) // 2]["transaction_date"]
    listed = api("/transactions", transaction_date_from=day, transaction_date_to=day).json()[
        "transactions"
    ]
    assert listed and {row["transaction_id"] for row in listed} == {
        row["transaction_id"] for row in truth if row["transaction_date"] == day
    }
    assert min(row["transaction_date"] for row in truth) >= "2019-01-01"
    old = api("/transactions", transaction_date_to="2018-12-31").json()
    assert old["transactions"] == [] and old["page_context"]["has_more"] is False
    assert api("/transactions", transaction_date_from="01/02/2024").status_code == 400


def test_commissions_filter_on_one_day_and_keep_reversals(sandbox, api):
    truth = sandbox.control.truth("zoho", "commissions")
    assert any(row["usd_commission"] < 0 and row["commission_type"] == "Reversal" for row in truth)
    day = truth[0]["date"]
    listed = api("/commissions", date=day).json()["commissions"]
    assert {row["commission_id"] for row in listed} == {
        row["commission_id"] for row in truth if row["date"] == day
    }


def test_wire_quirks_numbers_as_strings_dates_with_times(sandbox, api):
    rows = api("/transactions", per_page=10).json()["transactions"]
    assert all(isinstance(row["amount"], str) for row in rows)
    assert any(len(row["transaction_date"]) > 10 for row in rows)


def test_page_limits_and_detail_routes(sandbox, api):
    assert api("/leads", per_page=201).status_code == 400
    lead = sandbox.control.truth("zoho", "leads")[0]
    assert api(f"/leads/{lead['lead_id']}").json()["lead"]["email_id"] == lead["email_id"]
    assert api("/leads/1").status_code == 404
    invoiced = next(
        row for row in sandbox.control.truth("zoho", "transactions") if row.get("invoice_number")
    )
    detail = api(f"/transactions/{invoiced['transaction_id']}/status/invoiced").json()[
        "transaction"
    ]
    assert detail["invoice_number"] == invoiced["invoice_number"]
    of_subscription = api(f"/subscriptions/{invoiced['subscription_id']}/transactions").json()[
        "transactions"
    ]
    assert invoiced["transaction_id"] in {row["transaction_id"] for row in of_subscription}


def test_the_rate_limit_answers_429_with_retry_after(sandboxes):
    sandbox = sandboxes(seed=1, scale=5)
    sandbox.control.configure("zoho", rate_limit_per_minute=3)
    headers = {"Authorization": f"Zoho-oauthtoken {token(sandbox).json()['access_token']}"}
    answers = [
        requests.get(f"{sandbox.url}/zoho/api/v1/partner/leads", headers=headers, timeout=10)
        for _ in range(4)
    ]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert 1 <= int(answers[3].headers["Retry-After"]) <= 60
