"""What the Zoho tests share: the tap's config against a sandbox, the warehouse check."""

from __future__ import annotations

import pipeline

from commerce_sandbox import SandboxServer
from commerce_sandbox.vendors.zoho import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN

KEYS = {
    "transactions": "transaction_id",
    "commissions": "commission_id",
    "subscriptions": "subscription_id",
    "leads": "lead_id",
}
SCHEMA = "zoho"
# Tests scale time down: the sandbox allows this many requests a minute and the tap keeps under it.
FAST_RATE = 60000


def fast_sandbox(sandbox: SandboxServer, **settings) -> SandboxServer:
    sandbox.control.configure("zoho", rate_limit_per_minute=FAST_RATE, **settings)
    return sandbox


def tap_config(sandbox: SandboxServer, **overrides):
    return {
        "base_url": f"{sandbox.url}/zoho/api/v1/partner",
        "accounts_url": f"{sandbox.url}/zoho/accounts",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": REFRESH_TOKEN,
        "start_date": "2018-06-01",
        "requests_per_minute": FAST_RATE * 0.9,
        **overrides,
    }


def target_config(tmp_path):
    return pipeline.target_config(tmp_path, SCHEMA)


def assert_warehouse_equals_truth(sandbox: SandboxServer, database) -> None:
    pipeline.assert_tables_equal_truth(sandbox, database, SCHEMA, KEYS)


def requests_served(sandbox: SandboxServer) -> dict[str, int]:
    return sandbox.control.stats().get("zoho", {})
