"""End to end into PostgreSQL: the nightly-postgres job through Meltano (scripts/nightly.py
--parallel: the four taps' `meltano run`s at once, each with its own state) against the sandbox,
into a real PostgreSQL server; a backfill, then a day later an incremental night while a reader
holds a snapshot of every table open; every table equal to the sandbox's truth after each night."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pipeline import ADOBE, fast_zoho

from commerce_sandbox.postgres import table_rows
from commerce_sandbox.reconcile import compare_rows
from commerce_taps_common.errors import env_var

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from demo import TAPS  # noqa: E402
from demo_postgres import JOB, LOADER, loader_env  # noqa: E402

TABLES = [(tap.vendor, stream, key) for tap in TAPS for stream, key in tap.keys.items()]


class Night:
    """The project copy, its own Meltano state, and the nightly-postgres job run in parallel."""

    def __init__(self, tmp_path: Path, sandbox, postgres) -> None:
        self.project = tmp_path / "project"
        self.project.mkdir()
        shutil.copy(ROOT / "meltano.yml", self.project / "meltano.yml")
        self.env = {
            **os.environ,
            "MELTANO_ENVIRONMENT": "sandbox",
            "MELTANO_DATABASE_URI": f"sqlite:///{tmp_path / 'meltano.db'}",
            "MELTANO_SYS_DIR_ROOT": str(tmp_path / ".meltano"),
            "TAP_ZOHO_PARTNER_REQUESTS_PER_MINUTE": "50000",
            **loader_env(postgres, postgres.database),
        }
        for tap in TAPS:
            self.env.update(tap.env(sandbox.url))
            self.env[env_var(tap.name, "run_summary_dir")] = str(tmp_path / "runs")
        self.env["TAP_ADOBE_VIPMP_PRICE_LIST_START_MONTH"] = ADOBE.config(sandbox)[
            "price_list_start_month"
        ]

    def start(self) -> subprocess.Popen:
        command = [sys.executable, str(ROOT / "scripts" / "nightly.py"), "--job", JOB]
        return subprocess.Popen(
            [*command, "--project", str(self.project), "--parallel"],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(self) -> str:
        process = self.start()
        stdout, stderr = process.communicate(timeout=600)
        assert process.returncode == 0, stdout + stderr[-4000:]
        return stdout

    def state(self, tap_name: str) -> dict:
        result = subprocess.run(
            [str(Path(sys.executable).parent / "meltano"), "state", "get"]
            + [f"sandbox:{tap_name}-to-{LOADER}"],
            cwd=self.project,
            env=self.env,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        return json.loads(result.stdout)


def assert_equal_to_truth(postgres, sandbox) -> None:
    with postgres.connect() as connection:
        diffs = [
            compare_rows(
                vendor,
                stream,
                *table_rows(connection, vendor, stream),
                sandbox.control.truth(vendor, stream),
                vendor=vendor,
                key=key,
            )
            for vendor, stream, key in TABLES
        ]
    assert all(diff.equal for diff in diffs), "\n".join(diff.summary() for diff in diffs)


def counts(connection) -> dict[str, int]:
    return {
        f"{vendor}.{stream}": connection.execute(
            f'SELECT count(*) FROM "{vendor}"."{stream}"'
        ).fetchone()[0]
        for vendor, stream, _ in TABLES
    }


@pytest.fixture(scope="module", name="night")
def _night(module_sandboxes, postgres, tmp_path_factory):
    sandbox = fast_zoho(module_sandboxes(seed=41, scale=5))
    return sandbox, Night(tmp_path_factory.mktemp("night"), sandbox, postgres)


def test_the_taps_load_in_parallel_equal_to_truth_and_a_reader_blocks_nothing(night, postgres):
    sandbox, job = night
    output = job.run()
    assert output.count("loaded in") == 4, output
    assert_equal_to_truth(postgres, sandbox)
    # Each tap's own state, under the suite's loader.
    assert all(job.state(tap.name)["singer_state"]["bookmarks"] for tap in TAPS)

    changes = sandbox.control.advance(days=1)
    assert any(
        counts["created"] or counts["changed"] or counts["deleted"]
        for vendor in changes.values()
        for counts in vendor.values()
    )
    # A reader (a BI tool, an analyst) holds a snapshot of every table for the whole night.
    with postgres.connect() as reader, postgres.connect(autocommit=True) as watcher:
        reader.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        before = counts(reader)
        process = job.start()
        most_writers = 0
        while process.poll() is None:  # the loaders' sessions, as the server sees them
            (writers,) = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_type = 'client backend' AND pid NOT IN (%s, %s)",
                (reader.info.backend_pid, watcher.info.backend_pid),
            ).fetchone()
            most_writers = max(most_writers, writers)
            time.sleep(0.2)
        stdout, stderr = process.communicate()
        assert process.returncode == 0, stdout + stderr[-4000:]
        assert counts(reader) == before  # the reader's snapshot, untouched by the loads
        reader.rollback()
        assert counts(reader) != before
    assert most_writers >= 2  # loaders connected at the same time: they ran side by side
    assert_equal_to_truth(postgres, sandbox)
