"""The per-tap table: each tap's executable, the sandbox vendor it reads (also its warehouse
schema) and its settings against a sandbox, and what the tests and the demo do with one tap."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol, TypeVar

import duckdb

from commerce_harness.pipeline import (
    LOADER,
    PipelineRun,
    TapOutput,
    read_singer,
    run_pipeline,
    run_tap,
    start_pipeline,
    target_config,
)
from commerce_harness.reconcile import compare_table
from commerce_sandbox import SandboxControl
from commerce_sandbox.accounts import DEFAULT_ACCOUNT, credential, slot_name
from commerce_sandbox.vendor import StreamKey
from commerce_sandbox.vendors import VENDORS, adobe, zoho, zoom, zuora
from commerce_sandbox.vendors.adobe.world import FLEX_COUNTRIES, HISTORY_DAYS, PARTITIONS
from commerce_taps_common.config.errors import env_var
from commerce_taps_common.records.tenant import TENANT


class Sandbox(Protocol):
    """A running sandbox, in this process (SandboxServer) or a child (SandboxProcess)."""

    url: str

    @property
    def control(self) -> SandboxControl: ...


S = TypeVar("S", bound=Sandbox)


def _credentials(vendor: ModuleType, *settings: str) -> dict[str, str]:
    """The credentials the sandbox vendor's default account accepts, by setting name (its
    constants' names)."""
    return {setting: getattr(vendor, setting.upper()) for setting in settings}


