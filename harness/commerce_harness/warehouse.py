"""A warehouse of all four vendors, loaded the way the nightly job loads it (each tap piped into
the loader against one sandbox, into one DuckDB file, run again from its state), and dbt run on
it the way the job runs it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from pipeline import BIN, TAPS, fast_zoho

from commerce_sandbox import SandboxServer


def load_all(
    sandbox: SandboxServer, warehouse_dir: Path, states: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Run every tap into `warehouse_dir`/warehouse.duckdb, incrementally from `states` (each
    vendor's last state) when given; answer the new states."""
    fast_zoho(sandbox)
    run = "incremental" if states else "backfill"
    return {
        tap.vendor: tap.run_pipeline(
            warehouse_dir / f"{tap.vendor}-{run}",
            tap.config(sandbox),
            warehouse_dir,
            state=(states or {}).get(tap.vendor),
        )
        .check()
        .state
        for tap in TAPS
    }


ROOT = Path(__file__).resolve().parents[1]
TRANSFORM = ROOT / "transform"


def run_dbt(
    warehouse: Path, workdir: Path, as_of: str, *args: str, project: Path = TRANSFORM
) -> subprocess.CompletedProcess:
    """`dbt <args>` on `warehouse` with the project's profile, its target and logs in `workdir`;
    the marts as of the day `as_of` (the sandbox's simulated day)."""
    env = {
        **os.environ,
        "COMMERCE_WAREHOUSE": str(warehouse),
        "COMMERCE_AS_OF_DATE": as_of,
        "DBT_TARGET_PATH": str(workdir / "target"),
        "DBT_LOG_PATH": str(workdir / "logs"),
    }
    return subprocess.run(
        [
            str(BIN / "dbt"),
            *args,
            "--project-dir",
            str(project),
            "--profiles-dir",
            str(TRANSFORM / "profiles"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def failed_nodes(workdir: Path) -> set[str]:
    """Names of the nodes (models, tests) the last dbt command in `workdir` did not pass."""
    results = json.loads((workdir / "target" / "run_results.json").read_text())["results"]
    return {
        result["unique_id"].split(".")[2]
        for result in results
        if result["status"] not in ("success", "pass")
    }
