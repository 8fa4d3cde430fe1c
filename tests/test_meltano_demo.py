"""The demo is the product's main job: Meltano installs the plugins from meltano.yml, runs the
nightly job against the sandbox twice (backfill, then incremental), and the warehouse equals the
sandbox truth."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_demo_runs_the_meltano_job_and_ends_equal_to_truth():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "demo.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (
        result.stdout.count("equal to truth") == 5 + 4 + 11 + 7
    )  # Zuora, Zoho, Zoom and Adobe tables
    backfill, incremental = (
        requests_per_tap(result.stdout.split(title)[1].split("\n==")[0])
        for title in ("run 1 (backfill)", "run 2 (incremental)")
    )
    assert incremental["tap-zuora-quickstart"] < backfill["tap-zuora-quickstart"]
    # Zoho re-reads commissions one day per request over its 30-day look-back plus the days since
    # the bookmark (the sandbox's world starts 40 days back); the rest is a page or two per stream.
    assert incremental["tap-zoho-partner"] <= 30 + 42 + 12
    assert incremental["tap-zoom-commerce"] < backfill["tap-zoom-commerce"] / 3
    # Adobe: per-customer listings every run (no distributor-wide ones), but no price-list history again.
    assert incremental["tap-adobe-vipmp"] < backfill["tap-adobe-vipmp"]


def requests_per_tap(report: str) -> dict[str, int]:
    """`   tap-x: 12 requests` lines of one run's report."""
    return {
        line.split(":")[0].strip(): int(line.split(":")[1].split()[0])
        for line in report.splitlines()
        if line.strip().startswith("tap-") and "requests" in line
    }
