"""tap-zoho-partner: transactions, commissions, subscriptions and leads from the Zoho Store
Partner API, paced under its 100-calls-a-minute limit."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from singer_sdk import typing as th

from commerce_taps_common.config.cli import entry_point
from commerce_taps_common.config.errors import ConfigError
from commerce_taps_common.config.settings import REQUEST_TIMEOUT, sweep_runs
from commerce_taps_common.http.pacing import Pacer
from commerce_taps_common.tap import CommerceTap
from tap_zoho_partner.client import DATA_CENTERS, ZohoRefreshTokenAuth, accounts_root
from tap_zoho_partner.streams import STREAMS


class TapZohoPartner(CommerceTap):
    name = "tap-zoho-partner"
    renamed_settings = {
        "commission_sweep_days": "commission_sweep_runs",
        "base_url": "api_url",
        "per_page": "page_size",
    }
    stream_types = STREAMS

    config_jsonschema = th.PropertiesList(
        th.Property(
            "data_center",
            th.StringType,
            allowed_values=sorted(DATA_CENTERS),
            description=(
                "Where the partner store lives; sets both the store and the accounts host: "
                + ", ".join(
                    f"{name} ({hosts[0].removeprefix('https://')})"
                    for name, hosts in DATA_CENTERS.items()
                )
                + ". Use this, or api_url with accounts_url."
            ),
        ),
        th.Property(
            "api_url",
            th.StringType,
            description=(
                "Partner API root instead of data_center, e.g. https://store.zoho.eu/api/v1/partner."
            ),
        ),
        th.Property(
            "accounts_url",
            th.StringType,
            description=(
                "Accounts server instead of data_center's, e.g. https://accounts.zoho.eu."
            ),
        ),
        th.Property(
            "client_id", th.StringType, required=True, description="The Self Client's client id."
        ),
        th.Property(
            "client_secret",
            th.StringType,
            required=True,
            secret=True,
            description="The Self Client's client secret.",
        ),
        th.Property(
            "refresh_token",
            th.StringType,
            required=True,
            secret=True,
            description=(
                "Refresh token made from the Self Client with the ZohoPayments scopes (see README)."
            ),
        ),
        th.Property(
            "start_date",
            th.DateType,
            description=(
                "First day read on the first run (transactions start at 2019-01-01 whatever this "
                "says)."
            ),
        ),
        th.Property(
            "lookback_days",
            th.IntegerType,
            default=30,
            minimum=0,
            description=(
                "Days re-read behind each bookmark, so commission status changes and late rows "
                "land."
            ),
        ),
        sweep_runs("commission", 7, "The whole commission listing"),
        th.Property(
            "page_size",
            th.IntegerType,
            default=200,
            minimum=1,
            maximum=200,
            description="Rows per page, 1..200.",
        ),
        th.Property(
            "requests_per_minute",
            th.NumberType,
            default=100,
            minimum=1,
            description=(
                "Requests per minute the tap spaces itself to; Zoho allows 100. Lower it when "
                "other jobs share "
                "the partner store's limit."
            ),
        ),
        th.Property(
            "commission_entities",
            th.ArrayType(th.StringType),
            description=(
                "Read commissions of these billing entities only (e.g. Zoho US); empty: all."
            ),
        ),
        th.Property(
            "token_throttle_wait_seconds",
            th.IntegerType,
            default=600,
            minimum=0,
            description=(
                "Seconds to wait when Zoho throttles token refreshes, before asking again (twice "
                "at most); "
                "0 fails at once."
            ),
        ),
        REQUEST_TIMEOUT,
    ).to_dict()

    def check_settings(self, config: dict[str, Any]) -> None:
        if not config.get("data_center") and not (
            config.get("api_url") and config.get("accounts_url")
        ):
            raise ConfigError(
                "data_center",
                "neither data_center nor api_url with accounts_url is set",
                f"set data_center to one of {', '.join(DATA_CENTERS)}",
            )
        self.check_start_date(config)

    @cached_property
    def authenticator(self) -> ZohoRefreshTokenAuth:
        return ZohoRefreshTokenAuth(
            f"{accounts_root(self.config)}/oauth/v2/token",
            self.config,
            throttle_wait_seconds=self.config.get("token_throttle_wait_seconds", 600),
            timeout=self.config.get("request_timeout", 90),
        )

    @cached_property
    def pacer(self) -> Pacer:
        # Zoho Books sends X-Rate-Limit-* headers; if the store does too, they are obeyed as well.
        return Pacer(
            self.config.get("requests_per_minute", 100),
            "X-Rate-Limit-Remaining",
            "X-Rate-Limit-Reset",
        )


main = entry_point(TapZohoPartner, TapZohoPartner.name)

if __name__ == "__main__":
    main()
