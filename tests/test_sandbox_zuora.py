"""The Zuora simulation keeps to the documented API: auth, envelope, cursors, filters, limits."""

from __future__ import annotations

import requests

from commerce_sandbox import SandboxServer


def token(url):
    return requests.post(f"{url}/zuora/oauth/token", data={
        "client_id": "sandbox-zuora-client", "client_secret": "sandbox-zuora-secret",
        "grant_type": "client_credentials"}).json()["access_token"]


def get(url, path, bearer, **params):
    return requests.get(f"{url}/zuora/v2/{path}", params=params, headers={"Authorization": f"Bearer {bearer}"})


def test_token_and_auth_errors_have_zuoras_shapes():
    with SandboxServer(seed=1, scale=5) as sandbox:
        refused = requests.post(f"{sandbox.url}/zuora/oauth/token", data={
            "client_id": "sandbox-zuora-client", "client_secret": "nope", "grant_type": "client_credentials"})
        assert refused.status_code == 401 and refused.json()["type"] == "unauthorized"
        assert get(sandbox.url, "invoices", "bogus").status_code == 401
        body = requests.post(f"{sandbox.url}/zuora/oauth/token", data={
            "client_id": "sandbox-zuora-client", "client_secret": "sandbox-zuora-secret",
            "grant_type": "client_credentials"}).json()
        assert body["token_type"] == "bearer" and body["expires_in"] == 3599


def test_cursor_walk_returns_truth_newest_first_and_limits_hold():
    with SandboxServer(seed=4, scale=10) as sandbox:
        bearer = token(sandbox.url)
        seen, cursor = [], None
        while True:
            params = {"page_size": 7, **({"cursor": cursor} if cursor else {})}
            page = get(sandbox.url, "invoices", bearer, **params)
            assert page.status_code == 200 and {"ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"} <= set(page.headers)
            seen += page.json()["data"]
            cursor = page.json()["next_page"]
            if not cursor:
                break
        assert sorted(record["id"] for record in seen) == sorted(r["id"] for r in sandbox.control.truth("zuora", "invoices"))
        stamps = [record["updated_time"] for record in seen]
        assert stamps[0][-6:] in ("-08:00", "-07:00")
        for size in ("0", "100", "x"):
            bad = get(sandbox.url, "invoices", bearer, page_size=size)
            assert bad.status_code == 400 and bad.json()["errors"][0]["parameter"] == "page_size"
        assert get(sandbox.url, "invoices", bearer, **{"filter[]": "colour.EQ:red"}).status_code == 400
        assert get(sandbox.url, "orders", bearer, **{"expand[]": "nonsense"}).status_code == 400


def test_filters_select_what_they_say():
    with SandboxServer(seed=4, scale=10) as sandbox:
        bearer = token(sandbox.url)
        truth = sandbox.control.truth("zuora", "invoices")
        some = [record["id"] for record in truth[:3]]
        found = get(sandbox.url, "invoices", bearer, page_size=99, **{"filter[]": f"id.IN:[{','.join(some)}]"}).json()
        assert sorted(record["id"] for record in found["data"]) == sorted(some)
        since = "2025-06-01T00:00:00Z"
        recent = get(sandbox.url, "invoices", bearer, page_size=99,
                     **{"filter[]": [f"updated_time.GT:{since}", "state.EQ:posted"], "fields[]": "id,state"}).json()["data"]
        assert recent and all(set(record) == {"id", "state"} and record["state"] == "posted" for record in recent)


def test_rate_limit_answers_429_with_reset_headers():
    with SandboxServer(seed=1, scale=3) as sandbox:
        sandbox.control.configure("zuora", rate_limit_per_minute=3)
        bearer = token(sandbox.url)
        statuses = [get(sandbox.url, "accounts", bearer).status_code for _ in range(5)]
        assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
        limited = get(sandbox.url, "accounts", bearer)
        assert limited.headers["ratelimit-remaining"] == "0" and int(limited.headers["ratelimit-reset"]) > 0


def test_same_seed_same_world_and_the_clock_creates_changes_and_deletes():
    with SandboxServer(seed=9, scale=30) as one, SandboxServer(seed=9, scale=30) as two:
        assert one.control.truth("zuora", "orders") == two.control.truth("zuora", "orders")
        totals = {"created": 0, "changed": 0, "deleted": 0}
        for _ in range(4):
            for counts in one.control.advance(days=2)["zuora"].values():
                for kind, count in counts.items():
                    totals[kind] += count
        assert all(totals.values()), totals
