"""singer-sdk's standard tap tests, against the sandbox over HTTP."""

from __future__ import annotations

import atexit

from adobe import tap_config
from singer_sdk.testing import SuiteConfig, get_tap_test_class

from commerce_sandbox import SandboxServer
from tap_adobe_vipmp.tap import TapAdobeVipmp

# The test class is built at import time, so the sandbox it reads from starts here too.
_sandbox = SandboxServer(seed=5, scale=12)
_sandbox.__enter__()
atexit.register(_sandbox.__exit__, None, None, None)

TestTapAdobeVipmp = get_tap_test_class(
    tap_class=TapAdobeVipmp,
    config=tap_config(_sandbox),
    suite_config=SuiteConfig(max_records_limit=50),
)