def _no_world_settings(control: SandboxControl) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Tap:
    """One vendor's tap: its executable, the sandbox vendor it reads (also the warehouse schema),
    the settings that point it at a sandbox, and the tests' other settings.

    `account` (commerce_sandbox.accounts) picks which of the sandbox's accounts of the vendor the
    tap reads: its credentials, its truth, its Meltano plugin."""

    name: str
    vendor: str
    urls: dict[str, str]  # setting -> path under the sandbox's URL
    # The credentials the sandbox's default account accepts (the `sandbox` environment of
    # meltano.yml holds the same, so the demo passes only the URLs).
    credentials: dict[str, str]
    # The suite's other settings (meltano.yml's `sandbox` environment holds them too).
    settings: dict[str, Any]
    # Settings that follow the sandbox's simulated days, which a fixed file cannot hold.
    world_settings: Callable[[SandboxControl], dict[str, Any]] = field(default=_no_world_settings)

    @property
    def keys(self) -> dict[str, StreamKey]:
        """Stream -> primary key, as the sandbox vendor that owns the truth declares them."""
        return VENDORS[self.vendor].stream_keys

    def plugin(self, account: str = DEFAULT_ACCOUNT) -> str:
        """The Meltano extractor of `account`: the tap itself, or a plugin inheriting from it."""
        return self.name if account == DEFAULT_ACCOUNT else f"{self.name}--{account}"

    def account_plugin(self, account: str) -> dict[str, Any]:
        """The Meltano plugin of another account than the default one, as the README adds it:
        inherited, its tenant, its credentials from its own environment variables only."""
        plugin = self.plugin(account)
        return {
            "name": plugin,
            "inherit_from": self.name,
            "namespace": self.vendor,  # not inherited
            "config": {
                TENANT: account,
                **{setting: f"${env_var(plugin, setting)}" for setting in self.credentials},
            },
        }

    def state_id(
        self, loader: str = LOADER, environment: str = "sandbox", account: str = DEFAULT_ACCOUNT
    ) -> str:
        """Meltano names a task's state by its environment, extractor and loader."""
        return f"{environment}:{self.plugin(account)}-to-{loader}"

    def account_credentials(self, account: str = DEFAULT_ACCOUNT) -> dict[str, str]:
        """The credentials that open `account`'s world of the sandbox."""
        return {setting: credential(value, account) for setting, value in self.credentials.items()}

    def account_settings(self, account: str = DEFAULT_ACCOUNT) -> dict[str, str]:
        """`account`'s credentials and, for another account than the default one, its `tenant`:
        the account's name (the tap's default tenant is the default account's)."""
        credentials = self.account_credentials(account)
        return credentials if account == DEFAULT_ACCOUNT else {**credentials, TENANT: account}

    def truth(
        self, sandbox: Sandbox, stream: str, account: str = DEFAULT_ACCOUNT
    ) -> list[dict[str, Any]]:
        """The rows `stream` of `account` must hold in the warehouse, each with its tenant."""
        return [
            {**record, TENANT: account}
            for record in sandbox.control.truth(self.vendor, stream, account)
        ]

    def tenant_key(self, stream: str) -> tuple[str, ...]:
        """The stream's key in the warehouse: the tenant, then the vendor's key."""
        key = self.keys[stream]
        return (TENANT, *((key,) if isinstance(key, str) else key))

    def sandbox_settings(self, sandbox: Sandbox) -> dict[str, Any]:
        """What only the running sandbox knows: its URLs and the settings of its world's day."""
        urls = {setting: f"{sandbox.url}{path}" for setting, path in self.urls.items()}
        return {**urls, **self.world_settings(sandbox.control)}

    def config(
        self, sandbox: Sandbox, account: str = DEFAULT_ACCOUNT, **overrides: Any
    ) -> dict[str, Any]:
        return {
            **self.account_settings(account),
            **self.settings,
            **self.sandbox_settings(sandbox),
            **overrides,
        }

    def env(self, sandbox: Sandbox, account: str = DEFAULT_ACCOUNT) -> dict[str, str]:
        """`sandbox_settings` as Meltano reads them from the environment (and, for another
        account than the default one, that account's credentials: meltano.yml's `sandbox`
        environment holds the default one's)."""
        settings = self.sandbox_settings(sandbox)
        if account != DEFAULT_ACCOUNT:
            settings |= self.account_settings(account)
        plugin = self.plugin(account)
        return {env_var(plugin, setting): str(value) for setting, value in settings.items()}

    def target_config(self, tmp_path: Path) -> dict[str, Any]:
        return target_config(tmp_path, self.vendor)

    def run_pipeline(
        self,
        workdir: Path,
        config: dict[str, Any],
        warehouse_dir: Path,
        state: dict[str, Any] | None = None,
    ) -> PipelineRun:
        """The tap with `config` piped into the loader, into `warehouse_dir`/warehouse.duckdb."""
        return run_pipeline(workdir, self.name, config, self.target_config(warehouse_dir), state)

    def start_pipeline(
        self, workdir: Path, config: dict[str, Any], target_config: dict[str, Any]
    ) -> tuple[subprocess.Popen, subprocess.Popen]:
        """The tap piped into the loader, both left running (for tests that kill one mid-run);
        their logs discarded, the loader's STATE lines on its stdout pipe."""
        return start_pipeline(workdir, self.name, config, target_config)

    def run_tap(
        self,
        tmp_path: Path,
        config: dict[str, Any],
        *args: str,
        state: dict[str, Any] | None = None,
        timeout: float = 300,
    ) -> subprocess.CompletedProcess:
        return run_tap(tmp_path, self.name, config, *args, state=state, timeout=timeout)

    def read(
        self, tmp_path: Path, config: dict[str, Any], state: dict[str, Any] | None = None, **options
    ) -> TapOutput:
        """The tap on its own (`options`: run_tap's timeout), its Singer output parsed."""
        return read_singer(self.run_tap(tmp_path, config, state=state, **options))

    def error_line(self, exit_code: int, log: str) -> str:
        """A run that failed: exit code 1, exactly one line saying why, no traceback."""
        errors = [line for line in log.splitlines() if line.startswith(f"{self.name}: error:")]
        assert exit_code == 1 and len(errors) == 1, log[-2000:]
        assert "Traceback" not in log, log[-2000:]
        return errors[0]

    def assert_warehouse_equals_truth(
        self, sandbox: Sandbox, database: Path, accounts: tuple[str, ...] = (DEFAULT_ACCOUNT,)
    ) -> None:
        """Every table of the vendor's schema in `database` equals the union of the `accounts`'
        truths, row by row, each row under its tenant."""
        with duckdb.connect(str(database), read_only=True) as connection:
            diffs = [
                compare_table(
                    connection,
                    self.vendor,
                    stream,
                    [row for account in accounts for row in self.truth(sandbox, stream, account)],
                    vendor=self.vendor,
                    key=self.tenant_key(stream),
                )
                for stream in self.keys
            ]
        assert all(diff.equal for diff in diffs), "\n".join(diff.summary() for diff in diffs)

    def requests_served(self, sandbox: Sandbox, account: str = DEFAULT_ACCOUNT) -> dict[str, int]:
        """Requests the sandbox served this vendor's `account` since its last reset: endpoint ->
        count."""
        return sandbox.control.stats().get(slot_name(self.vendor, account), {})

    def requests_total(self, sandbox: Sandbox, account: str = DEFAULT_ACCOUNT) -> int:
        return sum(self.requests_served(sandbox, account).values())


