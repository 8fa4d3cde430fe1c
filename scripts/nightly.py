"""The nightly run, vendor by vendor: each task of the `nightly` job (one vendor's tap into the
warehouse) as its own `meltano run`, one after another, so a vendor that fails (a refused
credential, an outage) does not keep the others from loading; the job's dbt build runs after them
whatever failed, on the tables' last good loads. Then `<dbt plugin>:source-freshness` checks every
vendor's last complete load against its threshold (transform/: an error after two nights without
one). Exits 1 naming the vendors that failed, and the freshness check when a vendor is stale; 0
when all loaded. Bookmarks are the same as `meltano run nightly`'s (Meltano names state per
extractor and loader, not per job).

    .venv/bin/python scripts/nightly.py --environment prod      # e.g. from cron, at 02:00

`meltano run nightly` runs the same tasks but stops at the first failure. An account of its own
(a plugin inheriting from a tap, docs/operations.md#accounts-and-tenants) is a task of its own:
its failure is named by its plugin (`tap-adobe-vipmp--emea`) and stops no other account.

With `--parallel` the taps' tasks (`tap-... target-...`) run at once, one `meltano run` each, then
the other tasks (dbt) in order: for a warehouse that takes several writers at a time, PostgreSQL
(`--job nightly-postgres`), not DuckDB (one writer per file).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from commerce_harness.place import run_tasks

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
JOB = "nightly"


def meltano(project: Path, arguments: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Meltano in `project`, this venv's console scripts (the plugins) first on PATH."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run([str(BIN / "meltano"), *arguments], cwd=project, env=env, **kwargs)


def job_tasks(project: Path, environment: list[str], job: str = JOB) -> list[str]:
    listed = meltano(
        project, [*environment, "job", "list", job, "--format=json"], capture_output=True, text=True
    )
    if listed.returncode != 0:
        sys.exit(f"nightly: `meltano job list {job}` failed: {listed.stderr.strip()[-500:]}")
    return json.loads(listed.stdout)["tasks"]


def freshness_tasks(tasks: list[str]) -> list[str]:
    """`<plugin>:source-freshness` for each dbt plugin the job builds with (`<plugin>:build`)."""
    return [
        task.removesuffix(":build") + ":source-freshness"
        for task in tasks
        if task.startswith("dbt-") and task.endswith(":build")
    ]


def check_freshness(tasks: list[str], run: Callable[[list[str]], int]) -> list[str]:
    """Every check through `run`; prints each outcome (dbt's log above names the stale tables)
    and returns the checks that failed."""
    failed = []
    for task in tasks:
        exit_code = run([task])
        outcome = "fresh" if exit_code == 0 else f"STALE or unreadable (exit {exit_code})"
        print(f"nightly: {task}: {outcome}", flush=True)
        if exit_code != 0:
            failed.append(task)
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--environment", help="Meltano environment (default: the project's)")
    parser.add_argument(
        "--project", type=Path, default=ROOT, help="the Meltano project (default this repository)"
    )
    parser.add_argument("--job", default=JOB, help=f"the Meltano job to run (default {JOB})")
    parser.add_argument(
        "--parallel",
        action="store_true",
        help="run the taps' tasks at once, then the others (PostgreSQL; not DuckDB)",
    )
    arguments = parser.parse_args()
    environment = ["--environment", arguments.environment] if arguments.environment else []
    tasks = job_tasks(arguments.project, environment, arguments.job)

    def run(args: list[str]) -> int:
        return meltano(arguments.project, [*environment, "run", *args]).returncode

    failed = [task.split()[0] for task in run_tasks(tasks, run, arguments.parallel)]
    failed += check_freshness(freshness_tasks(tasks), run)
    if failed:
        sys.exit(f"nightly: failed: {', '.join(failed)} (the others loaded; see the log above)")
    print("nightly: every vendor loaded")


if __name__ == "__main__":
    main()
