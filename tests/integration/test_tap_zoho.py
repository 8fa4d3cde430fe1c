"""tap-zoho-partner on its own against the sandbox: tokens (one refresh per run, the accounts
server's throttle), pacing under the rate limit, errors inside HTTP 200 bodies, and config
mistakes reported as one line."""

from __future__ import annotations

import pytest

from commerce_harness.pipeline import SECRET, assert_one_line_config_error
from commerce_harness.taps import ZOHO, fast_zoho

TOKEN = "POST /accounts/oauth/v2/token"


def record_count(result) -> int:
    return sum(1 for line in result.stdout.splitlines() if line.startswith('{"type":"RECORD"'))


@pytest.fixture
def sandbox(sandboxes):
    return fast_zoho(sandboxes(seed=4, scale=20))


def test_one_token_refresh_per_run_and_the_throttle_is_waited_out(sandbox, tmp_path):
    # The accounts server allows one token per 3 s here (Zoho: 10 per 10 minutes).
    sandbox.control.configure("zoho", tokens_per_window=1, token_window_seconds=3)
    first = ZOHO.run_tap(tmp_path, ZOHO.config(sandbox))
    assert first.returncode == 0, first.stderr[-3000:]
    assert ZOHO.requests_served(sandbox)[TOKEN] == 1  # every stream shares the run's one token
    second = ZOHO.run_tap(tmp_path, ZOHO.config(sandbox, token_throttle_wait_seconds=3))
    assert second.returncode == 0, second.stderr[-3000:]
    assert "throttles token refreshes" in second.stderr  # said clearly, then waited out
    assert ZOHO.requests_served(sandbox)[TOKEN] == 3  # refused once, then granted: no hammering


def test_a_throttle_that_does_not_clear_ends_the_run_with_one_line(sandbox, tmp_path):
    sandbox.control.configure("zoho", tokens_per_window=0, throttle_status=200)
    result = ZOHO.run_tap(tmp_path, ZOHO.config(sandbox, token_throttle_wait_seconds=1))
    assert "10 per 10 minutes" in ZOHO.error_line(result.returncode, result.stderr)
    assert ZOHO.requests_served(sandbox)[TOKEN] == 3  # the first ask and two after waiting


def test_pacing_keeps_a_backfill_under_the_rate_limit(sandbox, tmp_path):
    # 40 requests a second allowed; the tap asks for 35 a second: no 429 in the whole backfill.
    sandbox.control.configure("zoho", rate_limit_per_minute=40, rate_window_seconds=1)
    result = ZOHO.run_tap(tmp_path, ZOHO.config(sandbox, requests_per_minute=35 * 60, page_size=10))
    assert result.returncode == 0, result.stderr[-3000:]
    served = ZOHO.requests_total(sandbox)
    assert served > 60  # long enough to cross many windows
    assert 429 not in sandbox.control.statuses("zoho"), "the tap ran into the rate limit"


def test_an_error_inside_a_200_that_is_not_transient_fails_the_run(sandbox, tmp_path):
    sandbox.control.inject("zoho", [{"kind": "200_error", "code": 57, "path": "/leads"}])
    result = ZOHO.run_tap(tmp_path, ZOHO.config(sandbox))
    error = ZOHO.error_line(result.returncode, result.stderr)
    assert "code 57" in error and "HTTP 200" in error, error


BASE = {
    "data_center": "us",
    "client_id": "1000.CLIENT",
    "client_secret": SECRET,
    "refresh_token": SECRET + "r",
}


@pytest.mark.parametrize(
    ("change", "setting"),
    [
        ({"data_center": "mars"}, "data_center"),
        ({"data_center": None}, "data_center"),
        ({"refresh_token": None}, "refresh_token"),
        ({"client_secret": None}, "client_secret"),
        ({"page_size": 500}, "page_size"),
        ({"start_date": "last tuesday"}, "start_date"),
        ({"start_date": "2999-01-01"}, "start_date"),
    ],
)
def test_bad_config_is_one_line_naming_the_setting(tmp_path, change, setting):
    config = {key: value for key, value in {**BASE, **change}.items() if value is not None}
    assert_one_line_config_error(ZOHO.run_tap(tmp_path, config), setting)


@pytest.mark.parametrize(
    ("change", "setting"),
    [
        ({"client_secret": SECRET}, "client_secret"),
        ({"refresh_token": SECRET}, "refresh_token"),  # e.g. made in another data center
        ({"client_id": "1000.NOT-THIS-ONE"}, "client_id"),
    ],
)
def test_refused_credentials_are_one_line_naming_the_setting(sandbox, tmp_path, change, setting):
    config = ZOHO.config(sandbox, **change)
    assert_one_line_config_error(ZOHO.run_tap(tmp_path, config), setting)
    assert_one_line_config_error(ZOHO.run_tap(tmp_path, config, "--test"), setting)
