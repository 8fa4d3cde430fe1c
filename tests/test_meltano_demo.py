"""The demo is the product's main job: Meltano installs the plugins from meltano.yml, runs the
nightly job against the sandbox twice (backfill, then incremental), and the warehouse equals the
sandbox truth."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_demo_runs_the_meltano_job_and_ends_equal_to_truth():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "demo.py")], cwd=ROOT,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert result.stdout.count("equal to truth") == 5 + 4  # Zuora and Zoho tables
    incremental = result.stdout.split("run 2 (incremental): ")[1]
    backfill = result.stdout.split("run 1 (backfill): ")[1]
    assert int(incremental.split()[0]) < int(backfill.split()[0])
