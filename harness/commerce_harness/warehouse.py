"""Warehouses as the demo and the tests read them back: rows per table, each table against the
sandbox's truth; a warehouse of all four vendors loaded the way the nightly job loads it (each tap
piped into the loader against one sandbox, into one DuckDB file, run again from its state), and
dbt run on it the way the job runs it."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self

import duckdb

from commerce_harness import ROOT
from commerce_harness.pipeline import BIN, LOADER
from commerce_harness.reconcile import compare_rows, warehouse_rows
from commerce_harness.taps import TAPS, Sandbox, fast_zoho
from commerce_sandbox import SandboxControl
from commerce_sandbox.accounts import DEFAULT_ACCOUNT
from commerce_sandbox.vendor import StreamKey
from commerce_taps_common.records.tenant import TENANT

TRANSFORM = ROOT / "transform"


class Warehouse:
    """What the demo reads from a warehouse (`with` opens its connection): rows per table, each
    table's rows, and the loader whose name is in the taps' state ids."""

    loader: str
    connection: Any

    def __enter__(self) -> Self:
        raise NotImplementedError

    def __exit__(self, *exc_info: object) -> None:
        self.connection.close()

    def count(self, schema: str, table: str) -> int:
        return self.connection.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchone()[0]

    def tenant_counts(self, schema: str, table: str) -> dict[str, int]:
        """Rows per tenant (per account)."""
        rows = self.connection.execute(
            f'SELECT {TENANT}, count(*) FROM "{schema}"."{table}" GROUP BY 1 ORDER BY 1'
        ).fetchall()
        return dict(rows)

    def rows(self, schema: str, table: str) -> tuple[list[str], list[dict]]:
        raise NotImplementedError


class DuckDBWarehouse(Warehouse):
    loader = LOADER

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> DuckDBWarehouse:
        self.connection = duckdb.connect(str(self.path), read_only=True)
        return self

    def rows(self, schema: str, table: str) -> tuple[list[str], list[dict]]:
        return warehouse_rows(self.connection, schema, table)


def check_truth(
    control: SandboxControl,
    warehouse: Warehouse,
    extra: tuple[tuple[str, str, StreamKey], ...] = (),
    accounts: Mapping[str, tuple[str, ...]] | None = None,
) -> bool:
    """Every table (of the taps, and `extra` (vendor, stream, key) ones) against the sandbox's
    truth, the union of the vendor's `accounts` (by default its default account alone), each row
    under its tenant; one line each; whether all are equal."""
    print("\n== warehouse versus sandbox truth")
    tables = [(tap.vendor, stream, key) for tap in TAPS for stream, key in tap.keys.items()]

    def truth(vendor: str, stream: str) -> list[dict[str, Any]]:
        return [
            {**record, TENANT: account}
            for account in (accounts or {}).get(vendor, (DEFAULT_ACCOUNT,))
            for record in control.truth(vendor, stream, account)
        ]

    with warehouse as opened:
        diffs = [
            compare_rows(
                vendor,
                stream,
                *opened.rows(vendor, stream),
                truth(vendor, stream),
                vendor=vendor,
                key=(TENANT, *((key,) if isinstance(key, str) else key)),
            )
            for vendor, stream, key in (*tables, *extra)
        ]
    for diff in diffs:
        print(f"   {diff.summary()}")
    return all(diff.equal for diff in diffs)


def load_all(
    sandbox: Sandbox, warehouse_dir: Path, states: dict[str, Any] | None = None
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
