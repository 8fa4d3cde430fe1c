"""The demo (`make demo`): the nightly Meltano job (every tap into one DuckDB warehouse) against the
local sandbox, twice, with a warehouse and a Meltano state of its own.

Everything the demo writes lives under `--output` (default `output/demo/`): the warehouse, Meltano's
system database (which holds the demo's bookmarks) and Meltano's run directory. It never opens the
project's `.meltano/` or the `prod` environment's warehouse, so it cannot change production data.

1. start `commerce-sandbox serve` on a free port (vendor limits as in production: Zoho's 100
   requests a minute, which tap-zoho-partner paces itself under);
2. `meltano run nightly` into output/demo/warehouse.duckdb (a backfill: state and warehouse start
   empty), showing each tap's progress lines and its summary table as they come;
3. advance the sandbox clock one day (new, changed and deleted records), run the job again (an
   incremental run from Meltano's state);
4. print rows per table, bookmarks and requests per run, and check every table against the
   sandbox's truth; stop the sandbox; regenerate the run-history page (output/demo/runs/index.html)
   from the taps' run summaries. Exit 0 only if the warehouse equals the truth.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from demo_marts import print_headlines

from commerce_sandbox import SandboxControl
from commerce_sandbox.reconcile import compare_rows, warehouse_rows
from commerce_sandbox.vendor import StreamKey
from commerce_sandbox.vendors import VENDORS
from commerce_sandbox.vendors.adobe.world import HISTORY_DAYS as ADOBE_HISTORY_DAYS
from commerce_taps_common.config.errors import env_var
from commerce_taps_common.reporting.run_history import write_page
from commerce_webhooks.process import receive_sandbox_days

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ENVIRONMENT = "sandbox"
LOADER = "target-commerce-duckdb"


@dataclass(frozen=True)
class DemoPlace:
    """Where one demo runs: the Meltano project it runs in and the directory it owns."""

    project: Path
    output: Path

    @property
    def warehouse(self) -> Path:
        return self.output / "warehouse.duckdb"

    @property
    def log(self) -> Path:
        return self.output / "meltano.log"

    @property
    def runs(self) -> Path:
        """The taps' run summaries and the run-history page drawn from them."""
        return self.output / "runs"

    @property
    def meltano_env(self) -> dict[str, str]:
        """Meltano's state, logs and run files, and the loader's database, inside `output`; the
        suite's console scripts (the plugins have no pip_url) on PATH."""
        return {
            "MELTANO_ENVIRONMENT": ENVIRONMENT,
            "MELTANO_PROJECT_ROOT": str(self.project),
            "MELTANO_DATABASE_URI": f"sqlite:///{self.output / 'meltano.db'}",
            "MELTANO_SYS_DIR_ROOT": str(self.output / ".meltano"),
            "TARGET_COMMERCE_DUCKDB_DATABASE": str(self.warehouse),
            **{env_var(tap.name, "run_summary_dir"): str(self.runs) for tap in TAPS},
            # dbt (the job's last task): this repository's project, on the demo's warehouse.
            "DBT_DUCKDB_PROJECT_DIR": str(ROOT / "transform"),
            "DBT_DUCKDB_PROFILES_DIR": str(ROOT / "transform" / "profiles"),
            "DBT_DUCKDB_WAREHOUSE": str(self.warehouse),
            "DBT_DUCKDB_TARGET_PATH": str(self.output / "dbt" / "target"),
            "DBT_DUCKDB_LOG_PATH": str(self.output / "dbt" / "logs"),
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        }

    def reset(self) -> None:
        """A demo starts from nothing (the sandbox's world starts again each time it starts):
        only the files of this demo's own directory are removed."""
        self.output.mkdir(parents=True, exist_ok=True)
        for name in ("warehouse.duckdb", "warehouse.duckdb.wal", "meltano.db"):
            (self.output / name).unlink(missing_ok=True)
        self.log.write_text("")


PLACE = DemoPlace(ROOT, ROOT / "output" / "demo")


@dataclass(frozen=True)
class DemoTap:
    name: str
    vendor: str  # the sandbox prefix, also the warehouse schema (the plugin's namespace)
    urls: dict[str, str]  # setting -> path under the sandbox URL

    @property
    def keys(self) -> dict[str, StreamKey]:
        """Stream -> primary key, as the sandbox vendor that owns the truth declares them."""
        return VENDORS[self.vendor].stream_keys

    @property
    def state_id(self) -> str:
        return self.state_id_with(LOADER)

    def state_id_with(self, loader: str) -> str:
        """Meltano names a task's state by its extractor and loader."""
        return f"{ENVIRONMENT}:{self.name}-to-{loader}"

    def env(self, url: str) -> dict[str, str]:
        prefix = self.name.upper().replace("-", "_")
        return {
            f"{prefix}_{setting.upper()}": f"{url}{path}" for setting, path in self.urls.items()
        }


