"""singer-sdk's standard tap tests, against the sandbox over HTTP."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from pipeline import ZOOM, sandbox_until_exit
from singer_sdk.testing import SuiteConfig, get_tap_test_class
from webhook_helpers import quote_event

from commerce_webhooks.spool import Spool, SpoolRow
from tap_zoom_commerce.tap import TapZoomCommerce

# The test class is built at import time, so the sandbox it reads from starts here too.
_sandbox = sandbox_until_exit(seed=5, scale=8)
# webhook_events reads the receiver's spool: a few events in one, so its tests have rows too.
_spool_dir = tempfile.TemporaryDirectory(prefix="zoom-standard-")  # removed at exit
_spool = Path(_spool_dir.name) / "spool.db"
Spool(_spool).append([SpoolRow.of(body, json.loads(body)) for body in map(quote_event, range(3))])

TestTapZoomCommerce = get_tap_test_class(
    tap_class=TapZoomCommerce,
    config={**ZOOM.config(_sandbox), "webhook_spool": str(_spool)},
    suite_config=SuiteConfig(max_records_limit=50),
)
