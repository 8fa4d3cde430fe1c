"""The nightly run, vendor by vendor: each task of the `nightly` job (one vendor's tap into the
warehouse) as its own `meltano run`, one after another, so a vendor that fails (a refused
credential, an outage) does not keep the others from loading. Exits 1 naming the vendors that
failed, 0 when all loaded. Bookmarks are the same as `meltano run nightly`'s (Meltano names state
per extractor and loader, not per job).

    .venv/bin/python scripts/nightly.py --environment prod      # e.g. from cron, at 02:00

`meltano run nightly` runs the same tasks but stops at the first failure.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
JOB = "nightly"


def meltano(project: Path, arguments: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Meltano in `project`, this venv's console scripts (the plugins) first on PATH."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run([str(BIN / "meltano"), *arguments], cwd=project, env=env, **kwargs)


def job_tasks(project: Path, environment: list[str]) -> list[str]:
    listed = meltano(
        project, [*environment, "job", "list", JOB, "--format=json"], capture_output=True, text=True
    )
    if listed.returncode != 0:
        sys.exit(f"nightly: `meltano job list {JOB}` failed: {listed.stderr.strip()[-500:]}")
    return json.loads(listed.stdout)["tasks"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--environment", help="Meltano environment (default: the project's)")
    parser.add_argument(
        "--project", type=Path, default=ROOT, help="the Meltano project (default this repository)"
    )
    arguments = parser.parse_args()
    environment = ["--environment", arguments.environment] if arguments.environment else []
    failed = []
    for task in job_tasks(arguments.project, environment):
        vendor = task.split()[0]
        started = time.monotonic()
        run = meltano(arguments.project, [*environment, "run", *task.split()])
        outcome = "loaded" if run.returncode == 0 else f"FAILED (exit {run.returncode})"
        print(f"nightly: {vendor}: {outcome} in {time.monotonic() - started:.0f} s", flush=True)
        if run.returncode != 0:
            failed.append(vendor)
    if failed:
        sys.exit(f"nightly: failed: {', '.join(failed)} (the others loaded; see the log above)")
    print("nightly: every vendor loaded")


if __name__ == "__main__":
    main()
