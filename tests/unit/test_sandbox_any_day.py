"""Worlds hold what the tests rely on whatever day they start: every vendor's streams have rows at
the start and after a month, identified by their declared keys, and the changes the vendor
guarantees happen within that month, for start days spread over the next two years and a spread
of seeds and scales."""

from __future__ import annotations

import datetime as dt

import pytest

from commerce_harness.reconcile import key_of
from commerce_sandbox.clock import Clock, default_start_day
from commerce_sandbox.vendor import GUARANTEE_DAYS, MIN_GUARANTEED_SCALE, Vendor
from commerce_sandbox.vendors import VENDORS

# 26 start days, 29 days apart: two years, every day of the month and of the week touched.
START_DAYS = [default_start_day() + dt.timedelta(days=29 * step) for step in range(26)]
SEEDS = (1, 2, 3, 5, 8)
SCALES = (MIN_GUARANTEED_SCALE, 3, 7)


@pytest.mark.parametrize("prefix", VENDORS)
def test_every_world_holds_what_its_vendor_guarantees_whatever_its_start_day(prefix):
    vendor_class = VENDORS[prefix]
    missing = []
    for step, start_day in enumerate(START_DAYS):
        seed, scale = SEEDS[step % len(SEEDS)], SCALES[step % len(SCALES)]
        vendor = vendor_class(seed=seed, scale=scale, clock=Clock(start_day))
        where = f"start day {start_day}, seed {seed}, scale {scale}"
        missing += [f"{problem} at the start ({where})" for problem in unkeyed(vendor)]
        changes = vendor.advance(*vendor.clock.advance(GUARANTEE_DAYS * 86400))
        missing += [
            f"{problem} after {GUARANTEE_DAYS} days ({where})" for problem in unkeyed(vendor)
        ]
        for stream, kinds in vendor_class.guaranteed_changes.items():
            missing += [
                f"{stream}: nothing {kind} within {GUARANTEE_DAYS} days ({where})"
                for kind in kinds
                if not changes[stream][kind]
            ]
    assert not missing, "\n".join(missing)


def unkeyed(vendor: Vendor) -> list[str]:
    """Streams whose truth is empty, or whose declared key is missing or repeated in a row."""
    problems = []
    for stream, key in vendor.stream_keys.items():
        keys = [key_of(row, key) for row in vendor.truth(stream) or ()]
        if not keys:
            problems.append(f"{stream}: no rows")
        elif any(None in values for values in keys) or len(set(keys)) != len(keys):
            problems.append(f"{stream}: {key} does not identify every row")
    return problems
