"""End to end into PostgreSQL: the nightly-postgres job through Meltano (scripts/nightly.py
--parallel: the four taps' `meltano run`s at once, each with its own state, then dbt-postgres:build)
against the sandbox, into a real PostgreSQL server: every table equals the sandbox's truth, dbt
built every model of transform/ and passed every test, and the analysts' marts equal the truth to
the cent (marts_compare, as on DuckDB). The incremental night into PostgreSQL is Dagster's
(test_dagster_e2e.py, eight accounts); a reader's snapshot during loads, test_loader_versions.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import marts_compare
import pytest

from commerce_harness import ROOT
from commerce_harness.place import meltano_project
from commerce_harness.postgres import JOB, LOADER, connection_env, dbt_env, table_rows
from commerce_harness.reconcile import compare_rows
from commerce_harness.taps import TAPS, fast_zoho, sandbox_env
from commerce_harness.warehouse import failed_nodes
from commerce_taps_common.config.errors import env_var

TABLES = [(tap.vendor, stream, key) for tap in TAPS for stream, key in tap.keys.items()]


class Night:
    """The project copy, its own Meltano state, and the nightly-postgres job run in parallel."""

    def __init__(self, tmp_path: Path, sandbox, postgres) -> None:
        self.sandbox = sandbox
        self.project, self.env = meltano_project(tmp_path)
        self.env |= {
            "MELTANO_ENVIRONMENT": "sandbox",
            "TAP_ZOHO_PARTNER_REQUESTS_PER_MINUTE": "50000",
            **connection_env(postgres, postgres.database),
        }
        self.output = tmp_path
        self.env.update(sandbox_env(sandbox))
        for tap in TAPS:
            self.env[env_var(tap.name, "run_summary_dir")] = str(tmp_path / "runs")

    def start(self) -> subprocess.Popen:
        """The night: the taps at once, then dbt-postgres:build; its output into files (a pipe
        nobody reads while the test watches would fill and stop it)."""
        self.env.update(dbt_env(self.output, self.sandbox.control.now()[:10]))
        command = [sys.executable, str(ROOT / "scripts" / "nightly.py"), "--job", JOB]
        with self.log("out").open("w") as stdout, self.log("err").open("w") as stderr:
            return subprocess.Popen(
                [*command, "--project", str(self.project), "--parallel"],
                env=self.env,
                stdout=stdout,
                stderr=stderr,
            )

    def log(self, kind: str) -> Path:
        return self.output / f"night.{kind}"

    def finish(self, process: subprocess.Popen) -> str:
        """nightly.py's own lines, once it exited 0."""
        process.wait(timeout=600)
        stdout = self.log("out").read_text()
        assert process.returncode == 0, stdout + self.log("err").read_text()[-4000:]
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


def assert_taps_and_dbt_ran(job: Night, output: str) -> None:
    """Every tap loaded, then dbt built every model and passed every test on the warehouse."""
    assert output.count(": loaded in ") == 5 and "dbt-postgres:build: loaded" in output, output
    results = json.loads((job.output / "dbt" / "target" / "run_results.json").read_text())
    tests = [result for result in results["results"] if result["unique_id"].startswith("test.")]
    assert tests and failed_nodes(job.output / "dbt") == set()


@pytest.fixture(scope="module", name="night")
def _night(module_sandboxes, postgres, tmp_path_factory):
    sandbox = fast_zoho(module_sandboxes(seed=41, scale=5))
    return sandbox, Night(tmp_path_factory.mktemp("night"), sandbox, postgres)


@pytest.mark.slow
def test_the_taps_load_in_parallel_equal_to_truth_and_the_marts_to_the_cent(night, postgres):
    sandbox, job = night
    output = job.finish(job.start())
    assert_taps_and_dbt_ran(job, output)
    assert_equal_to_truth(postgres, sandbox)
    # Each tap's own state, under the suite's loader.
    assert all(job.state(tap.name)["singer_state"]["bookmarks"] for tap in TAPS)
    with postgres.connect() as connection:
        marts_compare.assert_marts_equal_truth(
            lambda sql: connection.execute(sql).fetchall(),
            sandbox.control,
            sandbox.control.now()[:10],
        )