TAPS = (
    DemoTap("tap-zuora-quickstart", "zuora", {"base_url": "/zuora"}),
    DemoTap(
        "tap-zoho-partner",
        "zoho",
        {"base_url": "/zoho/api/v1/partner", "accounts_url": "/zoho/accounts"},
    ),
    DemoTap("tap-zoom-commerce", "zoom", {"api_url": "/zoom/v2", "oauth_url": "/zoom/oauth/token"}),
    DemoTap("tap-adobe-vipmp", "adobe", {"api_url": "/adobe", "ims_url": "/adobe"}),
)
# The zoom-events job's table: every webhook the sandbox delivered, once.
WEBHOOK_EVENTS = (("zoom", "webhook_events", "event_id"),)


# A tap's progress and summary lines as Meltano logs them: `<time> [info     ] <tap> progress ...`.
FOLLOWED = re.compile(r"\] (tap-[a-z-]+) (progress|summary) (.*?)\s*$")


def meltano(*args: str, env: dict[str, str] | None = None, check: bool = True) -> str:
    """Meltano's log goes to the demo's log file; the taps' progress and summary lines are shown
    as they come."""
    with PLACE.log.open("a") as log, tempfile.TemporaryFile("w+") as stdout:
        log.write(f"\n$ meltano {' '.join(args)}\n")
        log.flush()
        process = subprocess.Popen(
            [str(BIN / "meltano"), *args],
            cwd=PLACE.project,
            env={**os.environ, **PLACE.meltano_env, **(env or {})},
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
        )
        for line in process.stderr:
            log.write(line)
            if followed := FOLLOWED.search(line):
                tap, kind, text = followed.groups()
                print(
                    f"   progress {tap} {text}" if kind == "progress" else f"   {text}", flush=True
                )
        result = subprocess.CompletedProcess(process.args, process.wait())
        stdout.seek(0)
        result.stdout = stdout.read()
        log.write(result.stdout)
    if check and result.returncode != 0:
        sys.exit(
            f"demo: `meltano {' '.join(args)}` failed (exit {result.returncode}); see {PLACE.log}"
        )
    return result.stdout


def start_sandbox(ready_file: Path) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [
            str(BIN / "commerce-sandbox"),
            "serve",
            "--port",
            "0",
            "--seed",
            "1",
            "--scale",
            "50",
            "--ready-file",
            str(ready_file),
        ],
        cwd=PLACE.output,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if ready_file.exists() and ready_file.read_text().strip():
            return process, ready_file.read_text().strip()
        if process.poll() is not None:
            sys.exit("demo: the sandbox exited before it was ready")
        time.sleep(0.1)
    process.terminate()
    sys.exit("demo: the sandbox did not start within 60 s")


class Warehouse:
    """What the demo reads from a warehouse (`with` opens its connection): rows per table, each
    table's rows, and the loader whose name is in the taps' state ids."""

    loader: str
    connection: Any

    def __exit__(self, *exc_info: object) -> None:
        self.connection.close()

    def count(self, schema: str, table: str) -> int:
        return self.connection.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchone()[0]


class DuckDBWarehouse(Warehouse):
    loader = LOADER

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> DuckDBWarehouse:
        self.connection = duckdb.connect(str(self.path), read_only=True)
        return self

    def rows(self, schema: str, table: str) -> tuple[list[str], list[dict]]:
        return warehouse_rows(self.connection, schema, table)


def report(
    title: str, control: SandboxControl, seconds: float, warehouse: Warehouse | None = None
) -> None:
    """Requests, rows per table and bookmarks per tap; `warehouse` by default the DuckDB file."""
    stats = control.stats()
    total = sum(sum(stats.get(tap.vendor, {}).values()) for tap in TAPS)
    print(f"\n== {title}: {total} requests in {seconds:.0f} s")
    with warehouse or DuckDBWarehouse(PLACE.warehouse) as opened:
        for tap in TAPS:
            print(f"   {tap.name}: {sum(stats.get(tap.vendor, {}).values())} requests")
            for stream in tap.keys:
                print(f"     {tap.vendor}.{stream:<14} {opened.count(tap.vendor, stream):>7} rows")
            state = json.loads(meltano("state", "get", tap.state_id_with(opened.loader)) or "{}")
            for stream, bookmark in sorted(
                state.get("singer_state", {}).get("bookmarks", {}).items()
            ):
                if bookmark.get("replication_key_value"):
                    print(f"     bookmark {stream:<14} {bookmark['replication_key_value']}")


