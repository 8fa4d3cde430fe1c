"""End to end: tap-zoho-partner | target-commerce-duckdb against the sandbox over HTTP, into a real
DuckDB file, compared with the sandbox's truth row by row: under each envelope form, as the world
moves (commission statuses change, transactions arrive and get invoiced, subscriptions end and
leave the listing), and under faults."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from commerce_harness.reconcile import compare_table
from commerce_harness.taps import ZOHO, fast_zoho


@pytest.mark.parametrize("envelope", ["has_more", "has_more_page", "array"])
def test_backfill_and_incremental_equal_truth_under_each_envelope(sandboxes, envelope, tmp_path):
    sandbox = sandboxes(seed=11, scale=60)
    fast_zoho(sandbox, envelope=envelope)
    # Small pages so every stream pages, and a bare array must stop on a short page.
    config = ZOHO.config(sandbox, page_size=25)
    run = ZOHO.run_pipeline(tmp_path / "backfill", config, tmp_path).check()
    ZOHO.assert_warehouse_equals_truth(sandbox, tmp_path / "warehouse.duckdb")
    assert "reading from 2019-01-01" in run.tap_log  # start_date 2018 is clamped, with a warning
    sandbox.control.advance(days=2)
    run = ZOHO.run_pipeline(tmp_path / "next", config, tmp_path, state=run.state).check()
    ZOHO.assert_warehouse_equals_truth(sandbox, tmp_path / "warehouse.duckdb")


# Days the clock moves before each incremental run: within them every Zoho world ends a
# subscription that leaves the listing (Zoho.guaranteed_changes), whatever its start day.
NIGHTS = (1, 1, 30)


def test_a_month_of_nightly_runs_catches_status_changes_invoices_and_ended_subscriptions(
    sandboxes, tmp_path
):
    sandbox = sandboxes(seed=5, scale=300)
    fast_zoho(sandbox)
    config = ZOHO.config(sandbox)
    run = ZOHO.run_pipeline(tmp_path / "backfill", config, tmp_path).check()
    ZOHO.assert_warehouse_equals_truth(sandbox, tmp_path / "warehouse.duckdb")
    backfill = ZOHO.requests_served(sandbox)
    changed = {stream: {"created": 0, "changed": 0, "deleted": 0} for stream in ZOHO.keys}
    for days in NIGHTS:
        for stream, counts in sandbox.control.advance(days=days)["zoho"].items():
            for what, count in counts.items():
                changed[stream][what] += count
        sandbox.control.reset_stats()
        run = ZOHO.run_pipeline(
            tmp_path / f"after-{days}", config, tmp_path, state=run.state
        ).check()
        ZOHO.assert_warehouse_equals_truth(sandbox, tmp_path / "warehouse.duckdb")
        served = ZOHO.requests_served(sandbox)
        # One token; one page per window of the date-filtered streams; commissions one request
        # per day of the look-back (30) plus the days since the bookmark; subscriptions in full.
        assert served["POST /accounts/oauth/v2/token"] == 1
        assert served["GET /api/v1/partner/commissions"] <= 30 + 40 + 32 + 3, served
        assert sum(served.values()) - served["GET /api/v1/partner/commissions"] <= 12, served
        assert sum(served.values()) < 2 * sum(backfill.values()) + 100
    # The checks above were not vacuous: statuses changed, rows were invoiced, subscriptions left.
    assert changed["commissions"]["changed"] > 0 and changed["transactions"]["changed"] > 0
    assert changed["subscriptions"]["deleted"] > 0, changed


@pytest.mark.parametrize(
    "faults",
    [
        [{"kind": "429", "count": 6, "path": "/transactions", "seconds": 1}],
        [{"kind": "429", "count": 3, "reset_header": False, "path": "/commissions"}],
        [{"kind": "200_error", "count": 2, "path": "/leads"}],
        [{"kind": "500", "count": 2}, {"kind": "503", "count": 1, "path": "/subscriptions"}],
        [{"kind": "expire_token", "count": 1, "path": "/commissions"}],
        [{"kind": "truncate", "count": 1, "path": "/transactions"}],
    ],
    ids=[
        "429-storm-retry-after",
        "429-no-header",
        "error-in-200",
        "5xx",
        "token-revoked",
        "cut-body",
    ],
)
def test_faults_mid_run_still_end_equal_to_truth(sandboxes, faults, tmp_path):
    sandbox = sandboxes(seed=3, scale=40)
    fast_zoho(sandbox, rate_window_seconds=1)
    sandbox.control.inject("zoho", faults)
    ZOHO.run_pipeline(tmp_path / "run", ZOHO.config(sandbox), tmp_path).check()
    ZOHO.assert_warehouse_equals_truth(sandbox, tmp_path / "warehouse.duckdb")


def test_a_status_change_older_than_the_look_back_lands_with_the_sweep(sandboxes, tmp_path):
    """Status changes inside the look-back land every night; older ones (with the default 30
    days, a commission settled two months after its date) land when `commission_sweep_runs`
    says to read the whole listing. Scaled down: a 3-day look-back, nights 20 days apart, a sweep
    every third run (the backfill's, then the fourth's)."""
    sandbox = sandboxes(seed=13, scale=120)
    fast_zoho(sandbox)
    config = ZOHO.config(sandbox, commission_sweep_runs=3, lookback_days=3)
    database = tmp_path / "warehouse.duckdb"
    run = ZOHO.run_pipeline(tmp_path / "backfill", config, tmp_path).check()
    ZOHO.assert_warehouse_equals_truth(sandbox, database)
    for night in (1, 2):
        sandbox.control.advance(days=20)
        run = ZOHO.run_pipeline(tmp_path / f"night-{night}", config, tmp_path, state=run.state)
        run.check()
    truth = {row["commission_id"]: row for row in sandbox.control.truth("zoho", "commissions")}
    with duckdb.connect(str(database), read_only=True) as connection:
        held = dict(
            connection.execute("SELECT commission_id, status FROM zoho.commissions").fetchall()
        )
    stale = {key for key, row in truth.items() if held.get(key) != row["status"]}
    first_reread = dt.date.fromisoformat(sandbox.control.now()[:10]) - dt.timedelta(days=20 + 3)
    assert stale, "no status changed past the look-back: the test proves nothing"
    assert all(truth[key]["date"][:10] < first_reread.isoformat() for key in stale)

    ZOHO.run_pipeline(tmp_path / "sweep", config, tmp_path, state=run.state).check()
    with duckdb.connect(str(database), read_only=True) as connection:
        diff = compare_table(
            connection,
            "zoho",
            "commissions",
            list(truth.values()),
            vendor="zoho",
            key="commission_id",
        )
    assert diff.equal, diff.summary()  # (leads arrive backdated: a 3-day look-back misses some)
