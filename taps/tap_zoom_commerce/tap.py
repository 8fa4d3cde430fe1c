"""tap-zoom-commerce: subscriptions and billing documents, with orders, quotes, deal
registrations, accounts, trials and the catalog, from the Zoom Commerce API."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any

from singer_sdk import typing as th

from commerce_taps_common.config.cli import entry_point
from commerce_taps_common.config.errors import ConfigError, required_fix
from commerce_taps_common.config.settings import (
    REQUEST_TIMEOUT,
    max_concurrency,
    sweep_budget,
    sweep_runs,
)
from commerce_taps_common.http.pacing import Pacer
from commerce_taps_common.tap import CommerceTap
from tap_zoom_commerce.client import API_URL, OAUTH_URL, DailyLimitReached, ZoomOAuth, ZoomRun
from tap_zoom_commerce.streams import STREAMS
from tap_zoom_commerce.webhook_events import WebhookEventsStream

# Subscriptions a run may re-read for the rotation (a detail request each, and one for its
# versions when that stream is selected): the pacer keeps Zoom's per-second limits, the budget
# the rotation's share of the account's daily limit (shared with every app of the account).
SUBSCRIPTION_SWEEP_BUDGET = 10_000


class TapZoomCommerce(CommerceTap):
    name = "tap-zoom-commerce"
    stream_types = STREAMS
    run_type = ZoomRun
    stream_order = (("orders", "subscriptions"),)
    renamed_settings = {"subscription_sweep_days": "subscription_sweep_runs"}
    clean_stops = (DailyLimitReached,)  # sync_all below: the run stops, it does not fail

    config_jsonschema = th.PropertiesList(
        th.Property(
            "api_url",
            th.StringType,
            default=API_URL,
            description=(
                "Commerce API base, production by default; Zoom gives partners a separate "
                "sandbox host."
            ),
        ),
        th.Property(
            "oauth_url",
            th.StringType,
            default=OAUTH_URL,
            description="Zoom's OAuth token endpoint.",
        ),
        # Required by every stream but webhook_events (checked when the run starts, see sync_all).
        th.Property("client_id", th.StringType, description="The Zoom app's client id."),
        th.Property(
            "client_secret",
            th.StringType,
            secret=True,
            description="The Zoom app's client secret.",
        ),
        th.Property(
            "account_id",
            th.StringType,
            description=(
                "Server-to-Server OAuth: the app's account id. Set this, or refresh_token."
            ),
        ),
        th.Property(
            "refresh_token",
            th.StringType,
            secret=True,
            description=(
                "User OAuth: a refresh token of the authorised app (used once; Zoom rotates it)."
            ),
        ),
        th.Property(
            "token_file",
            th.StringType,
            description=(
                "User OAuth: file that keeps the newest refresh token between runs (written "
                "atomically, owner-only). Required with refresh_token."
            ),
        ),
        th.Property("start_date", th.DateType, description="First day read on the first run."),
        th.Property(
            "lookback_days",
            th.IntegerType,
            default=7,
            minimum=0,
            description=("Days re-read behind each bookmark (orders, quotes, billing documents)."),
        ),
        max_concurrency(
            8,
            "Detail requests (subscriptions, invoices, orders) in flight at once.",
        ),
        th.Property(
            "light_requests_per_second",
            th.NumberType,
            default=40,
            minimum=0.1,
            description=(
                "Pace of LIGHT endpoints (details); Zoom allows 80 a second on Business+ per "
                "account, shared by every app."
            ),
        ),
        th.Property(
            "medium_requests_per_second",
            th.NumberType,
            default=30,
            minimum=0.1,
            description=("Pace of MEDIUM endpoints (lists); Zoom allows 60 a second on Business+."),
        ),
        sweep_runs("subscription", 7, "Every subscription's detail"),
        sweep_budget("subscription", SUBSCRIPTION_SWEEP_BUDGET),
        th.Property(
            "catalog_currencies",
            th.ArrayType(th.StringType),
            default=["USD"],
            description="Currencies the catalog is read in.",
        ),
        th.Property(
            "webhook_spool",
            th.StringType,
            description=(
                "The SQLite spool `commerce-webhooks serve --spool` writes; the webhook_events "
                "stream reads it (and is empty without it)."
            ),
        ),
        REQUEST_TIMEOUT,
    ).to_dict()

    def check_settings(self, config: dict[str, Any]) -> None:
        self.check_start_date(config)

    def check_api_settings(self, config: Mapping[str, Any]) -> None:
        """What every stream that calls the API needs: credentials and one OAuth flow."""
        for setting in ("client_id", "client_secret"):
            if not config.get(setting):
                raise ConfigError(setting, "is required", required_fix(self.plugin_name, setting))
        if bool(config.get("account_id")) == bool(config.get("refresh_token")):
            raise ConfigError(
                "account_id",
                "set exactly one of account_id (Server-to-Server OAuth) and "
                "refresh_token (user OAuth)",
                "see taps/tap_zoom_commerce/README.md for which to pick",
            )
        if config.get("refresh_token") and not config.get("token_file"):
            raise ConfigError(
                "token_file",
                "is required with refresh_token: Zoom rotates refresh tokens, so "
                "the newest must be kept for the next run",
                "set it to a path the job can write",
            )

    @cached_property
    def authenticator(self) -> ZoomOAuth:
        return ZoomOAuth(self.config)

    @cached_property
    def pacers(self) -> dict[str, Pacer]:
        """One per rate-limit category: the limits are per account and category."""
        return {
            "LIGHT": Pacer(float(self.config.get("light_requests_per_second", 40)) * 60),
            "MEDIUM": Pacer(float(self.config.get("medium_requests_per_second", 30)) * 60),
        }

    def around_sync(self, sync_all: Callable[[], None]) -> None:
        # The selection is known only now (the config is validated before the catalog is read):
        # webhook_events alone reads a local file and needs no credentials.
        selected = {name for name, stream in self.streams.items() if stream.selected}
        if selected - {WebhookEventsStream.name}:
            self.check_api_settings(self.config)
        if WebhookEventsStream.name in selected:
            WebhookEventsStream.spool_path(self.config)
        try:
            super().around_sync(sync_all)
        except DailyLimitReached as stop:
            # Not an error: the streams finished so far have their state written; the stopped one
            # resumes from its last bookmark.
            self.logger.warning("%s", stop)


main = entry_point(TapZoomCommerce, TapZoomCommerce.name)

if __name__ == "__main__":
    main()
