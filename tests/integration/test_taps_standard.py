"""singer-sdk's standard tap tests for the four taps, against one sandbox over HTTP."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from singer_sdk.testing import SuiteConfig, get_tap_test_class
from webhook_helpers import quote_event

from commerce_harness.sandbox import sandbox_until_exit
from commerce_harness.taps import ADOBE, ZOHO, ZOOM, ZUORA, fast_zoho
from commerce_webhooks.spool import Spool, SpoolRow
from tap_adobe_vipmp.tap import TapAdobeVipmp
from tap_zoho_partner.tap import TapZohoPartner
from tap_zoom_commerce.tap import TapZoomCommerce
from tap_zuora_quickstart.tap import TapZuoraQuickstart

# The test classes are built at import time, so the sandbox they read from starts here too; the
# tests read at most SUITE's records a stream, so a small world does.
_sandbox = fast_zoho(sandbox_until_exit(seed=5, scale=12), tokens_per_window=1000)
SUITE = SuiteConfig(max_records_limit=50)

# webhook_events reads the receiver's spool: a few events in one, so its tests have rows too.
_spool_dir = tempfile.TemporaryDirectory(prefix="zoom-standard-")  # removed at exit
_spool = Path(_spool_dir.name) / "spool.db"
Spool(_spool).append([SpoolRow.of(body, json.loads(body)) for body in map(quote_event, range(3))])

TestTapZuoraQuickstart = get_tap_test_class(
    tap_class=TapZuoraQuickstart, config=ZUORA.config(_sandbox), suite_config=SUITE
)
TestTapZohoPartner = get_tap_test_class(
    tap_class=TapZohoPartner, config=ZOHO.config(_sandbox), suite_config=SUITE
)
TestTapZoomCommerce = get_tap_test_class(
    tap_class=TapZoomCommerce,
    config=ZOOM.config(_sandbox, webhook_spool=str(_spool)),
    suite_config=SUITE,
)
TestTapAdobeVipmp = get_tap_test_class(
    tap_class=TapAdobeVipmp, config=ADOBE.config(_sandbox), suite_config=SUITE
)
