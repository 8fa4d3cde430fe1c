"""End to end: tap-zuora-quickstart | target-commerce-duckdb against the sandbox over HTTP, into a
real DuckDB file, compared with the sandbox's truth row by row."""

from __future__ import annotations

import datetime as dt
import json
import math
import signal
import time

import duckdb
import pytest

from commerce_harness.taps import ZUORA

# Every request the tap sends and every answer the sandbox gives, judged by the vendor's spec.
pytestmark = pytest.mark.judged_by_specs


@pytest.fixture
def sandbox(sandboxes):
    return sandboxes(seed=7, scale=40)


def test_backfill_then_incremental_runs_equal_truth(sandbox, tmp_path):
    database = tmp_path / "warehouse.duckdb"
    first = ZUORA.run_pipeline(tmp_path / "run1", ZUORA.config(sandbox), tmp_path).check()
    ZUORA.assert_warehouse_equals_truth(sandbox, database)
    backfill_requests = ZUORA.requests_total(sandbox)

    deleted = 0
    for day in range(3):
        changes = sandbox.control.advance(days=1)["zuora"]
        deleted += changes["invoices"]["deleted"]
        sandbox.control.reset_stats()
        run = ZUORA.run_pipeline(
            tmp_path / f"run{day + 2}", ZUORA.config(sandbox), tmp_path, state=first.state
        ).check()
        ZUORA.assert_warehouse_equals_truth(sandbox, database)
        touched = sum(count for per_stream in changes.values() for count in per_stream.values())
        incremental_requests = ZUORA.requests_total(sandbox)
        # One token, a page or two per stream, draft re-checks: a function of the changes only.
        assert incremental_requests <= 1 + 2 * len(ZUORA.keys) + 2 * math.ceil(touched / 99) + 5, (
            incremental_requests,
            changes,
        )
        assert incremental_requests < backfill_requests
        first = run
    assert deleted, "the sandbox deleted no draft invoice: the delete path went untested"


def test_rerun_without_changes_costs_the_same_at_any_table_size(sandboxes, tmp_path):
    costs = {}
    for scale in (10, 200):
        sandbox = sandboxes(seed=3, scale=scale)
        first = ZUORA.run_pipeline(
            tmp_path / f"s{scale}a", ZUORA.config(sandbox), tmp_path / f"s{scale}"
        ).check()
        sandbox.control.reset_stats()
        ZUORA.run_pipeline(
            tmp_path / f"s{scale}b",
            ZUORA.config(sandbox),
            tmp_path / f"s{scale}",
            state=first.state,
        ).check()
        costs[scale] = ZUORA.requests_total(sandbox)
    assert costs[200] == costs[10], costs
    assert costs[200] <= 1 + len(ZUORA.keys) + 2, costs


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
    # The next night, from the warm run's state as in production: only the state tells the tap
    # which drafts it holds, so a run without it cannot see a draft deleted since (whether the
    # world deletes one in these two days depends on its start day).
    warm = ZUORA.run_pipeline(tmp_path / "warm", ZUORA.config(sandbox), tmp_path).check()
    sandbox.control.advance(days=2)
    sandbox.control.inject("zuora", [{**fault, "path": "/v2/invoices"}])
    run = ZUORA.run_pipeline(
        tmp_path / "faulty", ZUORA.config(sandbox, request_timeout=2), tmp_path, state=warm.state
    ).check()
    ZUORA.assert_warehouse_equals_truth(sandbox, tmp_path / "warehouse.duckdb")
    assert "sandbox-zuora-secret" not in run.tap_log + run.target_log


def test_loader_killed_mid_run_then_rerun_from_its_state_equals_truth(sandboxes, tmp_path):
    """kill -9 the loader while it loads; Meltano keeps the last STATE the loader emitted; the
    rerun from that state must end with the warehouse equal to the truth, nothing lost or
    doubled."""
    sandbox = sandboxes(seed=11, scale=150)
    sandbox.control.configure("zuora", latency_ms=5)
    database = tmp_path / "warehouse.duckdb"
    tap, target = ZUORA.start_pipeline(
        tmp_path,
        ZUORA.config(sandbox, page_size=25),
        {**ZUORA.target_config(tmp_path), "batch_size_rows": 200},
    )
    # Killed right after it committed its first batch (its first STATE): mid-run at any speed.
    first_state = target.stdout.readline()
    target.send_signal(signal.SIGKILL)
    output, _ = target.communicate()
    tap.wait(timeout=60)
    assert target.returncode == -signal.SIGKILL, "the load finished before the kill"
    states = [json.loads(line) for line in (first_state + output).decode().splitlines() if line]
    assert states, "the loader committed no batch before the kill"
    with duckdb.connect(str(database), read_only=True) as connection:
        (loaded,) = connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'zuora'"
        ).fetchone()
    assert loaded >= 0  # the file opens cleanly after the kill (DuckDB's WAL replays)

    ZUORA.run_pipeline(
        tmp_path / "rerun", ZUORA.config(sandbox), tmp_path, state=states[-1] if states else None
    ).check()
    ZUORA.assert_warehouse_equals_truth(sandbox, database)


