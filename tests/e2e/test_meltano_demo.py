"""The demo is the product's main job: Meltano runs the nightly job against the sandbox twice
(backfill, then incremental), and the warehouse equals the sandbox truth. It runs in a project that
also holds production state and a production warehouse, which must come out unchanged."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from commerce_harness.pipeline import BIN, run_pipeline, target_config
from commerce_sandbox import SandboxServer

ROOT = Path(__file__).resolve().parents[2]
PROD_STATE_ID = "prod:tap-zuora-quickstart-to-target-commerce-duckdb"
PROD_STATE = {"singer_state": {"bookmarks": {"invoices": {"replication_key_value": "2026-01-01"}}}}


def meltano(project: Path, *args: str) -> str:
    """Meltano in `project` as a user runs it there: its own .meltano/ and environments."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    for name in ("MELTANO_ENVIRONMENT", "MELTANO_DATABASE_URI", "MELTANO_SYS_DIR_ROOT"):
        env.pop(name, None)
    result = subprocess.run(
        [str(BIN / "meltano"), *args], cwd=project, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def production_project(tmp_path: Path) -> Path:
    """A copy of this Meltano project with prod bookmarks in its state backend and a prod
    warehouse at the prod environment's path."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "meltano.yml", project / "meltano.yml")
    meltano(
        project,
        "--environment",
        "prod",
        "state",
        "set",
        "--force",
        PROD_STATE_ID,
        json.dumps(PROD_STATE),
    )
    config = json.loads(
        meltano(project, "--environment", "prod", "config", "print", "target-commerce-duckdb")
    )
    warehouse = Path(config["database"])
    assert warehouse.is_relative_to(project) and "output" not in warehouse.parts
    warehouse.parent.mkdir(parents=True)
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("CREATE SCHEMA zuora; CREATE TABLE zuora.invoices AS SELECT 1 AS id")
    return project


@pytest.mark.slow
def test_demo_runs_the_meltano_job_ends_equal_to_truth_and_leaves_prod_alone(tmp_path):
    project = production_project(tmp_path)
    prod_warehouse = project / "warehouse" / "commerce.duckdb"
    protected = {
        path: digest(path) for path in (prod_warehouse, project / ".meltano" / "meltano.db")
    }

    demo_output = tmp_path / "demo"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "demo.py"),
            "--project",
            str(project),
            "--output",
            str(demo_output),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    # Zuora, Zoho, Zoom, Adobe, and the webhooks the zoom-events job loaded.
    assert result.stdout.count("equal to truth") == 5 + 4 + 11 + 7 + 1
    delivered = re.search(r"== zoom-events: (\d+) webhooks delivered", result.stdout)
    assert delivered and int(delivered.group(1)) > 0, result.stdout[-3000:]
    # Each tap's summary table, from Meltano's log, for both runs; the run-history page.
    # (tap-zoom-commerce a third time: the zoom-events job, which reads the webhook spool.)
    summaries = {"zuora-quickstart": 2, "zoho-partner": 2, "zoom-commerce": 3, "adobe-vipmp": 2}
    for tap, count in summaries.items():
        assert result.stdout.count(f"   tap-{tap}: succeeded in ") == count, result.stdout[-3000:]
    # A second Adobe account (tap-adobe-vipmp--emea), both runs, beside the first in each table.
    assert result.stdout.count("   tap-adobe-vipmp (tenant emea): succeeded in ") == 2
    assert re.search(r"adobe\.customers +\d+ rows \(default \d+, emea \d+\)", result.stdout)
    assert len(list((demo_output / "runs").glob("*.json"))) == 2 * 5
    assert f"run history (both runs of every tap): {demo_output / 'runs' / 'index.html'}" in (
        result.stdout
    )
    backfill, incremental = (
        requests_per_tap(result.stdout.split(title)[1].split("\n==")[0])
        for title in ("run 1 (backfill)", "run 2 (incremental)")
    )
    assert incremental["tap-zuora-quickstart"] < backfill["tap-zuora-quickstart"]
    # Zoho re-reads commissions one day per request over its 30-day look-back plus the days since
    # the bookmark (the sandbox's world starts 40 days back); the rest is a page or two per stream.
    assert incremental["tap-zoho-partner"] <= 30 + 42 + 12
    assert incremental["tap-zoom-commerce"] < backfill["tap-zoom-commerce"] / 3
    # Adobe: per-customer listings every run (no distributor-wide ones), no price-list history.
    assert incremental["tap-adobe-vipmp"] < backfill["tap-adobe-vipmp"]

    # The demo wrote only in its own directory; prod's warehouse and state are as they were.
    assert (demo_output / "warehouse.duckdb").exists() and (demo_output / "meltano.db").exists()
    assert {path: digest(path) for path in protected} == protected
    assert json.loads(meltano(project, "--environment", "prod", "state", "get", PROD_STATE_ID)) == (
        PROD_STATE
    )

    # The suite's pipeline helpers write only into the directory they are given.
    with SandboxServer(seed=3, scale=2) as sandbox:
        run_pipeline(
            tmp_path / "pipeline",
            "tap-zuora-quickstart",
            {
                "api_url": f"{sandbox.url}/zuora",
                "client_id": "sandbox-zuora-client",
                "client_secret": "sandbox-zuora-secret",
                "start_date": "2023-01-01",
            },
            target_config(tmp_path / "pipeline", "zuora"),
        ).check()
    assert {path: digest(path) for path in protected} == protected
    assert sorted(path.name for path in project.iterdir()) == [
        ".meltano",
        "meltano.yml",
        "warehouse",
    ]


def requests_per_tap(report: str) -> dict[str, int]:
    """`   tap-x: 12 requests` lines of one run's report."""
    return {
        line.split(":")[0].strip(): int(line.split(":")[1].split()[0])
        for line in report.splitlines()
        if line.strip().startswith("tap-") and "requests" in line
    }
