"""singer-sdk's standard tap tests, against the sandbox over HTTP."""

from __future__ import annotations

from pipeline import ADOBE, sandbox_until_exit
from singer_sdk.testing import SuiteConfig, get_tap_test_class

from tap_adobe_vipmp.tap import TapAdobeVipmp

# The test class is built at import time, so the sandbox it reads from starts here too.
_sandbox = sandbox_until_exit(seed=5, scale=12)

TestTapAdobeVipmp = get_tap_test_class(
    tap_class=TapAdobeVipmp,
    config=ADOBE.config(_sandbox),
    suite_config=SuiteConfig(max_records_limit=50),
)