def check_truth(
    control: SandboxControl,
    warehouse: Warehouse,
    extra: tuple[tuple[str, str, StreamKey], ...] = (),
) -> bool:
    """Every table (of the taps, and `extra` (vendor, stream, key) ones) against the sandbox's
    truth, one line each; whether all are equal."""
    print("\n== warehouse versus sandbox truth")
    tables = [(tap.vendor, stream, key) for tap in TAPS for stream, key in tap.keys.items()]
    with warehouse as opened:
        diffs = [
            compare_rows(
                vendor,
                stream,
                *opened.rows(vendor, stream),
                control.truth(vendor, stream),
                vendor=vendor,
                key=key,
            )
            for vendor, stream, key in (*tables, *extra)
        ]
    for diff in diffs:
        print(f"   {diff.summary()}")
    return all(diff.equal for diff in diffs)


def taps_env(control: SandboxControl, url: str) -> dict[str, str]:
    """The taps' settings for the sandbox at `url`, as Meltano reads them from the environment;
    Adobe's price lists from the first month the sandbox's world published."""
    env = {name: value for tap in TAPS for name, value in tap.env(url).items()}
    history_start = dt.date.fromisoformat(control.now()[:10]) - dt.timedelta(
        days=ADOBE_HISTORY_DAYS
    )
    env["TAP_ADOBE_VIPMP_PRICE_LIST_START_MONTH"] = history_start.strftime("%Y%m")
    return env


def place_from_arguments(description: str, output: Path) -> DemoPlace:
    """The demo's place from the command line: --output (default `output`), --project."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--output",
        type=Path,
        default=output,
        help="directory the demo owns: its warehouse, state and logs "
        f"(default {output.relative_to(ROOT)})",
    )
    parser.add_argument(
        "--project",
        type=Path,
        default=ROOT,
        help="the Meltano project to run (default this repository)",
    )
    arguments = parser.parse_args()
    return DemoPlace(arguments.project.resolve(), arguments.output.resolve())


def main() -> None:
    global PLACE
    PLACE = place_from_arguments(__doc__.splitlines()[0], PLACE.output)
    PLACE.reset()
    meltano("install")  # the plugins run from this venv: nothing to download

    with tempfile.TemporaryDirectory() as scratch:
        sandbox, url = start_sandbox(Path(scratch) / "sandbox-url")
        try:
            control = SandboxControl(url)
            env = taps_env(control, url)
            print(f"demo: sandbox at {url}, clock {control.now()}")

            started = time.monotonic()
            env["DBT_DUCKDB_AS_OF_DATE"] = control.now()[:10]  # the marts' day: the sandbox's
            meltano("run", "nightly", env=env)
            report("run 1 (backfill)", control, time.monotonic() - started)

            # Zoom's webhooks during the day, into commerce-webhooks' spool.
            spool = PLACE.output / "zoom-webhooks.db"
            receiver, changes = receive_sandbox_days(control, spool, "demo-webhook-secret")
            control.reset_stats()
            print(f"\ndemo: advanced the sandbox clock one day: {json.dumps(changes)}")
            try:
                # The 5-minute job first (as its schedule would have run during the day), so the
                # nightly's dbt build shows its statuses.
                meltano(
                    "run",
                    "zoom-events",
                    env={**env, "TAP_ZOOM_COMMERCE_EVENTS_WEBHOOK_SPOOL": str(spool)},
                )
                started = time.monotonic()
                env["DBT_DUCKDB_AS_OF_DATE"] = control.now()[:10]
                meltano("run", "nightly", env=env)
                report("run 2 (incremental)", control, time.monotonic() - started)
                print_headlines(PLACE.warehouse)
            finally:
                receiver.stop()
            delivered = len(control.truth("zoom", "webhook_events"))
            print(f"\n== zoom-events: {delivered} webhooks delivered and loaded from {spool.name}")

            equal = check_truth(control, DuckDBWarehouse(PLACE.warehouse), WEBHOOK_EVENTS)
        finally:
            sandbox.terminate()
            sandbox.wait(timeout=30)

    if not equal:
        sys.exit("demo: the warehouse differs from the sandbox truth")
    print(f"\ndemo: run history (both runs of every tap): {write_page(PLACE.runs)}")
    print(f"\ndemo: done; the warehouse is {PLACE.warehouse} (transform/README.md: Querying)")


if __name__ == "__main__":
    main()
