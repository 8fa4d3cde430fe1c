"""The Zuora simulation keeps to the documented Quickstart API (the vendor notes and the
2024-01-24 OpenAPI file): OAuth, the `{next_page, data}` envelope, keyset cursors, filters,
limits, faults, a world that moves with the clock, and the spec's response schemas."""

from __future__ import annotations

import base64
import datetime as dt
import http.client
import json
import time
from decimal import Decimal

import pytest
import requests
from vendor_specs import zuora_openapi

from commerce_sandbox.vendors.zuora import CLIENT_ID, CLIENT_SECRET, Zuora

CREDENTIALS = {
    "client_id": CLIENT_ID,
    "client_secret": CLIENT_SECRET,
    "grant_type": "client_credentials",
}
STREAMS = tuple(Zuora.stream_keys)
TRUTH_PARAMS = {"orders": {"expand[]": ["line_items", "subscriptions"]}}


@pytest.fixture(scope="module")
def sandbox(module_sandboxes):
    return module_sandboxes(seed=7, scale=20)


@pytest.fixture()
def fresh(sandboxes):
    return sandboxes(seed=3, scale=8)


def token(url: str) -> str:
    answer = requests.post(f"{url}/zuora/oauth/token", data=CREDENTIALS)
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def get(url: str, path: str, bearer: str | None, **params) -> requests.Response:
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    return requests.get(f"{url}/zuora/v2/{path}", params=params, headers=headers, timeout=30)


def parse(answer: requests.Response):
    return json.loads(answer.content, parse_float=Decimal)


def walk(url: str, path: str, bearer: str, **params) -> list[dict]:
    records, cursor = [], None
    while True:
        answer = get(url, path, bearer, **params, **({"cursor": cursor} if cursor else {}))
        assert answer.status_code == 200, answer.text
        body = parse(answer)
        records += body["data"]
        cursor = body["next_page"]
        if not cursor:
            return records


def instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def assert_error(
    answer: requests.Response, status: int, kind: str, parameter: str | None = None
) -> None:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["type"] == kind and isinstance(body["errors"], list)
    if parameter:
        assert body["errors"][0]["parameter"] == parameter


# ---- auth -------------------------------------------------------------------------------------
def test_token_grant_and_refusals(sandbox):
    answer = requests.post(f"{sandbox.url}/zuora/oauth/token", data=CREDENTIALS)
    body = answer.json()
    assert (
        answer.status_code == 200 and body["token_type"] == "bearer" and body["expires_in"] == 3599
    )
    assert set(body) == {"access_token", "token_type", "expires_in", "scope", "jti"}
    wrong = requests.post(
        f"{sandbox.url}/zuora/oauth/token", data={**CREDENTIALS, "client_secret": "nope"}
    )
    assert_error(wrong, 401, "unauthorized")
    for grant in ({"grant_type": "password"}, {"grant_type": ""}):
        assert_error(
            requests.post(f"{sandbox.url}/zuora/oauth/token", data={**CREDENTIALS, **grant}),
            400,
            "bad_request",
            "grant_type",
        )
    for bearer in (None, "bogus"):
        refused = get(sandbox.url, "invoices", bearer)
        assert_error(refused, 401, "unauthorized")
        assert refused.json()["retryable"] is False and "zuora-request-id" in refused.headers


def test_token_expires_after_its_ttl(fresh):
    fresh.control.configure("zuora", token_ttl_seconds=1)
    answer = requests.post(f"{fresh.url}/zuora/oauth/token", data=CREDENTIALS).json()
    assert answer["expires_in"] == 1
    assert get(fresh.url, "accounts", answer["access_token"]).status_code == 200
    time.sleep(1.1)
    assert_error(get(fresh.url, "accounts", answer["access_token"]), 401, "unauthorized")


# ---- lists ------------------------------------------------------------------------------------
@pytest.mark.parametrize("stream", STREAMS)
def test_cursor_walk_equals_truth_newest_first(sandbox, stream):
    records = walk(
        sandbox.url, stream, token(sandbox.url), page_size=7, **TRUTH_PARAMS.get(stream, {})
    )
    truth = sandbox.control.truth("zuora", stream)
    assert sorted(records, key=lambda record: record["id"]) == truth
    keys = [(instant(record["updated_time"]), record["id"]) for record in records]
    assert keys == sorted(keys, reverse=True)
    assert records[0]["updated_time"][-6:] in ("-08:00", "-07:00") and len(records[0]["id"]) == 32


def test_page_size_bounds_and_default(sandbox):
    bearer = token(sandbox.url)
    for size in ("0", "100", "x", "-1"):
        assert_error(
            get(sandbox.url, "invoices", bearer, page_size=size), 400, "bad_request", "page_size"
        )
    assert len(parse(get(sandbox.url, "invoices", bearer))["data"]) == 30
    assert len(parse(get(sandbox.url, "invoices", bearer, page_size=1))["data"]) == 1
    assert len(parse(get(sandbox.url, "invoices", bearer, page_size=99))["data"]) == 99


