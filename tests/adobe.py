"""What the Adobe tests share: the tap's config against a sandbox, the warehouse check."""

from __future__ import annotations

import datetime as dt

import pipeline

from commerce_sandbox import SandboxServer
from commerce_sandbox.vendors.adobe import CLIENT_ID, CLIENT_SECRET
from commerce_sandbox.vendors.adobe.world import FLEX_COUNTRIES, HISTORY_DAYS, PARTITIONS

KEYS = {
    "resellers": "resellerId",
    "customers": "customerId",
    "orders": "orderId",
    "subscriptions": "subscriptionId",
    "deployments": "deploymentId",
    "flex_discounts": "id",
    "price_lists": (
        "priceListMonth",
        "region",
        "marketSegment",
        "currency",
        "priceListType",
        "offerId",
        "firstOrderDate",
    ),
}
SCHEMA = "adobe"


def tap_config(sandbox: SandboxServer, **overrides):
    history_start = dt.date.fromisoformat(sandbox.control.now()[:10]) - dt.timedelta(
        days=HISTORY_DAYS
    )
    return {
        "api_url": f"{sandbox.url}/adobe",
        "ims_url": f"{sandbox.url}/adobe",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "start_date": "2017-01-01",
        "price_list_partitions": [
            {
                "region": region,
                "market_segment": segment,
                "currency": currency,
                "price_list_type": kind,
            }
            for region, segment, currency, kind in PARTITIONS
        ],
        "price_list_start_month": history_start.strftime("%Y%m"),
        "flex_discount_markets": [
            {"market_segment": segment, "country": country} for segment, country in FLEX_COUNTRIES
        ],
        **overrides,
    }


def target_config(tmp_path):
    return pipeline.target_config(tmp_path, SCHEMA)


def assert_warehouse_equals_truth(sandbox: SandboxServer, database) -> None:
    pipeline.assert_tables_equal_truth(sandbox, database, SCHEMA, KEYS)


def requests_served(sandbox: SandboxServer) -> dict[str, int]:
    return sandbox.control.stats().get("adobe", {})
