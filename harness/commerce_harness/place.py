"""A Meltano project run in a place of its own: the demo, the chaos nights and the benchmarks run
the repository's Meltano project with the warehouse, Meltano's system database (which holds the
bookmarks) and Meltano's run directory inside one output directory, so they never open the
project's `.meltano/` or the `prod` environment's warehouse."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import yaml

from commerce_harness import ROOT
from commerce_harness.pipeline import BIN, LOADER
from commerce_harness.taps import TAPS, Tap
from commerce_harness.warehouse import TRANSFORM, DuckDBWarehouse, Warehouse
from commerce_sandbox import SandboxControl
from commerce_taps_common.config.errors import env_var

ENVIRONMENT = "sandbox"

# A tap's progress and summary lines as Meltano logs them: `<time> [info     ] <tap> progress ...`.
FOLLOWED = re.compile(r"\] (tap-[a-z-]+) (progress|summary) (.*?)\s*$")


@dataclass(frozen=True)
class DemoPlace:
    """Where one run happens: the Meltano project it runs in and the directory it owns."""

    project: Path
    output: Path

    @property
    def warehouse(self) -> Path:
        return self.output / "warehouse.duckdb"

    @property
    def log(self) -> Path:
        return self.output / "meltano.log"

    @property
    def runs(self) -> Path:
        """The taps' run summaries and the run-history page drawn from them."""
        return self.output / "runs"

    @property
    def meltano_env(self) -> dict[str, str]:
        """Meltano's state, logs and run files, and the loader's database, inside `output`; the
        suite's console scripts (the plugins have no pip_url) on PATH."""
        return {
            "MELTANO_ENVIRONMENT": ENVIRONMENT,
            "MELTANO_PROJECT_ROOT": str(self.project),
            "MELTANO_DATABASE_URI": f"sqlite:///{self.output / 'meltano.db'}",
            "MELTANO_SYS_DIR_ROOT": str(self.output / ".meltano"),
            "TARGET_COMMERCE_DUCKDB_DATABASE": str(self.warehouse),
            **{env_var(tap.name, "run_summary_dir"): str(self.runs) for tap in TAPS},
            # dbt (the job's last task): this repository's project, on the demo's warehouse.
            "DBT_DUCKDB_PROJECT_DIR": str(TRANSFORM),
            "DBT_DUCKDB_PROFILES_DIR": str(TRANSFORM / "profiles"),
            "DBT_DUCKDB_WAREHOUSE": str(self.warehouse),
            "DBT_DUCKDB_TARGET_PATH": str(self.output / "dbt" / "target"),
            "DBT_DUCKDB_LOG_PATH": str(self.output / "dbt" / "logs"),
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        }

    def reset(self) -> None:
        """A run starts from nothing (the sandbox's world starts again each time it starts):
        only the files of this place's own directory are removed."""
        self.output.mkdir(parents=True, exist_ok=True)
        for name in ("warehouse.duckdb", "warehouse.duckdb.wal", "meltano.db"):
            (self.output / name).unlink(missing_ok=True)
        self.log.write_text("")

    def meltano(self, *args: str, env: dict[str, str] | None = None, check: bool = True) -> str:
        """`meltano <args>` here: its log goes to this place's log file, the taps' progress and
        summary lines are shown as they come; a failure exits naming the log."""
        with self.log.open("a") as log, tempfile.TemporaryFile("w+") as stdout:
            log.write(f"\n$ meltano {' '.join(args)}\n")
            log.flush()
            process = subprocess.Popen(
                [str(BIN / "meltano"), *args],
                cwd=self.project,
                env={**os.environ, **self.meltano_env, **(env or {})},
                stdout=stdout,
                stderr=subprocess.PIPE,
                text=True,
            )
            assert process.stderr is not None  # stderr=PIPE
            for line in process.stderr:
                log.write(line)
                if followed := FOLLOWED.search(line):
                    tap, kind, text = followed.groups()
                    shown = f"   progress {tap} {text}" if kind == "progress" else f"   {text}"
                    print(shown, flush=True)
            result: subprocess.CompletedProcess[str]
            result = subprocess.CompletedProcess(process.args, process.wait())
            stdout.seek(0)
            result.stdout = stdout.read()
            log.write(result.stdout)
        if check and result.returncode != 0:
            sys.exit(
                f"demo: `meltano {' '.join(args)}` failed (exit {result.returncode}); "
                f"see {self.log}"
            )
        return result.stdout

    def report(
        self,
        title: str,
        control: SandboxControl,
        seconds: float,
        warehouse: Warehouse | None = None,
    ) -> None:
        """Requests, rows per table and bookmarks per tap; `warehouse` by default the DuckDB
        file."""
        stats = control.stats()
        total = sum(sum(stats.get(tap.vendor, {}).values()) for tap in TAPS)
        print(f"\n== {title}: {total} requests in {seconds:.0f} s")
        with warehouse or DuckDBWarehouse(self.warehouse) as opened:
            for tap in TAPS:
                print(f"   {tap.name}: {sum(stats.get(tap.vendor, {}).values())} requests")
                for stream in tap.keys:
                    rows = opened.tenant_counts(tap.vendor, stream)
                    accounts = f" ({', '.join(f'{t} {n}' for t, n in rows.items())})"
                    shown = accounts if len(rows) > 1 else ""
                    print(f"     {tap.vendor}.{stream:<14} {sum(rows.values()):>7} rows{shown}")
                state_id = tap.state_id(opened.loader, ENVIRONMENT)
                state = json.loads(self.meltano("state", "get", state_id) or "{}")
                for stream, bookmark in sorted(
                    state.get("singer_state", {}).get("bookmarks", {}).items()
                ):
                    if bookmark.get("replication_key_value"):
                        print(f"     bookmark {stream:<14} {bookmark['replication_key_value']}")


