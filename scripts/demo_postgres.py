"""The PostgreSQL demo (`make demo-postgres`): the nightly-postgres job against the local sandbox,
into a throwaway PostgreSQL server, the four taps one after another and then all at once.

Everything it writes lives under `--output` (default `output/demo-postgres/`); the server's cluster
lives in a temporary directory and is removed at the end. Like `make demo` (scripts/demo.py, whose
parts it uses) it never opens the project's `.meltano/` or production's warehouse.

1. start `commerce-sandbox serve` (production's limits) and a PostgreSQL server on free ports;
2. the backfill twice, from empty state and an empty database each time: sequential (each tap's
   `meltano run` after the previous one), then concurrent (the four at once, each with its own
   state, scripts/nightly.py --parallel); print both wall times and their ratio;
3. advance the sandbox clock a day and run the concurrent night again (incremental);
4. print rows per table, bookmarks and requests per run, as `make demo` does, and check every
   table against the sandbox's truth; stop both servers. Exit 0 only if the warehouse equals it.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import demo
from demo import (
    DemoPlace,
    Warehouse,
    check_truth,
    meltano,
    place_from_arguments,
    report,
    start_sandbox,
    taps_env,
)
from nightly import run_tasks

from commerce_sandbox import SandboxControl
from commerce_sandbox.postgres import PostgresServer, table_rows
from commerce_taps_common.config.errors import env_var

JOB = "nightly-postgres"
LOADER = "target-commerce-postgres"
DBT = "dbt-postgres"


class PostgresWarehouse(Warehouse):
    """One database of the server, read as demo.report and demo.check_truth read a warehouse."""

    loader = LOADER

    def __init__(self, server: PostgresServer, database: str) -> None:
        self.server, self.database = server, database

    def __enter__(self) -> PostgresWarehouse:
        self.connection = self.server.connect(self.database)
        return self

    def rows(self, schema: str, table: str) -> tuple[list[str], list[dict]]:
        return table_rows(self.connection, schema, table)


def connection_env(server: PostgresServer, database: str) -> dict[str, str]:
    """The loader's and dbt's connection settings as Meltano reads them from the environment."""
    settings = {**server.settings, "database": database}
    return {
        env_var(plugin, name): str(value)
        for plugin in (LOADER, DBT)
        for name, value in settings.items()
    }


def dbt_env(output: Path, as_of: str) -> dict[str, str]:
    """dbt-postgres on this repository's project, its files under `output`, the marts as of
    `as_of` (the sandbox's day)."""
    transform = demo.ROOT / "transform"
    return {
        env_var(DBT, "project_dir"): str(transform),
        env_var(DBT, "profiles_dir"): str(transform / "profiles"),
        env_var(DBT, "target_path"): str(output / "dbt" / "target"),
        env_var(DBT, "log_path"): str(output / "dbt" / "logs"),
        env_var(DBT, "as_of_date"): as_of,
    }


def night(place: DemoPlace, tasks: list[str], env: dict[str, str], parallel: bool) -> float:
    """The job's tasks in `place` (its own Meltano state); the wall time in seconds."""
    demo.PLACE = place

    def run(arguments: list[str]) -> int:
        meltano("run", *arguments, env=env)  # exits the demo, naming its log, if the run fails
        return 0

    started = time.monotonic()
    run_tasks(tasks, run, parallel)
    return time.monotonic() - started


def main() -> None:
    root = place_from_arguments(__doc__.splitlines()[0], demo.ROOT / "output" / "demo-postgres")
    sequential = replace(root, output=root.output / "sequential")
    concurrent = replace(root, output=root.output / "concurrent")
    for place in (root, sequential, concurrent):
        place.reset()
        demo.PLACE = place
        meltano("install")  # the plugins run from this venv: nothing to download
    tasks = json.loads(meltano("job", "list", JOB, "--format=json"))["tasks"]

    with tempfile.TemporaryDirectory() as scratch, PostgresServer() as server:
        sandbox, url = start_sandbox(Path(scratch) / "sandbox-url")
        try:
            control = SandboxControl(url)
            env = taps_env(control, url)
            print(f"demo: sandbox at {url}, clock {control.now()}")
            print(f"demo: PostgreSQL at {server.host}:{server.port} ({server.data})")
            with server.connect("postgres", autocommit=True) as connection:
                for place in (sequential, concurrent):  # a database each, named as its place
                    connection.execute(f'CREATE DATABASE "{place.output.name}"')

            walls = {}
            for place, parallel in ((sequential, False), (concurrent, True)):
                how = "concurrent" if parallel else "sequential"
                database = place.output.name
                env.update(connection_env(server, database))
                env.update(dbt_env(place.output, control.now()[:10]))
                control.reset_stats()
                print(f"\ndemo: run 1 (backfill), {how}")
                walls[how] = night(place, tasks, env, parallel)
                warehouse = PostgresWarehouse(server, database)
                report(f"run 1 (backfill), {how}", control, walls[how], warehouse)
            print(
                f"\n== the backfill night: sequential {walls['sequential']:.0f} s, concurrent "
                f"{walls['concurrent']:.0f} s (concurrent / sequential = "
                f"{walls['concurrent'] / walls['sequential']:.2f})"
            )

            changes = control.advance(days=1)
            control.reset_stats()
            print(f"\ndemo: advanced the sandbox clock one day: {json.dumps(changes)}")
            env.update(dbt_env(concurrent.output, control.now()[:10]))
            seconds = night(concurrent, tasks, env, True)
            report("run 2 (incremental), concurrent", control, seconds, warehouse)
            equal = check_truth(control, warehouse)
        finally:
            sandbox.terminate()
            sandbox.wait(timeout=30)

    if not equal:
        sys.exit("demo: the warehouse differs from the sandbox truth")
    print(f"\ndemo: done; the logs are under {root.output} (docs/operations.md: PostgreSQL)")


if __name__ == "__main__":
    main()