ZUORA = Tap(
    "tap-zuora-quickstart",
    "zuora",
    {"api_url": "/zuora"},
    _credentials(zuora, "client_id", "client_secret"),
    {
        "start_date": "2020-01-01T00:00:00Z",
    },
)

# Zoho's tests scale time down: the sandbox allows this many requests a minute (fast_zoho) and the
# tap keeps under it.
ZOHO_FAST_RATE = 60000
ZOHO = Tap(
    "tap-zoho-partner",
    "zoho",
    {"api_url": "/zoho/api/v1/partner", "accounts_url": "/zoho/accounts"},
    _credentials(zoho, "client_id", "client_secret", "refresh_token"),
    {
        "start_date": "2018-06-01",
        "requests_per_minute": ZOHO_FAST_RATE * 0.9,
    },
)


def fast_zoho(sandbox: S, **settings: Any) -> S:
    for account in sandbox.control.accounts():
        sandbox.control.configure("zoho", account, rate_limit_per_minute=ZOHO_FAST_RATE, **settings)
    return sandbox


ZOOM = Tap(
    "tap-zoom-commerce",
    "zoom",
    {"api_url": "/zoom/v2", "oauth_url": "/zoom/oauth/token"},
    _credentials(zoom, "client_id", "client_secret", "account_id"),
    {
        "start_date": "2020-01-01",
        "catalog_currencies": ["USD", "EUR", "GBP"],
        # The sandbox allows Business+ rates (80 and 60 a second); tests run at them.
        "light_requests_per_second": 75,
        "medium_requests_per_second": 55,
    },
)


def _adobe_price_list_start(control: SandboxControl) -> dict[str, Any]:
    """Adobe's price lists from the first month the sandbox's world published."""
    first_day = dt.date.fromisoformat(control.now()[:10]) - dt.timedelta(days=HISTORY_DAYS)
    return {"price_list_start_month": first_day.strftime("%Y%m")}


ADOBE = Tap(
    "tap-adobe-vipmp",
    "adobe",
    {"api_url": "/adobe", "ims_url": "/adobe"},
    _credentials(adobe, "client_id", "client_secret"),
    {
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
        "flex_discount_markets": [
            {"market_segment": segment, "country": country} for segment, country in FLEX_COUNTRIES
        ],
    },
    _adobe_price_list_start,
)

TAPS = (ZUORA, ZOHO, ZOOM, ADOBE)


def sandbox_env(sandbox: Sandbox) -> dict[str, str]:
    """Every tap's settings for `sandbox`, as Meltano reads them from the environment."""
    return {name: value for tap in TAPS for name, value in tap.env(sandbox).items()}
