"""The PostgreSQL demo (`make demo-postgres`): the nightly-postgres job against the local sandbox,
into a throwaway PostgreSQL server, the four taps one after another and then all at once.

Everything it writes lives under `--output` (default `output/demo-postgres/`); the server's cluster
lives in a temporary directory and is removed at the end. Like `make demo` (scripts/demo.py; both
run on commerce_harness) it never opens the project's `.meltano/` or production's warehouse.

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
import time
from dataclasses import replace

from commerce_harness import ROOT
from commerce_harness.place import DemoPlace, place_from_arguments, run_tasks
from commerce_harness.postgres import (
    JOB,
    PostgresServer,
    PostgresWarehouse,
    connection_env,
    dbt_env,
)
from commerce_harness.sandbox import SandboxProcess
from commerce_harness.taps import sandbox_env
from commerce_harness.warehouse import check_truth


def night(place: DemoPlace, tasks: list[str], env: dict[str, str], parallel: bool) -> float:
    """The job's tasks in `place` (its own Meltano state); the wall time in seconds."""

    def run(arguments: list[str]) -> int:
        place.meltano("run", *arguments, env=env)  # exits the demo, naming its log, if it fails
        return 0

    started = time.monotonic()
    run_tasks(tasks, run, parallel)
    return time.monotonic() - started


def main() -> None:
    root = place_from_arguments(__doc__.splitlines()[0], ROOT / "output" / "demo-postgres")
    sequential = replace(root, output=root.output / "sequential")
    concurrent = replace(root, output=root.output / "concurrent")
    for place in (root, sequential, concurrent):
        place.reset()
        place.meltano("install")  # the plugins run from this venv: nothing to download
    tasks = json.loads(root.meltano("job", "list", JOB, "--format=json"))["tasks"]

    with PostgresServer() as server, SandboxProcess(seed=1, scale=50, cwd=root.output) as sandbox:
        control = sandbox.control
        env = sandbox_env(sandbox)
        print(f"demo: sandbox at {sandbox.url}, clock {control.now()}")
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
            place.report(f"run 1 (backfill), {how}", control, walls[how], warehouse)
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
        concurrent.report("run 2 (incremental), concurrent", control, seconds, warehouse)
        equal = check_truth(control, warehouse)

    if not equal:
        sys.exit("demo: the warehouse differs from the sandbox truth")
    print(f"\ndemo: done; the logs are under {root.output} (docs/operations.md: PostgreSQL)")


if __name__ == "__main__":
    main()
