"""The Adobe part of the sandbox behaves as the notes describe: Adobe's headers enforced, a reused
correlation id answered with the stored (stale) response, summaries in the lists, the order
history's default window, relative `links.next`, and the price list's publication by month."""

from __future__ import annotations

import uuid

import pytest
import requests

from commerce_sandbox.vendors.adobe import CLIENT_ID, CLIENT_SECRET, SCOPE


@pytest.fixture(scope="module")
def sandbox(module_sandboxes):
    return module_sandboxes(seed=12, scale=40)


@pytest.fixture(scope="module")
def token(sandbox):
    answer = requests.post(
        f"{sandbox.url}/adobe/ims/token/v3",
        timeout=10,
        data={
            "grant_type": "client_credentials",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "scope": SCOPE,
        },
    )
    assert answer.json()["expires_in"] == 86399
    return answer.json()["access_token"]


def call(sandbox, token, path, method="GET", correlation=None, **kwargs):
    headers = {
        "X-Api-Key": CLIENT_ID,
        "Authorization": f"Bearer {token}",
        "X-Request-Id": str(uuid.uuid4()),
        "X-Correlation-Id": correlation or str(uuid.uuid4()),
    }
    return requests.request(
        method, f"{sandbox.url}/adobe{path}", headers=headers, timeout=10, **kwargs
    )


def test_headers_are_enforced(sandbox, token):
    bare = requests.get(
        f"{sandbox.url}/adobe/v3/resellers",
        timeout=10,
        headers={"X-Api-Key": CLIENT_ID, "Authorization": f"Bearer {token}"},
    )
    assert bare.status_code == 400 and bare.json()["code"] == "4119"
    request_id = str(uuid.uuid4())
    first = requests.get(
        f"{sandbox.url}/adobe/v3/resellers",
        timeout=10,
        headers={
            "X-Api-Key": CLIENT_ID,
            "Authorization": f"Bearer {token}",
            "X-Request-Id": request_id,
            "X-Correlation-Id": str(uuid.uuid4()),
        },
    )
    again = requests.get(
        f"{sandbox.url}/adobe/v3/resellers",
        timeout=10,
        headers={
            "X-Api-Key": CLIENT_ID,
            "Authorization": f"Bearer {token}",
            "X-Request-Id": request_id,
            "X-Correlation-Id": str(uuid.uuid4()),
        },
    )
    assert first.status_code == 200 and again.status_code == 400 and again.json()["code"] == "4120"
    wrong_key = requests.get(
        f"{sandbox.url}/adobe/v3/resellers",
        timeout=10,
        headers={
            "X-Api-Key": "other",
            "Authorization": f"Bearer {token}",
            "X-Correlation-Id": str(uuid.uuid4()),
        },
    )
    assert wrong_key.status_code == 403 and wrong_key.json()["code"] == "4115"


def test_a_reused_correlation_id_gets_the_stored_stale_page(sandbox, token):
    customer = sandbox.control.truth("adobe", "customers")[0]["customerId"]
    intent = str(uuid.uuid4())
    first = call(
        sandbox,
        token,
        f"/v3/customers/{customer}/orders",
        correlation=intent,
        params={"start-date": "2017-01-01", "limit": 1},
    )
    second_page = call(
        sandbox,
        token,
        f"/v3/customers/{customer}/orders",
        correlation=intent,
        params={"start-date": "2017-01-01", "limit": 1, "offset": 1},
    )
    assert second_page.json() == first.json()  # page 2 asked, page 1 answered: the trap


def test_a_stored_failure_is_replayed_for_its_correlation_id(sandbox, token):
    sandbox.control.configure("adobe", internal_errors=1, internal_error_path="/v3/resellers")
    intent = str(uuid.uuid4())
    first = call(sandbox, token, "/v3/resellers", correlation=intent)
    again = call(sandbox, token, "/v3/resellers", correlation=intent)
    fresh = call(sandbox, token, "/v3/resellers")
    assert first.status_code == again.status_code == 500 and fresh.status_code == 200


def test_lists_are_summaries_of_active_accounts_by_default(sandbox, token):
    resellers = sandbox.control.truth("adobe", "resellers")
    listed = call(sandbox, token, "/v3/resellers", params={"limit": 50}).json()
    assert {row["status"] for row in listed["accounts"]} == {"1000"}
    assert listed["totalCount"] < len(resellers)  # inactive resellers exist and are left out
    assert set(listed["accounts"][0]["companyProfile"]) == {"companyName"}


def test_order_history_defaults_to_the_current_term_and_pages_by_relative_links(sandbox, token):
    orders = sandbox.control.truth("adobe", "orders")
    busiest = max(
        {order["customerId"] for order in orders},
        key=lambda customer: sum(order["customerId"] == customer for order in orders),
    )
    everything = [order for order in orders if order["customerId"] == busiest]
    default = call(sandbox, token, f"/v3/customers/{busiest}/orders").json()
    full = call(
        sandbox,
        token,
        f"/v3/customers/{busiest}/orders",
        params={"start-date": "2017-01-01", "limit": 1},
    ).json()
    assert full["totalCount"] == len(everything) >= default["totalCount"]
    if len(everything) > 1:
        following = full["links"]["next"]["uri"]
        assert (
            following.startswith("/v3/customers/")
            and "offset=1" in following
            and "limit=1" in following
        )


def test_price_lists_are_published_monthly_and_the_next_month_is_not_found(sandbox, token):
    rows = sandbox.control.truth("adobe", "price_lists")
    latest = max(row["priceListMonth"] for row in rows)
    body = {
        "region": "NA",
        "marketSegment": "COM",
        "currency": "USD",
        "priceListType": "STANDARD",
        "priceListMonth": latest,
    }
    page = call(sandbox, token, "/v3/pricelist", "POST", json=body, params={"limit": 100}).json()
    assert page["totalCount"] > 100 and len(page["offers"]) == 100  # more than a page
    assert isinstance(page["offers"][0]["partnerPrice"], str)  # Adobe writes prices as strings
    year, month = int(latest[:4]), int(latest[4:])
    following = f"{year + (month == 12)}{(month % 12) + 1:02d}"
    missing = call(
        sandbox, token, "/v3/pricelist", "POST", json={**body, "priceListMonth": following}
    )
    assert missing.status_code == 404 and missing.json()["code"] == "1162"
    assert {row["acdIndicator"] for row in rows} >= {"Add", "Change"}
