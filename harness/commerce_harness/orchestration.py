"""Dagster in a place of its own, for the tests and the benchmark: a copy of the Meltano project
with more accounts per vendor, a Dagster instance whose runs, events and pool limits live in a
PostgreSQL server (as on several machines), Meltano's bookmarks there too, and the environment
that points the code location (commerce_orchestration) at all of it."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import yaml
from dagster import DagsterEventType, DagsterInstance, build_reconstructable_job, execute_job

from commerce_harness.pipeline import BIN
from commerce_harness.place import add_accounts, meltano_project
from commerce_harness.postgres import USER, PostgresServer
from commerce_harness.taps import TAPS, Sandbox, Tap
from commerce_sandbox.accounts import DEFAULT_ACCOUNT
from commerce_taps_common.config.errors import env_var

LOADER = "target-commerce-postgres"
STEP_ENDS = (
    DagsterEventType.STEP_START,
    DagsterEventType.STEP_SUCCESS,
    DagsterEventType.STEP_FAILURE,
)
# Dagster's and Meltano's own databases, beside the warehouse's in the same server.
DAGSTER_DATABASE = "dagster"
MELTANO_DATABASE = "meltano"


def dagster_yaml(postgres: PostgresServer, pool_limit: int) -> dict[str, Any]:
    """The instance as docs/orchestration.md deploys it: storage in PostgreSQL, each vendor's
    pool `pool_limit` loads at once unless set otherwise."""
    return {
        "storage": {
            "postgres": {
                "postgres_db": {
                    "hostname": postgres.host,
                    "port": postgres.port,
                    "username": USER,
                    "password": postgres.password,
                    "db_name": DAGSTER_DATABASE,
                }
            }
        },
        "concurrency": {"pools": {"default_limit": pool_limit}},
        "telemetry": {"enabled": False},
    }


def dbt_env(target_path: Path) -> dict[str, str]:
    """The code location's dbt on the PostgreSQL target, its manifest and results in
    `target_path`: where one is already, the code location does not parse the project again."""
    return {"COMMERCE_DBT_TARGET": "postgres", "COMMERCE_DBT_TARGET_PATH": str(target_path)}


class Orchestration:
    """The project copy with `accounts` of every tap in `taps`, loading into `postgres` (the
    warehouse database), the Dagster home beside it, dbt's files in `dbt_target`; `env` is what
    the code location and the processes it starts read."""

    def __init__(
        self,
        tmp_path: Path,
        sandbox: Sandbox,
        postgres: PostgresServer,
        accounts: tuple[str, ...],
        taps: tuple[Tap, ...] = TAPS,
        pool_limit: int = 1,
        dbt_target: Path | None = None,
    ) -> None:
        self.sandbox, self.postgres, self.accounts, self.taps = sandbox, postgres, accounts, taps
        self.project, env = meltano_project(tmp_path)
        add_accounts(
            self.project,
            [(tap, account) for tap in taps for account in accounts if account != DEFAULT_ACCOUNT],
        )
        self.home = tmp_path / "dagster"
        self.home.mkdir()
        (self.home / "dagster.yaml").write_text(yaml.safe_dump(dagster_yaml(postgres, pool_limit)))
        with postgres.connect("postgres", autocommit=True) as connection:
            for database in (DAGSTER_DATABASE, MELTANO_DATABASE):
                connection.execute(f'CREATE DATABASE "{database}"')
        meltano_uri = (
            f"postgresql+psycopg://{USER}:{postgres.password}@{postgres.host}:{postgres.port}/"
            f"{MELTANO_DATABASE}"
        )
        warehouse = postgres.settings
        env |= {
            "DAGSTER_HOME": str(self.home),
            "COMMERCE_MELTANO_PROJECT": str(self.project),
            "COMMERCE_LOADER": LOADER,
            **dbt_env(dbt_target or tmp_path / "dbt" / "target"),
            "DBT_LOG_PATH": str(tmp_path / "dbt" / "logs"),
            # Where dagster-dbt puts each invocation's results (else transform/target/).
            "DBT_TARGET_PATH": str(tmp_path / "dbt" / "runs"),
            "MELTANO_ENVIRONMENT": "sandbox",
            "MELTANO_DATABASE_URI": meltano_uri,
            **{env_var(LOADER, name): str(value) for name, value in warehouse.items()},
            **{env_var("commerce_postgres", name): str(value) for name, value in warehouse.items()},
        }
        for tap in taps:
            for account in accounts:
                plugin = tap.plugin(account)
                env |= tap.env(sandbox, account)
                env[env_var(plugin, "run_summary_dir")] = str(tmp_path / "runs")
                if "requests_per_minute" in tap.settings:  # Zoho's, at fast_zoho's rate
                    env[env_var(plugin, "requests_per_minute")] = str(
                        int(tap.settings["requests_per_minute"])
                    )
        self.env = env
        # Once, before any worker: Meltano migrates its database on first use, and two runs
        # migrating a new database at once fail (docs/orchestration.md says the same).
        subprocess.run(
            [str(BIN / "meltano"), "upgrade", "database"],
            cwd=self.project,
            env=env,
            check=True,
            capture_output=True,
        )

    def run(
        self, job: str, executor: dict[str, Any] | None = None
    ) -> tuple[Any, dict[str, list[float]]]:
        """A job of the code location in this process (the environment `env` applied by the
        caller), its storage in PostgreSQL; `executor` the default executor's config (e.g.
        `{"in_process": {}}`, else the multiprocess executor). Returns the result and each step's
        start and end times."""
        reconstructable = build_reconstructable_job(
            "commerce_orchestration.definitions", "job", (job,)
        )
        run_config = {"execution": {"config": executor}} if executor else None
        with (
            DagsterInstance.from_config(str(self.home)) as instance,
            execute_job(reconstructable, instance, run_config, raise_on_error=False) as result,
        ):
            spans: dict[str, list[float]] = {}
            for event in instance.all_logs(result.run_id):
                if event.dagster_event_type in STEP_ENDS and event.step_key:
                    spans.setdefault(event.step_key, []).append(event.timestamp)
            return result, spans
