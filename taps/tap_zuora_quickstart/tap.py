"""tap-zuora-quickstart: orders, invoices, invoice items, accounts and subscriptions from Zuora's
Quickstart API (v2), incrementally on `updated_time`."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from singer_sdk import typing as th

from commerce_taps_common.config.cli import entry_point
from commerce_taps_common.config.errors import ConfigError
from commerce_taps_common.config.settings import REQUEST_TIMEOUT, max_concurrency
from commerce_taps_common.http.auth import ClientCredentialsAuth
from commerce_taps_common.tap import CommerceTap
from tap_zuora_quickstart.client import DATA_CENTERS, ZuoraRun, host_url
from tap_zuora_quickstart.streams import STREAMS


class TapZuoraQuickstart(CommerceTap):
    name = "tap-zuora-quickstart"
    stream_types = STREAMS
    run_type = ZuoraRun
    renamed_settings = {"base_url": "api_url", "lookback": "lookback_seconds"}

    config_jsonschema = th.PropertiesList(
        th.Property(
            "api_url",
            th.StringType,
            description=(
                "Zuora REST host, e.g. https://rest.na.zuora.com, with or without /v2. "
                "Use this or data_center."
            ),
        ),
        th.Property(
            "data_center",
            th.StringType,
            allowed_values=sorted(DATA_CENTERS),
            description=(
                "Zuora environment whose REST host to use instead of api_url: "
                + ", ".join(
                    f"{name} ({url.removeprefix('https://')})" for name, url in DATA_CENTERS.items()
                )
            ),
        ),
        th.Property("client_id", th.StringType, required=True, description="OAuth client id."),
        th.Property(
            "client_secret",
            th.StringType,
            required=True,
            secret=True,
            description="OAuth client secret.",
        ),
        th.Property(
            "start_date",
            th.DateTimeType,
            description="Earliest updated_time read on the first run.",
        ),
        th.Property(
            "page_size",
            th.IntegerType,
            default=99,
            minimum=1,
            maximum=99,
            description="Records per page, 1..99.",
        ),
        th.Property(
            "entity_ids",
            th.CustomType({"type": ["array", "string"], "items": {"type": "string"}}),
            description="Multi-entity tenants: entity ids sent as the zuora-entity-ids header.",
        ),
        th.Property(
            "lookback_seconds",
            th.IntegerType,
            default=300,
            minimum=0,
            description="Seconds re-read behind the bookmark on each run, for late updates.",
        ),
        th.Property(
            "unstamped_reread_runs",
            th.IntegerType,
            default=7,
            minimum=0,
            description=(
                "Once every this many runs (the first included), invoice items are read in full "
                "from start_date: Zuora may change their remaining_balance without moving "
                "updated_time. 0 never re-reads."
            ),
        ),
        max_concurrency(
            4,
            (
                "Pages read at once: each stream's span since the bookmark is split into time "
                "slices read in parallel (1 reads one page after another)."
            ),
        ),
        REQUEST_TIMEOUT,
    ).to_dict()

    def check_settings(self, config: dict[str, Any]) -> None:
        if not config.get("api_url") and not config.get("data_center"):
            raise ConfigError(
                "api_url",
                "neither api_url nor data_center is set",
                f"set data_center to one of {', '.join(DATA_CENTERS)}, or api_url",
            )
        self.check_start_date(config)

    @cached_property
    def authenticator(self) -> ClientCredentialsAuth:
        return ClientCredentialsAuth(
            f"{host_url(self.config)}/oauth/token",
            {"client_id": self.config["client_id"], "client_secret": self.config["client_secret"]},
            refused_setting="client_secret",
            refused_fix="check client_id and client_secret, and that they belong to this "
            "data center (sandbox credentials do not work on production)",
            timeout=self.config.get("request_timeout", 90),
        )


main = entry_point(TapZuoraQuickstart, TapZuoraQuickstart.name)

if __name__ == "__main__":
    main()
