"""tap-adobe-vipmp: resellers, customers, orders, subscriptions, deployments, flexible discounts
and monthly price lists from Adobe's VIP Marketplace Commerce Partner API."""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any

from singer_sdk import typing as th

from commerce_taps_common.config.cli import entry_point
from commerce_taps_common.config.errors import ConfigError
from commerce_taps_common.config.settings import (
    REQUEST_TIMEOUT,
    max_concurrency,
    sweep_budget,
    sweep_runs,
)
from commerce_taps_common.http.auth import ClientCredentialsAuth
from commerce_taps_common.tap import CommerceTap
from tap_adobe_vipmp.client import API_URL, IMS_URL, AdobeRun
from tap_adobe_vipmp.streams import STREAMS

PARTITION = th.ObjectType(
    th.Property(
        "region",
        th.StringType,
        required=True,
        allowed_values=["AP", "JP", "WE", "LA", "MX", "EE", "PA", "NA"],
    ),
    th.Property(
        "market_segment", th.StringType, required=True, allowed_values=["COM", "EDU", "GOV"]
    ),
    th.Property(
        "currency", th.StringType, required=True, allowed_values=["AUD", "EUR", "GBP", "JPY", "USD"]
    ),
    th.Property("price_list_type", th.StringType, allowed_values=["STANDARD", "3YC", "STD-LGA"]),
)

# Detail requests a run may spend on the rotation (one per customer): bounds how much longer a
# night runs for a large distributor. Adobe's throttle is a rate (delays past 1,000 requests in
# any 5 seconds, 429s past 1,500), which max_concurrency keeps the tap far under, not a quota.
CUSTOMER_SWEEP_BUDGET = 10_000


class TapAdobeVipmp(CommerceTap):
    name = "tap-adobe-vipmp"
    stream_types = STREAMS
    run_type = AdobeRun
    stream_order = (("orders", "customers"),)
    renamed_settings = {"customer_detail_refresh": "customer_sweep_runs"}

    config_jsonschema = th.PropertiesList(
        th.Property(
            "api_url",
            th.StringType,
            default=API_URL,
            description=(
                "Partner API host: production by default; sandbox "
                "https://partnersandbox-stage.adobe.io "
                "(or https://partners-stage.adobe.io, as some of Adobe's pages write it)."
            ),
        ),
        th.Property(
            "ims_url",
            th.StringType,
            default=IMS_URL,
            description=("Adobe IMS host; sandbox: https://ims-na1-stg1.adobelogin.com."),
        ),
        th.Property(
            "client_id",
            th.StringType,
            required=True,
            description=("The Developer Console project's client id (also sent as X-Api-Key)."),
        ),
        th.Property(
            "client_secret",
            th.StringType,
            required=True,
            secret=True,
            description="The project's client secret.",
        ),
        th.Property(
            "scope",
            th.StringType,
            default="openid,AdobeID,read_organizations",
            description=(
                "Scopes of the OAuth Server-to-Server credential, as the Developer Console shows "
                "them."
            ),
        ),
        th.Property(
            "start_date", th.DateType, description="Earliest order date read on the first run."
        ),
        th.Property(
            "lookback_days",
            th.IntegerType,
            default=3,
            minimum=0,
            description="Days of orders re-read behind the bookmark.",
        ),
        sweep_runs("customer", 1, "Every known customer's detail"),
        sweep_budget("customer", CUSTOMER_SWEEP_BUDGET),
        th.Property(
            "price_list_partitions",
            th.ArrayType(PARTITION),
            default=[],
            description=(
                "Price lists to follow: {region, market_segment, currency, price_list_type}, e.g. "
                "NA/COM/USD/STANDARD; "
                "each must be valid for the partner's contract."
            ),
        ),
        th.Property(
            "price_list_start_month",
            th.StringType,
            description=(
                "First month (YYYYMM) of each partition's price lists; default the current month."
            ),
        ),
        th.Property(
            "flex_discount_markets",
            th.ArrayType(
                th.ObjectType(
                    th.Property("market_segment", th.StringType, required=True),
                    th.Property("country", th.StringType, required=True),
                )
            ),
            default=[],
            description=(
                "Market segment and country pairs whose flexible discounts to read, e.g. COM/US."
            ),
        ),
        max_concurrency(
            8,
            (
                "Per-customer requests (details, orders, subscriptions, deployments) in flight at "
                "once."
            ),
        ),
        REQUEST_TIMEOUT,
    ).to_dict()

    def check_settings(self, config: dict[str, Any]) -> None:
        self.check_start_date(config)
        month = config.get("price_list_start_month")
        if month and not re.fullmatch(r"20\d\d(0[1-9]|1[0-2])", str(month)):
            raise ConfigError(
                "price_list_start_month", f"{month!r} is not a month", "use YYYYMM, e.g. 202501"
            )

    @cached_property
    def authenticator(self) -> ClientCredentialsAuth:
        return ClientCredentialsAuth(
            f"{(self.config.get('ims_url') or IMS_URL).rstrip('/')}/ims/token/v3",
            {
                "client_id": self.config["client_id"],
                "client_secret": self.config["client_secret"],
                "scope": self.config.get("scope") or "openid,AdobeID,read_organizations",
            },
            refused_setting="client_secret",
            refused_fix="check client_id, client_secret and scope against the Developer Console "
            "project "
            "(sandbox credentials work only with the sandbox ims_url and api_url)",
            timeout=self.config.get("request_timeout", 90),
            default_ttl_seconds=86399,
        )


main = entry_point(TapAdobeVipmp, TapAdobeVipmp.name)

if __name__ == "__main__":
    main()
