"""The suite's harness: run a tap alone, or into the loader the way Meltano does (tap stdout piped
into target stdin), over HTTP against the sandbox, into a real DuckDB file; compare the warehouse
with the sandbox's truth; and, per vendor, the tap under test with its config against a sandbox."""

from __future__ import annotations

import atexit
import datetime as dt
import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import duckdb

from commerce_sandbox import SandboxServer
from commerce_sandbox.reconcile import compare_table
from commerce_sandbox.vendor import StreamKey
from commerce_sandbox.vendors import VENDORS, adobe, zoho, zoom, zuora
from commerce_sandbox.vendors.adobe.world import FLEX_COUNTRIES, HISTORY_DAYS, PARTITIONS

BIN = Path(sys.executable).parent


@dataclass
class PipelineRun:
    tap_exit: int
    target_exit: int
    state: dict[str, Any] | None  # the last STATE the loader emitted (what Meltano would save)
    tap_log: str
    target_log: str

    def check(self) -> PipelineRun:
        assert self.tap_exit == 0 and self.target_exit == 0, (
            f"tap exit {self.tap_exit}, target exit {self.target_exit}\n"
            f"--- tap log (tail)\n{self.tap_log[-4000:]}\n"
            f"--- target log (tail)\n{self.target_log[-4000:]}"
        )
        return self


class TapOutput(NamedTuple):
    """A tap's run on its own: the process, its records per stream, its last state."""

    result: subprocess.CompletedProcess
    records: dict[str, list[dict[str, Any]]]
    state: dict[str, Any] | None


def _write_json(path: Path, value: Any) -> str:
    path.write_text(json.dumps(value))
    return str(path)


def run_pipeline(
    workdir: Path,
    tap: str,
    tap_config: dict[str, Any],
    target_config: dict[str, Any],
    state: dict[str, Any] | None = None,
    timeout: float = 300,
) -> PipelineRun:
    workdir.mkdir(parents=True, exist_ok=True)
    tap_command = [str(BIN / tap), "--config", _write_json(workdir / "tap.json", tap_config)]
    if state:
        tap_command += ["--state", _write_json(workdir / "state.json", state)]
    target_command = [
        str(BIN / "target-commerce-duckdb"),
        "--config",
        _write_json(workdir / "target.json", target_config),
    ]
    tap_log, target_log = workdir / "tap.log", workdir / "target.log"
    with tap_log.open("w") as tap_err, target_log.open("w") as target_err:
        tap_process = subprocess.Popen(tap_command, stdout=subprocess.PIPE, stderr=tap_err)
        target_process = subprocess.Popen(
            target_command, stdin=tap_process.stdout, stdout=subprocess.PIPE, stderr=target_err
        )
        tap_process.stdout.close()  # the target owns the pipe now; a dead target stops the tap
        output, _ = target_process.communicate(timeout=timeout)
        tap_process.wait(timeout=timeout)
    # A Singer target writes each state it has committed as one JSON line.
    states = [json.loads(line) for line in output.decode().splitlines() if line.strip()]
    return PipelineRun(
        tap_exit=tap_process.returncode,
        target_exit=target_process.returncode,
        state=states[-1] if states else None,
        tap_log=tap_log.read_text(),
        target_log=target_log.read_text(),
    )


def target_config(tmp_path: Path, schema: str) -> dict[str, Any]:
    return {
        "database": str(tmp_path / "warehouse.duckdb"),
        "default_target_schema": schema,
        "hard_delete": True,
    }


