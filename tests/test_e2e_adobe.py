"""End to end: tap-adobe-vipmp | target-commerce-duckdb against the sandbox over HTTP, into a real
DuckDB file, compared with the sandbox's truth row by row: a backfill, then a month later (a new
price list with changed, added and deleted offers, new customers, changed customer details,
renewals), and under faults."""

from __future__ import annotations

import pytest
from adobe import assert_warehouse_equals_truth, requests_served, tap_config, target_config
from pipeline import run_pipeline

from commerce_sandbox import SandboxServer


def test_backfill_then_a_month_later_equal_truth(tmp_path):
    with SandboxServer(seed=31, scale=60) as sandbox:
        config = tap_config(sandbox)
        run = run_pipeline(
            tmp_path / "backfill", "tap-adobe-vipmp", config, target_config(tmp_path)
        ).check()
        assert_warehouse_equals_truth(sandbox, tmp_path / "warehouse.duckdb")
        assert (
            "not published yet" in run.tap_log
        )  # each partition ran up to the unpublished month, cleanly
        known_before = {row["customerId"] for row in sandbox.control.truth("adobe", "customers")}
        changes = sandbox.control.advance(days=31)["adobe"]
        assert (
            changes["price_lists"]["created"]
            and changes["customers"]["created"]
            and changes["customers"]["changed"]
        )
        sandbox.control.reset_stats()
        # A day later by the wall clock (the refresh cadence's clock): new customers only.
        day_later = run_pipeline(
            tmp_path / "day-later",
            "tap-adobe-vipmp",
            config,
            target_config(tmp_path),
            state=run.state,
        ).check()
        new = {
            row["customerId"] for row in sandbox.control.truth("adobe", "customers")
        } - known_before
        details = {
            path.split("/")[-1]
            for path in requests_served(sandbox)
            if path.count("/") == 3 and path.startswith("GET /v3/customers/")
        }
        assert new and details == new, (new, details)
        # A month later by the wall clock too: every known customer's detail is read again.
        state = day_later.state
        state["bookmarks"]["customers"]["last_detail_refresh"] = "2000-01-01"
        sandbox.control.reset_stats()
        run_pipeline(
            tmp_path / "month-later",
            "tap-adobe-vipmp",
            config,
            target_config(tmp_path),
            state=state,
        ).check()
        assert_warehouse_equals_truth(sandbox, tmp_path / "warehouse.duckdb")
        served = requests_served(sandbox)
        # Price lists: the bookmark month again, the new month, and the unpublished one, per partition.
        assert served["POST /v3/pricelist"] <= 4 * (2 * 2 + 1), served


@pytest.mark.parametrize(
    "faults",
    [
        [{"kind": "429", "count": 3, "seconds": 1, "path": "/customers/"}],
        [
            {"kind": "500", "count": 2, "path": "/pricelist"},
            {"kind": "503", "count": 2, "path": "/orders"},
        ],
        [
            {"kind": "truncate", "count": 2, "path": "/subscriptions"},
            {"kind": "expire_token", "path": "/resellers"},
        ],
    ],
    ids=["429", "5xx", "cut-body-and-revoked-token"],
)
def test_faults_mid_run_still_end_equal_to_truth(faults, tmp_path):
    with SandboxServer(seed=32, scale=20) as sandbox:
        sandbox.control.inject("adobe", faults)
        run_pipeline(
            tmp_path / "run", "tap-adobe-vipmp", tap_config(sandbox), target_config(tmp_path)
        ).check()
        assert_warehouse_equals_truth(sandbox, tmp_path / "warehouse.duckdb")


def test_retries_carry_new_correlation_ids_so_a_stored_failure_is_not_replayed(tmp_path):
    """Adobe stores every answer, a 500 too, under its correlation id: a retry that reused the id
    would get the same 500 until its retries ran out."""
    with SandboxServer(seed=34, scale=20) as sandbox:
        sandbox.control.configure("adobe", internal_errors=3, internal_error_path="/orders")
        run = run_pipeline(
            tmp_path / "run", "tap-adobe-vipmp", tap_config(sandbox), target_config(tmp_path)
        ).check()
        assert run.tap_log.count('"http_status_code":500') == 3
        assert_warehouse_equals_truth(sandbox, tmp_path / "warehouse.duckdb")


def test_a_partition_outside_the_contract_fails_with_adobes_error_verbatim(tmp_path):
    with SandboxServer(seed=33, scale=5) as sandbox:
        config = tap_config(
            sandbox,
            price_list_partitions=[
                {
                    "region": "JP",
                    "market_segment": "COM",
                    "currency": "JPY",
                    "price_list_type": "STANDARD",
                }
            ],
        )
        run = run_pipeline(tmp_path / "run", "tap-adobe-vipmp", config, target_config(tmp_path))
        errors = [
            line for line in run.tap_log.splitlines() if line.startswith("tap-adobe-vipmp: error:")
        ]
        assert run.tap_exit == 1 and len(errors) == 1, run.tap_log[-2000:]
        assert '"code": "1161"' in errors[0] and '"additionalDetails": []' in errors[0]
