"""End to end: tap-zoom-commerce | target-commerce-duckdb against the sandbox over HTTP, into a real
DuckDB file, compared with the sandbox's truth row by row, as the world moves (invoices issued and
paid weeks later, amendments, cancellations with credit memos, quotes and deal registrations
changing status), under faults, and across the rate limits."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from commerce_harness.taps import ZOOM

# Every request the tap sends and every answer the sandbox gives, judged by the vendor's spec.
pytestmark = pytest.mark.judged_by_specs


def test_backfill_then_nightly_runs_equal_truth_including_old_invoices_paid_late(
    sandboxes, tmp_path
):
    sandbox = sandboxes(seed=21, scale=60)
    config = ZOOM.config(sandbox)
    run = ZOOM.run_pipeline(tmp_path / "backfill", config, tmp_path).check()
    ZOOM.assert_warehouse_equals_truth(sandbox, tmp_path / "warehouse.duckdb")
    # A price book charge is a line per currency: every currency of it is a row.
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as connection:
        (in_two_currencies,) = connection.execute(
            "SELECT count(*) FROM (SELECT price_list_charge_id FROM zoom.price_book"
            " GROUP BY 1 HAVING count(DISTINCT currency) > 1)"
        ).fetchone()
    assert in_two_currencies
    backfill = ZOOM.requests_total(sandbox)
    # Eight detail requests in flight, paced just under Business+ limits: not one 429.
    assert backfill > 500 and 429 not in sandbox.control.statuses("zoom")
    unpaid_before = {
        row["document_number"]: row["document_date"]
        for row in sandbox.control.truth("zoom", "billing_documents")
        if row["payment_status"] == "Unpaid"
    }
    for days in (1, 3, 10):
        sandbox.control.advance(days=days)
        sandbox.control.reset_stats()
        run = ZOOM.run_pipeline(
            tmp_path / f"after-{days}", config, tmp_path, state=run.state
        ).check()
        ZOOM.assert_warehouse_equals_truth(sandbox, tmp_path / "warehouse.duckdb")
        assert ZOOM.requests_total(sandbox) < backfill / 3, ZOOM.requests_served(sandbox)
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


def test_user_oauth_rotates_the_refresh_token_through_the_token_file(sandboxes, tmp_path):
    sandbox = sandboxes(seed=2, scale=10)
    token_file = tmp_path / "secrets" / "zoom-token.json"
    config = ZOOM.config(
        sandbox,
        account_id=None,
        refresh_token="sandbox-zoom-refresh-0",
        token_file=str(token_file),
    )
    config = {key: value for key, value in config.items() if value is not None}
    first = ZOOM.run_pipeline(tmp_path / "one", config, tmp_path).check()
    assert token_file.stat().st_mode & 0o777 == 0o600
    rotated = token_file.read_text()
    sandbox.control.inject(
        "zoom", [{"kind": "expire_token", "path": "/invoices/"}]
    )  # a 401 mid-run
    sandbox.control.advance(days=2)
    ZOOM.run_pipeline(tmp_path / "two", config, tmp_path, state=first.state).check()
    assert (
        token_file.read_text() != rotated
    )  # the config's first token is long used up: the file's worked
    ZOOM.assert_warehouse_equals_truth(sandbox, tmp_path / "warehouse.duckdb")


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
def test_faults_mid_run_still_end_equal_to_truth(sandboxes, faults, tmp_path):
    sandbox = sandboxes(seed=4, scale=20)
    sandbox.control.inject("zoom", faults)
    ZOOM.run_pipeline(tmp_path / "run", ZOOM.config(sandbox), tmp_path).check()
    ZOOM.assert_warehouse_equals_truth(sandbox, tmp_path / "warehouse.duckdb")


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
def test_a_4xx_fails_the_run_with_zooms_code_message_and_tracking_id(
    sandboxes, fault, shown, tmp_path
):
    sandbox = sandboxes(seed=4, scale=10)
    sandbox.control.inject("zoom", [fault])
    run = ZOOM.run_pipeline(tmp_path / "run", ZOOM.config(sandbox), tmp_path)
    error = ZOOM.error_line(run.tap_exit, run.tap_log)
    assert shown in error and "x-zm-trackingid" in error


def test_a_detail_gone_since_it_was_listed_is_skipped_not_an_error(sandboxes, tmp_path):
    sandbox = sandboxes(seed=4, scale=10)
    sandbox.control.inject("zoom", [{"kind": "404", "path": "/commerce/invoices/"}])
    ZOOM.run_pipeline(tmp_path / "run", ZOOM.config(sandbox), tmp_path).check()
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as connection:
        (stored,) = connection.execute("SELECT count(*) FROM zoom.invoices").fetchone()
    assert stored == len(sandbox.control.truth("zoom", "invoices")) - 1


def test_an_expired_page_token_restarts_its_window_not_the_run(sandboxes, tmp_path):
    sandbox = sandboxes(seed=6, scale=40)
    sandbox.control.configure("zoom", expire_page_tokens=2)
    run = ZOOM.run_pipeline(tmp_path / "run", ZOOM.config(sandbox), tmp_path).check()
    assert "a next_page_token expired" in run.tap_log
    ZOOM.assert_warehouse_equals_truth(sandbox, tmp_path / "warehouse.duckdb")


def test_the_daily_limit_ends_the_run_cleanly_and_the_next_run_completes(sandboxes, tmp_path):
    sandbox = sandboxes(seed=6, scale=20)
    sandbox.control.configure("zoom", daily_limit=40)
    run = ZOOM.run_pipeline(tmp_path / "capped", ZOOM.config(sandbox), tmp_path)
    assert run.tap_exit == 0 and run.target_exit == 0
    assert "daily request limit" in run.tap_log and "Run again after" in run.tap_log
    assert run.state and run.state.get("bookmarks"), (
        "the streams finished before the limit kept their state"
    )
    served = ZOOM.requests_total(sandbox)
    # It stopped at the limit instead of retrying into it: past the 40, only the detail
    # requests already in flight (max_concurrency, 8) and the token.
    assert served <= 40 + 8 + 1, served
    sandbox.control.configure("zoom", daily_limit=10**9)  # the next day
    ZOOM.run_pipeline(
        tmp_path / "next-day", ZOOM.config(sandbox), tmp_path, state=run.state
    ).check()
    ZOOM.assert_warehouse_equals_truth(sandbox, tmp_path / "warehouse.duckdb")
