"""singer-sdk's standard tap tests, against the sandbox over HTTP."""

from __future__ import annotations

import atexit

from singer_sdk.testing import SuiteConfig, get_tap_test_class

from commerce_sandbox import SandboxServer
from tap_zuora_quickstart.tap import TapZuoraQuickstart

# The test class is built at import time, so the sandbox it reads from starts here too.
_sandbox = SandboxServer(seed=5, scale=15)
_sandbox.__enter__()
atexit.register(_sandbox.__exit__, None, None, None)

TestTapZuoraQuickstart = get_tap_test_class(
    tap_class=TapZuoraQuickstart,
    config={
        "base_url": f"{_sandbox.url}/zuora",
        "client_id": "sandbox-zuora-client",
        "client_secret": "sandbox-zuora-secret",
        "start_date": "2020-01-01T00:00:00Z",
    },
    suite_config=SuiteConfig(max_records_limit=50),
)
