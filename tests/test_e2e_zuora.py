"""End to end: tap-zuora-quickstart | target-commerce-duckdb against the sandbox over HTTP, into a
real DuckDB file, compared with the sandbox's truth row by row."""

from __future__ import annotations

import json
import math
import signal
import subprocess
import time

import duckdb
import pytest
from pipeline import BIN, run_pipeline

from commerce_sandbox import SandboxServer
from commerce_sandbox.reconcile import compare_table

STREAMS = ("accounts", "subscriptions", "orders", "invoices", "invoice_items")
SCHEMA = "zuora"


def tap_config(sandbox: SandboxServer, **overrides):
    return {
        "base_url": f"{sandbox.url}/zuora",
        "client_id": "sandbox-zuora-client",
        "client_secret": "sandbox-zuora-secret",
        "start_date": "2020-01-01T00:00:00Z",
        **overrides,
    }


def target_config(tmp_path):
    return {
        "database": str(tmp_path / "warehouse.duckdb"),
        "default_target_schema": SCHEMA,
        "hard_delete": True,
    }


def assert_warehouse_equals_truth(sandbox: SandboxServer, database) -> None:
    with duckdb.connect(str(database), read_only=True) as connection:
        diffs = [
            compare_table(
                connection, SCHEMA, stream, sandbox.control.truth("zuora", stream), vendor="zuora"
            )
            for stream in STREAMS
        ]
    assert all(diff.equal for diff in diffs), "\n".join(diff.summary() for diff in diffs)


def requests_served(sandbox: SandboxServer) -> int:
    return sum(sandbox.control.stats().get("zuora", {}).values())


@pytest.fixture
def sandbox():
    with SandboxServer(seed=7, scale=40) as server:
        yield server


def test_backfill_then_incremental_runs_equal_truth(sandbox, tmp_path):
    database = tmp_path / "warehouse.duckdb"
    first = run_pipeline(
        tmp_path / "run1", "tap-zuora-quickstart", tap_config(sandbox), target_config(tmp_path)
    ).check()
    assert_warehouse_equals_truth(sandbox, database)
    backfill_requests = requests_served(sandbox)

    deleted = 0
    for day in range(3):
        changes = sandbox.control.advance(days=1)["zuora"]
        deleted += changes["invoices"]["deleted"]
        sandbox.control.reset_stats()
        run = run_pipeline(
            tmp_path / f"run{day + 2}",
            "tap-zuora-quickstart",
            tap_config(sandbox),
            target_config(tmp_path),
            state=first.state,
        ).check()
        assert_warehouse_equals_truth(sandbox, database)
        touched = sum(count for per_stream in changes.values() for count in per_stream.values())
        incremental_requests = requests_served(sandbox)
        # One token, a page or two per stream, draft re-checks: a function of the changes only.
        assert incremental_requests <= 1 + 2 * len(STREAMS) + 2 * math.ceil(touched / 99) + 5, (
            incremental_requests,
            changes,
        )
        assert incremental_requests < backfill_requests
        first = run
    assert deleted, "the sandbox deleted no draft invoice: the delete path went untested"


def test_rerun_without_changes_costs_the_same_at_any_table_size(tmp_path):
    costs = {}
    for scale in (10, 200):
        with SandboxServer(seed=3, scale=scale) as sandbox:
            first = run_pipeline(
                tmp_path / f"s{scale}a",
                "tap-zuora-quickstart",
                tap_config(sandbox),
                target_config(tmp_path / f"s{scale}"),
            ).check()
            sandbox.control.reset_stats()
            run_pipeline(
                tmp_path / f"s{scale}b",
                "tap-zuora-quickstart",
                tap_config(sandbox),
                target_config(tmp_path / f"s{scale}"),
                state=first.state,
            ).check()
            costs[scale] = requests_served(sandbox)
    assert costs[200] == costs[10], costs
    assert costs[200] <= 1 + len(STREAMS) + 2, costs


FAULTS = [
    pytest.param(
        {"kind": "429", "count": 3, "reset_header": True, "seconds": 2}, id="429-with-reset"
    ),
    pytest.param({"kind": "429", "count": 2, "reset_header": False}, id="429-without-reset"),
    pytest.param({"kind": "500", "count": 2}, id="500"),
    pytest.param({"kind": "502", "count": 2}, id="502"),
    pytest.param({"kind": "503", "count": 2}, id="503"),
    pytest.param({"kind": "stall", "count": 1, "seconds": 6}, id="stall"),
    pytest.param({"kind": "truncate", "count": 2}, id="truncated-body"),
    pytest.param({"kind": "expire_token", "count": 1}, id="token-expired-early"),
]


@pytest.mark.parametrize("fault", FAULTS)
def test_faults_mid_run_still_end_equal_to_truth(sandbox, tmp_path, fault):
    # The fault hits the invoices listing after its first page has been served.
    run_pipeline(
        tmp_path / "warm", "tap-zuora-quickstart", tap_config(sandbox), target_config(tmp_path)
    ).check()
    sandbox.control.advance(days=2)
    sandbox.control.inject("zuora", [{**fault, "path": "/v2/invoices"}])
    run = run_pipeline(
        tmp_path / "faulty",
        "tap-zuora-quickstart",
        tap_config(sandbox, request_timeout=2),
        target_config(tmp_path),
    ).check()
    assert_warehouse_equals_truth(sandbox, tmp_path / "warehouse.duckdb")
    assert "sandbox-zuora-secret" not in run.tap_log + run.target_log


def test_loader_killed_mid_run_then_rerun_from_its_state_equals_truth(tmp_path):
    """kill -9 the loader while it loads; Meltano keeps the last STATE the loader emitted; the
    rerun from that state must end with the warehouse equal to the truth, nothing lost or doubled."""
    with SandboxServer(seed=11, scale=150) as sandbox:
        sandbox.control.configure("zuora", latency_ms=5)
        database = tmp_path / "warehouse.duckdb"
        (tmp_path / "tap.json").write_text(json.dumps(tap_config(sandbox, page_size=25)))
        (tmp_path / "target.json").write_text(
            json.dumps({**target_config(tmp_path), "batch_size_rows": 200})
        )
        tap = subprocess.Popen(
            [str(BIN / "tap-zuora-quickstart"), "--config", str(tmp_path / "tap.json")],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        target = subprocess.Popen(
            [str(BIN / "target-commerce-duckdb"), "--config", str(tmp_path / "target.json")],
            stdin=tap.stdout,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        tap.stdout.close()
        time.sleep(4)
        target.send_signal(signal.SIGKILL)
        output, _ = target.communicate()
        tap.wait(timeout=60)
        assert target.returncode == -signal.SIGKILL, "the load finished before the kill"
        states = [json.loads(line) for line in output.decode().splitlines() if line]
        with duckdb.connect(str(database), read_only=True) as connection:
            (loaded,) = connection.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'zuora'"
            ).fetchone()
        assert loaded >= 0  # the file opens cleanly after the kill (DuckDB's WAL replays)

        run_pipeline(
            tmp_path / "rerun",
            "tap-zuora-quickstart",
            tap_config(sandbox),
            target_config(tmp_path),
            state=states[-1] if states else None,
        ).check()
        assert_warehouse_equals_truth(sandbox, database)
