"""The slips of the vendors' specs are exactly the documented ones (docs/vendor-specs/README.md):
each tap with a spec runs every stream once against a recording sandbox, and its exchanges show
no violation and every listed slip of its vendor, no more (a new slip cannot pass unnoticed) and
no fewer (one the vendor fixed, or the sandbox stopped showing, is struck off the list). Zuora
lists none, and its end-to-end tests already judge every exchange (`judged_by_specs`)."""

from __future__ import annotations

import pytest

from commerce_harness.conformance import SLIPS, judge
from commerce_harness.taps import ADOBE, ZOOM
from commerce_sandbox import SandboxServer


@pytest.mark.parametrize("tap", [ZOOM, ADOBE], ids=lambda tap: tap.vendor)
def test_the_slips_found_are_exactly_the_documented_ones(tap, tmp_path):
    with SandboxServer(seed=5, scale=5, record=True) as sandbox:
        run = tap.run_tap(tmp_path, tap.config(sandbox))
        assert run.returncode == 0, run.stderr[-2000:]
        verdict = judge(sandbox.sandbox.exchanges or ())
    assert not verdict.violations, verdict.summary()
    documented = {slip.finding for slip in SLIPS if slip.finding.vendor == tap.vendor}
    assert verdict.slips_seen == documented, verdict.summary()
