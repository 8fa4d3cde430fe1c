"""tap-zoom-commerce's configuration: mistakes and refused credentials end in one line naming the
setting, exit code 2, no traceback, no secret."""

from __future__ import annotations

import pytest

from commerce_harness.pipeline import SECRET, assert_one_line_config_error
from commerce_harness.taps import ZOOM

BASE = {"client_id": "id", "client_secret": SECRET, "account_id": "acct"}


@pytest.mark.parametrize(
    ("change", "setting"),
    [
        ({"account_id": None}, "account_id"),  # neither flow
        ({"refresh_token": SECRET}, "account_id"),  # both flows
        ({"account_id": None, "refresh_token": SECRET}, "token_file"),
        ({"client_secret": None}, "client_secret"),
        ({"max_concurrency": 0}, "max_concurrency"),
        ({"start_date": "someday"}, "start_date"),
    ],
)
def test_bad_config_is_one_line_naming_the_setting(tmp_path, change, setting):
    config = {key: value for key, value in {**BASE, **change}.items() if value is not None}
    assert_one_line_config_error(ZOOM.run_tap(tmp_path, config), setting)


@pytest.mark.parametrize(
    ("change", "setting"),
    [
        ({"client_secret": SECRET}, "client_secret"),
        ({"account_id": SECRET}, "account_id"),
        (
            {"account_id": None, "refresh_token": SECRET, "token_file": "TOKEN_FILE"},
            "refresh_token",
        ),
    ],
)
def test_refused_credentials_are_one_line_naming_the_setting(sandboxes, tmp_path, change, setting):
    sandbox = sandboxes(seed=1, scale=3)
    change = {
        key: str(tmp_path / "token.json") if value == "TOKEN_FILE" else value
        for key, value in change.items()
    }
    config = {
        key: value for key, value in ZOOM.config(sandbox, **change).items() if value is not None
    }
    assert_one_line_config_error(ZOOM.run_tap(tmp_path, config), setting)
