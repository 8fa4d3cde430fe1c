"""A user's mistake ends in one line naming the setting, exit code 2, no traceback, no secret."""

from __future__ import annotations

import pytest

from commerce_harness.pipeline import SECRET, assert_one_line_config_error
from commerce_harness.taps import ZUORA

BASE = {"client_id": "sandbox-zuora-client", "client_secret": SECRET, "data_center": "us-test"}


@pytest.mark.parametrize(
    ("change", "setting"),
    [
        ({"client_secret": None}, "client_secret"),
        ({"client_id": None}, "client_id"),
        ({"data_center": "mars"}, "data_center"),
        ({"data_center": None}, "api_url"),
        ({"start_date": "2999-01-01T00:00:00Z"}, "start_date"),
        ({"start_date": "last tuesday"}, "start_date"),
        ({"page_size": 0}, "page_size"),
        ({"page_size": 500}, "page_size"),
    ],
)
def test_bad_config_is_one_line_naming_the_setting(tmp_path, change, setting):
    config = {key: value for key, value in {**BASE, **change}.items() if value is not None}
    assert_one_line_config_error(ZUORA.run_tap(tmp_path, config), setting)


def test_refused_secret_is_one_line_naming_client_secret(sandboxes, tmp_path):
    sandbox = sandboxes(seed=1, scale=5)
    config = {**BASE, "data_center": None, "api_url": f"{sandbox.url}/zuora"}
    del config["data_center"]
    assert_one_line_config_error(ZUORA.run_tap(tmp_path, config), "client_secret")
    assert_one_line_config_error(ZUORA.run_tap(tmp_path, config, "--test"), "client_secret")