def run_tasks(tasks: list[str], run: Callable[[list[str]], int], parallel: bool) -> list[str]:
    """Every task of a Meltano job through `run` (its `meltano run` arguments -> exit code), the
    taps' at once when `parallel`, then the others in order; prints how each ended and how long
    it took, and returns the tasks that failed."""

    def timed(task: str) -> int:
        started = time.monotonic()
        exit_code = run(task.split())
        outcome = "loaded" if exit_code == 0 else f"FAILED (exit {exit_code})"
        print(
            f"nightly: {task.split()[0]}: {outcome} in {time.monotonic() - started:.0f} s",
            flush=True,
        )
        return exit_code

    concurrent = [task for task in tasks if parallel and task.startswith("tap-")]
    with ThreadPoolExecutor(max(len(concurrent), 1)) as pool:
        exits = dict(zip(concurrent, pool.map(timed, concurrent), strict=True))
    for task in tasks:
        if task not in exits:
            exits[task] = timed(task)
    return [task for task in tasks if exits[task] != 0]


def place_from_arguments(description: str, output: Path) -> DemoPlace:
    """A demo's place from its command line: --output (default `output`), --project."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--output",
        type=Path,
        default=output,
        help="directory the demo owns: its warehouse, state and logs "
        f"(default {output.relative_to(ROOT)})",
    )
    parser.add_argument(
        "--project",
        type=Path,
        default=ROOT,
        help="the Meltano project to run (default this repository)",
    )
    arguments = parser.parse_args()
    return DemoPlace(arguments.project.resolve(), arguments.output.resolve())


def add_accounts(
    project: Path, accounts: Iterable[tuple[Tap, str]], job: str | None = None
) -> list[str]:
    """One inherited plugin per (tap, account) in `project`'s meltano.yml (a copy's: the file is
    rewritten without its comments), each as Tap.account_plugin writes it, and `job` (if given)
    loading each into DuckDB; the plugins' names. Their settings come from the environment:
    Tap.env(sandbox, account)."""
    path = project / "meltano.yml"
    config = yaml.safe_load(path.read_text())
    extractors = config["plugins"]["extractors"]
    known = {plugin["name"] for plugin in extractors}
    added = [tap.account_plugin(account) for tap, account in accounts]
    extractors += [plugin for plugin in added if plugin["name"] not in known]
    names = [plugin["name"] for plugin in added]
    if job:
        config["jobs"].append({"name": job, "tasks": [f"{name} {LOADER}" for name in names]})
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return names


def meltano_project(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A copy of this Meltano project in `tmp_path`, and the environment that keeps Meltano's
    database and run directory there too, the suite's console scripts on PATH."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "meltano.yml", project / "meltano.yml")
    return project, {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "MELTANO_DATABASE_URI": f"sqlite:///{tmp_path / 'meltano.db'}",
        "MELTANO_SYS_DIR_ROOT": str(tmp_path / ".meltano"),
    }
