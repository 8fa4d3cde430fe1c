"""singer-sdk's standard tap tests, against the sandbox over HTTP."""

from __future__ import annotations

import atexit

from singer_sdk.testing import SuiteConfig, get_tap_test_class
from zoho import fast_sandbox, tap_config

from commerce_sandbox import SandboxServer
from tap_zoho_partner.tap import TapZohoPartner

# The test class is built at import time, so the sandbox it reads from starts here too.
_sandbox = SandboxServer(seed=5, scale=15)
_sandbox.__enter__()
atexit.register(_sandbox.__exit__, None, None, None)
fast_sandbox(_sandbox, tokens_per_window=1000)

TestTapZohoPartner = get_tap_test_class(
    tap_class=TapZohoPartner,
    config=tap_config(_sandbox),
    suite_config=SuiteConfig(max_records_limit=50),
)
