"""tap-adobe-vipmp's configuration: mistakes and refused credentials end in one line naming the
setting, exit code 2, no traceback, no secret."""

from __future__ import annotations

import pytest

from commerce_harness.pipeline import SECRET, assert_one_line_config_error
from commerce_harness.taps import ADOBE

BASE = {"client_id": "id", "client_secret": SECRET}


@pytest.mark.parametrize(
    ("change", "setting"),
    [
        ({"client_secret": None}, "client_secret"),
        (
            {
                "price_list_partitions": [
                    {"region": "XX", "market_segment": "COM", "currency": "USD"}
                ]
            },
            "price_list_partitions.0.region",
        ),
        ({"price_list_start_month": "2025-13"}, "price_list_start_month"),
        ({"start_date": "2999-01-01"}, "start_date"),
    ],
)
def test_bad_config_is_one_line_naming_the_setting(tmp_path, change, setting):
    config = {key: value for key, value in {**BASE, **change}.items() if value is not None}
    assert_one_line_config_error(ADOBE.run_tap(tmp_path, config), setting)


def test_a_refused_secret_is_one_line_naming_client_secret(sandboxes, tmp_path):
    sandbox = sandboxes(seed=1, scale=3)
    result = ADOBE.run_tap(tmp_path, ADOBE.config(sandbox, client_secret=SECRET))
    assert_one_line_config_error(result, "client_secret")
