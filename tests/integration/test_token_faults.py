"""The token endpoints under faults, for each tap: a 429 answers the run's first token request,
then mid-run the API refuses the token once and the token request that follows meets a 503. The
tap asks for a token three times, waits out both faults, and reads every record the sandbox has.
The chaos nights draw the same faults at random (commerce_harness.chaos.VendorChaos)."""

from __future__ import annotations

import pytest

from commerce_harness.chaos import VENDOR_CHAOS
from commerce_harness.reconcile import key_of
from commerce_harness.taps import TAPS, fast_zoho


@pytest.mark.parametrize("tap", TAPS, ids=lambda tap: tap.vendor)
def test_a_token_endpoint_busy_twice_and_a_token_refused_once_lose_nothing(
    sandboxes, tmp_path, tap
):
    sandbox = fast_zoho(sandboxes(seed=11, scale=3))
    chaos = VENDOR_CHAOS[tap.vendor]
    (refused, busy_again) = chaos.token_faults()["token refused once, the next token 503"]
    sandbox.control.inject(
        tap.vendor, [{"kind": "429", "path": chaos.token_path, "count": 1}, refused, busy_again]
    )
    output = tap.read(tmp_path, tap.config(sandbox))
    assert output.result.returncode == 0, output.result.stderr[-2000:]
    served = tap.requests_served(sandbox)
    token_requests = sum(count for call, count in served.items() if chaos.token_path in call)
    assert token_requests == 4, served  # 429, the token, (refused) 503, the token again
    statuses = sandbox.control.statuses(tap.vendor)
    assert statuses[429] == 1 and statuses[503] == 1, statuses
    for stream, key in tap.keys.items():
        truth = sandbox.control.truth(tap.vendor, stream)
        if stream in output.records and truth is not None:
            read = {key_of(record, key) for record in output.records[stream]}
            assert read >= {key_of(record, key) for record in truth}, stream
