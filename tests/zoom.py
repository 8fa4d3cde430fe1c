"""What the Zoom tests share: the tap's config against a sandbox, the warehouse check."""

from __future__ import annotations

import pipeline

from commerce_sandbox import SandboxServer
from commerce_sandbox.vendors.zoom import ACCOUNT_ID, CLIENT_ID, CLIENT_SECRET

KEYS = {
    "accounts": "crm_account_number",
    "deal_registrations": "create_reference_id",
    "trials": "trial_id",
    "quotes": "quote_reference_id",
    "orders": "order_reference_id",
    "subscriptions": "subscription_number",
    "subscription_versions": ("subscription_number", "version"),
    "billing_documents": "document_number",
    "invoices": "invoice_number",
    "catalog_offers": ("offer_id", "currency"),
    "price_book": "price_list_charge_id",
}
SCHEMA = "zoom"


def tap_config(sandbox: SandboxServer, **overrides):
    return {
        "api_url": f"{sandbox.url}/zoom/v2",
        "oauth_url": f"{sandbox.url}/zoom/oauth/token",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "account_id": ACCOUNT_ID,
        "start_date": "2020-01-01",
        "catalog_currencies": ["USD", "EUR", "GBP"],
        # The sandbox allows Business+ rates (80 and 60 a second); tests run at them.
        "light_requests_per_second": 75,
        "medium_requests_per_second": 55,
        **overrides,
    }


def target_config(tmp_path):
    return pipeline.target_config(tmp_path, SCHEMA)


def assert_warehouse_equals_truth(sandbox: SandboxServer, database) -> None:
    pipeline.assert_tables_equal_truth(sandbox, database, SCHEMA, KEYS)


def requests_served(sandbox: SandboxServer) -> dict[str, int]:
    return sandbox.control.stats().get("zoom", {})