def test_filters_select_what_they_say(sandbox):
    bearer = token(sandbox.url)
    truth = sandbox.control.truth("zuora", "invoices")
    some = [record["id"] for record in truth[:3]]
    found = walk(sandbox.url, "invoices", bearer, **{"filter[]": f"id.IN:[{','.join(some)}]"})
    assert sorted(record["id"] for record in found) == sorted(some)
    middle = sorted(instant(record["updated_time"]) for record in truth)[len(truth) // 2]
    for spelling in (
        middle.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        middle.isoformat(),
    ):
        newer = walk(
            sandbox.url,
            "invoices",
            bearer,
            page_size=13,
            **{"filter[]": f"updated_time.GT:{spelling}"},
        )
        assert sorted(record["id"] for record in newer) == sorted(
            record["id"] for record in truth if instant(record["updated_time"]) > middle
        )
    posted = walk(
        sandbox.url,
        "invoices",
        bearer,
        page_size=50,
        **{"filter[]": ["state.EQ:posted", f"updated_time.GT:{middle.isoformat()}"]},
    )
    assert posted and sorted(record["id"] for record in posted) == sorted(
        record["id"]
        for record in truth
        if record["state"] == "posted" and instant(record["updated_time"]) > middle
    )
    latest = walk(sandbox.url, "subscriptions", bearer, **{"filter[]": "latest_version.EQ:true"})
    numbers = [record["subscription_number"] for record in latest]
    assert (
        len(numbers)
        == len(set(numbers))
        == len(
            {
                record["subscription_number"]
                for record in sandbox.control.truth("zuora", "subscriptions")
            }
        )
    )
    for clause in (
        "colour.EQ:red",
        "state.XX:posted",
        "state.GT:posted",
        "updated_time.GT:yesterday",
        "state",
    ):
        assert_error(
            get(sandbox.url, "invoices", bearer, **{"filter[]": clause}),
            400,
            "bad_request",
            "filter[]",
        )


def test_sort_fields_expand_and_cursor_checks(sandbox):
    bearer = token(sandbox.url)
    ascending = walk(
        sandbox.url, "accounts", bearer, page_size=6, **{"sort[]": "account_number.ASC"}
    )
    assert [record["account_number"] for record in ascending] == sorted(
        record["account_number"] for record in sandbox.control.truth("zuora", "accounts")
    )
    oldest_first = walk(
        sandbox.url, "invoices", bearer, page_size=40, **{"sort[]": "updated_time.asc"}
    )
    assert oldest_first == walk(sandbox.url, "invoices", bearer, page_size=99)[::-1]
    slim = parse(get(sandbox.url, "invoices", bearer, **{"fields[]": "id,state,total"}))["data"]
    assert slim and all(set(record) == {"id", "state", "total"} for record in slim)
    expanded = parse(
        get(sandbox.url, "invoices", bearer, page_size=3, **{"expand[]": ["items", "account"]})
    )["data"]
    for invoice in expanded:
        assert invoice["account"]["id"] == invoice["account_id"]
        assert invoice["items"]["next_page"] is None
        assert (
            sum(item["amount"] + item["tax"] for item in invoice["items"]["data"])
            == invoice["total"]
        )
    assert "line_items" not in parse(get(sandbox.url, "orders", bearer))["data"][0]
    assert_error(
        get(sandbox.url, "orders", bearer, **{"expand[]": "nonsense"}),
        400,
        "bad_request",
        "expand[]",
    )
    assert_error(
        get(sandbox.url, "orders", bearer, **{"fields[]": "nonsense"}),
        400,
        "bad_request",
        "fields[]",
    )
    assert_error(
        get(sandbox.url, "invoices", bearer, **{"sort[]": "total.sideways"}),
        400,
        "bad_request",
        "sort[]",
    )
    cursor = parse(get(sandbox.url, "invoices", bearer, page_size=2))["next_page"]
    keyset = json.loads(base64.b64decode(cursor))
    assert [entry["orderBy"] for entry in keyset] == [
        {"field": "UpdatedDate", "order": "DESC"},
        {"field": "Id", "order": "DESC"},
    ]
    assert_error(
        get(sandbox.url, "invoices", bearer, cursor="not-a-cursor"), 400, "bad_request", "cursor"
    )
    assert_error(
        get(sandbox.url, "invoices", bearer, cursor=cursor, **{"sort[]": "total.asc"}),
        400,
        "bad_request",
        "cursor",
    )


def test_money_is_exact_and_dates_are_dates(sandbox):
    bearer = token(sandbox.url)
    text = get(sandbox.url, "invoice_items", bearer, page_size=99).text
    assert (
        "e-" not in text and "0000000001" not in text and "9999999" not in text
    )  # no float artefacts
    items = parse(get(sandbox.url, "invoice_items", bearer, page_size=99))["data"]
    assert all(-item["amount"].as_tuple().exponent == 2 for item in items)
    assert any(
        -item["unit_amount"].as_tuple().exponent == 4
        for item in sandbox.control.truth("zuora", "invoice_items")
    )
    assert all(dt.date.fromisoformat(item["service_start"]) for item in items)


# ---- limits and faults ------------------------------------------------------------------------
def test_rate_limit_answers_429_with_headers(fresh):
    fresh.control.configure("zuora", rate_limit_per_minute=3)
    bearer = token(fresh.url)
    answers = [get(fresh.url, "accounts", bearer) for _ in range(5)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429, 429]
    first, limited = answers[0], answers[-1]
    assert (
        first.headers["ratelimit-limit"] == "3, 3;w=60"
        and first.headers["ratelimit-remaining"] == "2"
    )
    assert (
        limited.headers["ratelimit-remaining"] == "0"
        and 0 < int(limited.headers["ratelimit-reset"]) <= 60
    )
    assert_error(limited, 429, "too_many_requests")


@pytest.mark.parametrize(
    "kind, reset_header, kind_name",
    [
        ("429", True, "too_many_requests"),
        ("429", False, "too_many_requests"),
        ("500", True, "internal_server_error"),
        ("502", True, "bad_gateway"),
        ("503", True, "service_unavailable"),
    ],
)
def test_status_faults_hit_the_matching_path_then_clear(fresh, kind, reset_header, kind_name):
    bearer = token(fresh.url)
    fresh.control.inject(
        "zuora", [{"kind": kind, "count": 2, "path": "/v2/invoices", "reset_header": reset_header}]
    )
    assert get(fresh.url, "accounts", bearer).status_code == 200  # another path: untouched
    faulted = [get(fresh.url, "invoices", bearer) for _ in range(2)]
    for answer in faulted:
        assert_error(answer, int(kind), kind_name)
        assert ("ratelimit-reset" in answer.headers) == (kind == "429" and reset_header)
    assert get(fresh.url, "invoices", bearer).status_code == 200
    assert fresh.control.stats()["zuora"]["GET /v2/invoices"] == 3


def test_stall_truncate_and_early_token_expiry(fresh):
    bearer = token(fresh.url)
    fresh.control.inject("zuora", [{"kind": "stall", "seconds": 0.6, "path": "/v2/accounts"}])
    started = time.monotonic()
    assert get(fresh.url, "accounts", bearer).status_code == 200
    assert time.monotonic() - started >= 0.6
    fresh.control.inject("zuora", [{"kind": "truncate", "path": "/v2/orders"}])
    host, port = fresh.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    connection.request(
        "GET", "/zuora/v2/orders?page_size=20", headers={"Authorization": f"Bearer {bearer}"}
    )
    answer = connection.getresponse()
    assert answer.status == 200
    with pytest.raises(http.client.IncompleteRead):
        answer.read()
    assert get(fresh.url, "orders", bearer).status_code == 200
    fresh.control.inject("zuora", [{"kind": "expire_token"}])
    assert_error(get(fresh.url, "subscriptions", bearer), 401, "unauthorized")
    assert get(fresh.url, "subscriptions", bearer).status_code == 401  # that token stays revoked
    assert get(fresh.url, "subscriptions", token(fresh.url)).status_code == 200


def test_latency_setting_delays_answers(fresh):
    bearer = token(fresh.url)
    fresh.control.configure("zuora", latency_ms=150)
    started = time.monotonic()
    get(fresh.url, "accounts", bearer)
    assert time.monotonic() - started >= 0.15


# ---- the world --------------------------------------------------------------------------------
def test_advance_creates_changes_and_hard_deletes(fresh):
    bearer = token(fresh.url)
    before = {
        stream: {record["id"]: record for record in fresh.control.truth("zuora", stream)}
        for stream in STREAMS
    }
    start = instant(fresh.control.now())
    totals = {"created": 0, "changed": 0, "deleted": 0}
    for _ in range(6):
        for counts in fresh.control.advance(days=2)["zuora"].values():
            for kind in totals:
                totals[kind] += counts[kind]
    end = instant(fresh.control.now())
    assert end - start == dt.timedelta(days=12) and all(totals.values()), totals
    invoices = {
        record["id"]: record for record in walk(fresh.url, "invoices", bearer, page_size=99)
    }
    assert sorted(invoices) == [record["id"] for record in fresh.control.truth("zuora", "invoices")]
    items = {record["id"] for record in walk(fresh.url, "invoice_items", bearer, page_size=99)}
    assert {item["invoice_id"] for item in fresh.control.truth("zuora", "invoice_items")} <= set(
        invoices
    )
    assert len(items) == len(fresh.control.truth("zuora", "invoice_items"))
    for stream in STREAMS:
        now = {record["id"]: record for record in fresh.control.truth("zuora", stream)}
        for key, record in now.items():
            if key not in before[stream] or record != before[stream][key]:
                assert start < instant(record["updated_time"]) <= end + dt.timedelta(seconds=5), (
                    stream,
                    key,
                )
    newer = walk(
        fresh.url, "invoices", bearer, **{"filter[]": f"updated_time.GT:{start.isoformat()}"}
    )
    assert {record["state"] for record in newer} <= {"draft", "posted"} and any(
        record["paid"] for record in newer
    )
    versions = fresh.control.truth("zuora", "subscriptions")
    latest = {
        record["subscription_number"]: record for record in versions if record["latest_version"]
    }
    for record in versions:
        assert record["version"] <= latest[record["subscription_number"]]["version"]


def test_same_seed_same_world_other_seed_another(sandboxes):
    one = sandboxes(seed=9, scale=12)
    two = sandboxes(seed=9, scale=12)
    other = sandboxes(seed=10, scale=12)
    for stream in STREAMS:
        assert one.control.truth("zuora", stream) == two.control.truth("zuora", stream)
    initial = one.control.truth("zuora", "orders")
    assert one.control.advance(days=3) == two.control.advance(days=3)
    for stream in STREAMS:
        assert one.control.truth("zuora", stream) == two.control.truth("zuora", stream)
    assert one.control.truth("zuora", "accounts") != other.control.truth("zuora", "accounts")
    one.control.reset(seed=9, scale=12)
    # Back at the start, while two moved on (whether its orders changed in those three days
    # depends on the world's start day: the clocks say it whatever the day).
    assert one.control.truth("zuora", "orders") == initial
    assert one.control.now() < two.control.now()
    assert all(not counts for counts in one.control.stats().values())


# ---- the spec's schemas -----------------------------------------------------------------------
def _as_json_schema(node):
    """OpenAPI 3.0 schema dialect to JSON Schema: `nullable: true` becomes a null type."""
    if isinstance(node, dict):
        converted = {key: _as_json_schema(value) for key, value in node.items() if key != "example"}
        if converted.pop("nullable", False) and "type" in converted:
            converted["type"] = [converted["type"], "null"]
        return converted
    if isinstance(node, list):
        return [_as_json_schema(value) for value in node]
    return node


@pytest.fixture(scope="module")
def spec_validator():
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    document = _as_json_schema(zuora_openapi())
    registry = Registry().with_resource("urn:zuora", Resource.from_contents(document, DRAFT202012))
    return lambda name: Draft202012Validator(
        {"$ref": f"urn:zuora#/components/schemas/{name}"}, registry=registry
    )


@pytest.mark.parametrize(
    "stream, schema, params",
    [
        ("orders", "orderListResponse", {"expand[]": ["line_items", "subscriptions"]}),
        ("invoices", "invoiceListResponse", {"expand[]": ["items", "account"]}),
        ("invoice_items", "invoiceItemListResponse", {"expand[]": ["invoice", "subscription"]}),
        ("accounts", "listAccountResponse", {"expand[]": ["subscriptions", "invoices"]}),
        ("subscriptions", "subscriptionListResponse", {"expand[]": ["account"]}),
    ],
)
def test_answers_validate_against_the_spec(sandbox, spec_validator, stream, schema, params):
    bearer = token(sandbox.url)
    validator = spec_validator(schema)
    for page in (
        get(sandbox.url, stream, bearer, page_size=40),
        get(sandbox.url, stream, bearer, page_size=40, **params),
    ):
        errors = [
            f"{list(error.absolute_path)}: {error.message}"
            for error in validator.iter_errors(page.json())
        ]
        assert not errors, errors[:5]


def test_throughput_of_cached_pages_is_printed(sandboxes):
    sandbox = sandboxes(seed=1, scale=400)
    bearer = token(sandbox.url)
    host, port = sandbox.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port))
    for label in ("first walk", "second walk"):
        pages, cursor, started = 0, None, time.perf_counter()
        while True:
            connection.request(
                "GET",
                "/zuora/v2/invoices?page_size=99" + (f"&cursor={cursor}" if cursor else ""),
                headers={"Authorization": f"Bearer {bearer}"},
            )
            cursor = json.loads(connection.getresponse().read())["next_page"]
            pages += 1
            if not cursor:
                break
        elapsed = time.perf_counter() - started
        print(
            f"\n{label}: {pages} pages of 99 invoices in {elapsed:.2f}s, "
            f"{pages / elapsed:.0f} pages/s"
        )