def test_tap_killed_mid_sliced_run_then_rerun_loses_and_doubles_nothing(sandboxes, tmp_path):
    """kill -9 the tap while it reads time slices in parallel: the loader keeps what it got, the
    state it emitted has no bookmark past what the warehouse holds, and the rerun from that state
    ends equal to the truth."""
    sandbox = sandboxes(seed=12, scale=150)
    sandbox.control.configure("zuora", latency_ms=20)
    database = tmp_path / "warehouse.duckdb"
    tap, target = ZUORA.start_pipeline(
        tmp_path,
        ZUORA.config(sandbox, page_size=25, max_concurrency=4),
        {**ZUORA.target_config(tmp_path), "batch_size_rows": 200},
    )
    time.sleep(3)
    tap.send_signal(signal.SIGKILL)
    output, _ = target.communicate(timeout=120)
    assert tap.wait(timeout=60) == -signal.SIGKILL, "the tap finished before the kill"
    states = [json.loads(line) for line in output.decode().splitlines() if line]
    state = states[-1] if states else None
    with duckdb.connect(str(database), read_only=True) as connection:
        for stream, bookmark in ((state or {}).get("bookmarks") or {}).items():
            if value := bookmark.get("replication_key_value"):
                (held,) = connection.execute(
                    f'SELECT max(updated_time) FROM zuora."{stream}"'
                ).fetchone()
                bookmark_at = dt.datetime.fromisoformat(value)
                assert held is not None and held >= bookmark_at, (stream, value, held)

    ZUORA.run_pipeline(tmp_path / "rerun", ZUORA.config(sandbox), tmp_path, state=state).check()
    ZUORA.assert_warehouse_equals_truth(sandbox, database)


def test_payments_zuora_does_not_stamp_land_within_the_reread_runs(sandboxes, tmp_path):
    """Payments applied to invoice items change their remaining_balance without moving their
    updated_time (the sandbox's `unstamped_item_payments`): the incremental reads miss them, the
    full re-read every `unstamped_reread_runs` runs (here 3: runs 1, 4, ...) catches them up."""
    sandbox = sandboxes(seed=8, scale=60)
    sandbox.control.configure("zuora", unstamped_item_payments=True)
    config = ZUORA.config(sandbox, unstamped_reread_runs=3)
    database = tmp_path / "warehouse.duckdb"
    state = ZUORA.run_pipeline(tmp_path / "run1", config, tmp_path).check().state
    stale, item_pages = [], []
    for night in (2, 3, 4):
        sandbox.control.advance(days=1)
        sandbox.control.reset_stats()
        state = ZUORA.run_pipeline(tmp_path / f"run{night}", config, tmp_path, state=state)
        state = state.check().state
        item_pages.append(ZUORA.requests_served(sandbox).get("GET /v2/invoice_items", 0))
        truth = {
            row["id"]: row["remaining_balance"]
            for row in sandbox.control.truth("zuora", "invoice_items")
        }
        with duckdb.connect(str(database), read_only=True) as connection:
            held = dict(
                connection.execute(
                    "SELECT id, remaining_balance FROM zuora.invoice_items"
                ).fetchall()
            )
        stale.append(sum(held.get(item) != balance for item, balance in truth.items()))
    assert stale[0] and stale[1] >= stale[0] and stale[2] == 0, stale
    ZUORA.assert_warehouse_equals_truth(sandbox, database)
    # The full re-read's pages: every item again, 99 a page (a night without it reads a page).
    items = len(sandbox.control.truth("zuora", "invoice_items"))
    assert item_pages[2] >= math.ceil(items / 99) > item_pages[0], (item_pages, items)
