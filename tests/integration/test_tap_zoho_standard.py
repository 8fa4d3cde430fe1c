"""singer-sdk's standard tap tests, against the sandbox over HTTP."""

from __future__ import annotations

from pipeline import ZOHO, fast_zoho, sandbox_until_exit
from singer_sdk.testing import SuiteConfig, get_tap_test_class

from tap_zoho_partner.tap import TapZohoPartner

# The test class is built at import time, so the sandbox it reads from starts here too.
_sandbox = fast_zoho(sandbox_until_exit(seed=5, scale=15), tokens_per_window=1000)

TestTapZohoPartner = get_tap_test_class(
    tap_class=TapZohoPartner,
    config=ZOHO.config(_sandbox),
    suite_config=SuiteConfig(max_records_limit=50),
)
