"""End to end: tap-zoom-commerce | target-commerce-duckdb against the sandbox over HTTP, into a real
DuckDB file, compared with the sandbox's truth row by row, as the world moves (invoices issued and
paid weeks later, amendments, cancellations with credit memos, quotes and deal registrations
changing status), under faults, and across the rate limits."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from pipeline import run_pipeline
from zoom import assert_warehouse_equals_truth, requests_served, tap_config, target_config

from commerce_sandbox import SandboxServer


def test_backfill_then_nightly_runs_equal_truth_including_old_invoices_paid_late(tmp_path):
    with SandboxServer(seed=21, scale=60) as sandbox:
        config = tap_config(sandbox)
        run = run_pipeline(
            tmp_path / "backfill", "tap-zoom-commerce", config, target_config(tmp_path)
        ).check()
        assert_warehouse_equals_truth(sandbox, tmp_path / "warehouse.duckdb")
        backfill = sum(requests_served(sandbox).values())
        # Eight detail requests in flight, paced just under Business+ limits: not one 429.
        assert backfill > 500 and '"http_status_code":429' not in run.tap_log
        unpaid_before = {
            row["document_number"]: row["document_date"]
            for row in sandbox.control.truth("zoom", "billing_documents")
            if row["payment_status"] == "Unpaid"
        }
        for days in (1, 3, 10):
            sandbox.control.advance(days=days)
            sandbox.control.reset_stats()
            run = run_pipeline(
                tmp_path / f"after-{days}",
                "tap-zoom-commerce",
                config,
                target_config(tmp_path),
                state=run.state,
            ).check()
            assert_warehouse_equals_truth(sandbox, tmp_path / "warehouse.duckdb")
            assert sum(requests_served(sandbox).values()) < backfill / 3, requests_served(sandbox)
        now = dt.date.fromisoformat(sandbox.control.now()[:10])
        paid_late = [
            number
            for number, date in unpaid_before.items()
            if (now - dt.date.fromisoformat(date)).days > 7 + 14
            and number
            in {
                row["document_number"]
                for row in sandbox.control.truth("zoom", "billing_documents")
                if row["payment_status"] == "Paid"
            }
        ]
        # Invoices older than the look-back changed to paid, and the warehouse has them paid.
        assert paid_late, "the world paid no old invoice: the check above proved nothing about them"


def test_user_oauth_rotates_the_refresh_token_through_the_token_file(tmp_path):
    with SandboxServer(seed=2, scale=10) as sandbox:
        token_file = tmp_path / "secrets" / "zoom-token.json"
        config = tap_config(
            sandbox,
            account_id=None,
            refresh_token="sandbox-zoom-refresh-0",
            token_file=str(token_file),
        )
        config = {key: value for key, value in config.items() if value is not None}
        first = run_pipeline(
            tmp_path / "one", "tap-zoom-commerce", config, target_config(tmp_path)
        ).check()
        assert token_file.stat().st_mode & 0o777 == 0o600
        rotated = token_file.read_text()
        sandbox.control.inject(
            "zoom", [{"kind": "expire_token", "path": "/invoices/"}]
        )  # a 401 mid-run
        sandbox.control.advance(days=2)
        run_pipeline(
            tmp_path / "two",
            "tap-zoom-commerce",
            config,
            target_config(tmp_path),
            state=first.state,
        ).check()
        assert (
            token_file.read_text() != rotated
        )  # the config's first token is long used up: the file's worked
        assert_warehouse_equals_truth(sandbox, tmp_path / "warehouse.duckdb")


@pytest.mark.parametrize(
    "faults",
    [
        [{"kind": "429", "count": 3, "seconds": 1, "path": "/billing_documents"}],
        [
            {
                "kind": "429",
                "count": 3,
                "seconds": 1,
                "retry_after": "date",
                "path": "/subscriptions",
            }
        ],
        [{"kind": "503", "count": 2}, {"kind": "500", "count": 1, "path": "/invoices/"}],
        [{"kind": "truncate", "count": 2, "path": "/orders"}],
    ],
    ids=["429-retry-after-seconds", "429-retry-after-instant", "5xx", "cut-body"],
)
def test_faults_mid_run_still_end_equal_to_truth(faults, tmp_path):
    with SandboxServer(seed=4, scale=20) as sandbox:
        sandbox.control.inject("zoom", faults)
        run_pipeline(
            tmp_path / "run", "tap-zoom-commerce", tap_config(sandbox), target_config(tmp_path)
        ).check()
        assert_warehouse_equals_truth(sandbox, tmp_path / "warehouse.duckdb")


@pytest.mark.parametrize(
    ("fault", "shown"),
    [
        (
            {"kind": "404", "path": "/commerce/quotes"},
            "HTTP 404: [5009] No records found.",
        ),  # a list, not a detail
        (
            {"kind": "400", "code": 5302, "path": "/commerce/invoices/"},
            "HTTP 400: [5302] Invalid request.",
        ),
    ],
)
def test_a_4xx_fails_the_run_with_zooms_code_message_and_tracking_id(fault, shown, tmp_path):
    with SandboxServer(seed=4, scale=10) as sandbox:
        sandbox.control.inject("zoom", [fault])
        run = run_pipeline(
            tmp_path / "run", "tap-zoom-commerce", tap_config(sandbox), target_config(tmp_path)
        )
        errors = [
            line
            for line in run.tap_log.splitlines()
            if line.startswith("tap-zoom-commerce: error:")
        ]
        assert run.tap_exit == 1 and len(errors) == 1, run.tap_log[-2000:]
        assert shown in errors[0] and "x-zm-trackingid" in errors[0]


def test_a_detail_gone_since_it_was_listed_is_skipped_not_an_error(tmp_path):
    with SandboxServer(seed=4, scale=10) as sandbox:
        sandbox.control.inject("zoom", [{"kind": "404", "path": "/commerce/invoices/"}])
        run_pipeline(
            tmp_path / "run", "tap-zoom-commerce", tap_config(sandbox), target_config(tmp_path)
        ).check()
        with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as connection:
            (stored,) = connection.execute("SELECT count(*) FROM zoom.invoices").fetchone()
        assert stored == len(sandbox.control.truth("zoom", "invoices")) - 1


def test_an_expired_page_token_restarts_its_window_not_the_run(tmp_path):
    with SandboxServer(seed=6, scale=40) as sandbox:
        sandbox.control.configure("zoom", expire_page_tokens=2)
        run = run_pipeline(
            tmp_path / "run", "tap-zoom-commerce", tap_config(sandbox), target_config(tmp_path)
        ).check()
        assert "a next_page_token expired" in run.tap_log
        assert_warehouse_equals_truth(sandbox, tmp_path / "warehouse.duckdb")


def test_the_daily_limit_ends_the_run_cleanly_and_the_next_run_completes(tmp_path):
    with SandboxServer(seed=6, scale=20) as sandbox:
        sandbox.control.configure("zoom", daily_limit=40)
        run = run_pipeline(
            tmp_path / "capped", "tap-zoom-commerce", tap_config(sandbox), target_config(tmp_path)
        )
        assert run.tap_exit == 0 and run.target_exit == 0
        assert "daily request limit" in run.tap_log and "Run again after" in run.tap_log
        assert run.state and run.state.get("bookmarks"), (
            "the streams finished before the limit kept their state"
        )
        served = sum(requests_served(sandbox).values())
        # It stopped at the limit instead of retrying into it: past the 40, only the detail
        # requests already in flight (max_concurrency, 8) and the token.
        assert served <= 40 + 8 + 1, served
        sandbox.control.configure("zoom", daily_limit=10**9)  # the next day
        run_pipeline(
            tmp_path / "next-day",
            "tap-zoom-commerce",
            tap_config(sandbox),
            target_config(tmp_path),
            state=run.state,
        ).check()
        assert_warehouse_equals_truth(sandbox, tmp_path / "warehouse.duckdb")