def run_tap(
    tmp_path: Path, tap: str, config: dict[str, Any], *args: str, timeout: float = 300
) -> subprocess.CompletedProcess:
    """The tap's command line with `config`, output captured."""
    return subprocess.run(
        [str(BIN / tap), "--config", _write_json(tmp_path / "config.json", config), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# What the config tests put in a secret setting: it must never appear in any output.
SECRET = "s3cr3t-value-never-printed"


def assert_one_line_config_error(
    result: subprocess.CompletedProcess, setting: str, secret: str = SECRET
) -> None:
    """A user's mistake: one line naming the setting, exit code 2, no traceback, no secret."""
    errors = [line for line in result.stderr.splitlines() if "config error" in line]
    assert result.returncode == 2, result.stderr[-2000:]
    assert len(errors) == 1 and f"config error: {setting}:" in errors[0], result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert secret not in result.stderr + result.stdout


def sandbox_until_exit(seed: int, scale: int) -> SandboxServer:
    """A sandbox for a test class that singer-sdk builds at import time, before any fixture runs:
    it stops when the test process ends."""
    sandbox = SandboxServer(seed=seed, scale=scale)
    sandbox.__enter__()
    atexit.register(sandbox.__exit__, None, None, None)
    return sandbox


@dataclass(frozen=True)
class TapUnderTest:
    """One vendor's tap as the tests run it: its executable, the sandbox vendor it reads (also the
    warehouse schema), and the config that points it at a sandbox."""

    name: str
    vendor: str
    sandbox_settings: Callable[[SandboxServer], dict[str, Any]]

    @property
    def keys(self) -> dict[str, StreamKey]:
        """Stream -> primary key, as the sandbox vendor that owns the truth declares them."""
        return VENDORS[self.vendor].stream_keys

    def config(self, sandbox: SandboxServer, **overrides: Any) -> dict[str, Any]:
        return {**self.sandbox_settings(sandbox), **overrides}

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
        workdir.mkdir(parents=True, exist_ok=True)
        tap = subprocess.Popen(
            [str(BIN / self.name), "--config", _write_json(workdir / "tap.json", config)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        target = subprocess.Popen(
            [
                str(BIN / "target-commerce-duckdb"),
                "--config",
                _write_json(workdir / "target.json", target_config),
            ],
            stdin=tap.stdout,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        tap.stdout.close()  # the target owns the pipe now
        return tap, target

    def run_tap(
        self,
        tmp_path: Path,
        config: dict[str, Any],
        *args: str,
        state: dict[str, Any] | None = None,
        timeout: float = 300,
    ) -> subprocess.CompletedProcess:
        if state is not None:
            args = (*args, "--state", _write_json(tmp_path / "state.json", state))
        return run_tap(tmp_path, self.name, config, *args, timeout=timeout)

    def read(
        self,
        tmp_path: Path,
        config: dict[str, Any],
        state: dict[str, Any] | None = None,
        timeout: float = 300,
    ) -> TapOutput:
        """The tap on its own, its Singer output parsed."""
        result = self.run_tap(tmp_path, config, state=state, timeout=timeout)
        messages = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
        records: dict[str, list[dict[str, Any]]] = {}
        for message in messages:
            if message["type"] == "RECORD":
                records.setdefault(message["stream"], []).append(message["record"])
        states = [message["value"] for message in messages if message["type"] == "STATE"]
        return TapOutput(result, records, states[-1] if states else None)

    def error_line(self, exit_code: int, log: str) -> str:
        """A run that failed: exit code 1, exactly one line saying why, no traceback."""
        errors = [line for line in log.splitlines() if line.startswith(f"{self.name}: error:")]
        assert exit_code == 1 and len(errors) == 1, log[-2000:]
        assert "Traceback" not in log, log[-2000:]
        return errors[0]

    def assert_warehouse_equals_truth(self, sandbox: SandboxServer, database: Path) -> None:
        """Every table of the vendor's schema in `database` equals the sandbox's truth."""
        with duckdb.connect(str(database), read_only=True) as connection:
            diffs = [
                compare_table(
                    connection,
                    self.vendor,
                    stream,
                    sandbox.control.truth(self.vendor, stream),
                    vendor=self.vendor,
                    key=key,
                )
                for stream, key in self.keys.items()
            ]
        assert all(diff.equal for diff in diffs), "\n".join(diff.summary() for diff in diffs)

    def requests_served(self, sandbox: SandboxServer) -> dict[str, int]:
        """Requests the sandbox served this vendor since its last reset: endpoint -> count."""
        return sandbox.control.stats().get(self.vendor, {})

    def requests_total(self, sandbox: SandboxServer) -> int:
        return sum(self.requests_served(sandbox).values())


ZUORA = TapUnderTest(
    "tap-zuora-quickstart",
    "zuora",
    lambda sandbox: {
        "base_url": f"{sandbox.url}/zuora",
        "client_id": zuora.CLIENT_ID,
        "client_secret": zuora.CLIENT_SECRET,
        "start_date": "2020-01-01T00:00:00Z",
    },
)

# Zoho's tests scale time down: the sandbox allows this many requests a minute (fast_zoho) and the
# tap keeps under it.
ZOHO_FAST_RATE = 60000
ZOHO = TapUnderTest(
    "tap-zoho-partner",
    "zoho",
    lambda sandbox: {
        "base_url": f"{sandbox.url}/zoho/api/v1/partner",
        "accounts_url": f"{sandbox.url}/zoho/accounts",
        "client_id": zoho.CLIENT_ID,
        "client_secret": zoho.CLIENT_SECRET,
        "refresh_token": zoho.REFRESH_TOKEN,
        "start_date": "2018-06-01",
        "requests_per_minute": ZOHO_FAST_RATE * 0.9,
    },
)


def fast_zoho(sandbox: SandboxServer, **settings: Any) -> SandboxServer:
    sandbox.control.configure("zoho", rate_limit_per_minute=ZOHO_FAST_RATE, **settings)
    return sandbox


ZOOM = TapUnderTest(
    "tap-zoom-commerce",
    "zoom",
    lambda sandbox: {
        "api_url": f"{sandbox.url}/zoom/v2",
        "oauth_url": f"{sandbox.url}/zoom/oauth/token",
        "client_id": zoom.CLIENT_ID,
        "client_secret": zoom.CLIENT_SECRET,
        "account_id": zoom.ACCOUNT_ID,
        "start_date": "2020-01-01",
        "catalog_currencies": ["USD", "EUR", "GBP"],
        # The sandbox allows Business+ rates (80 and 60 a second); tests run at them.
        "light_requests_per_second": 75,
        "medium_requests_per_second": 55,
    },
)


def _adobe_settings(sandbox: SandboxServer) -> dict[str, Any]:
    history_start = dt.date.fromisoformat(sandbox.control.now()[:10]) - dt.timedelta(
        days=HISTORY_DAYS
    )
    return {
        "api_url": f"{sandbox.url}/adobe",
        "ims_url": f"{sandbox.url}/adobe",
        "client_id": adobe.CLIENT_ID,
        "client_secret": adobe.CLIENT_SECRET,
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
    }


ADOBE = TapUnderTest("tap-adobe-vipmp", "adobe", _adobe_settings)

TAPS = (ZUORA, ZOHO, ZOOM, ADOBE)
