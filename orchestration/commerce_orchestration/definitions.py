"""The Dagster code location: every account's Meltano extract-and-load as an asset, the dbt
project (transform/) as assets downstream of the loads its sources read, the nightly schedule, the
marts after every night's loads (whether every account loaded or not), Zoom's webhook events every
five minutes. docs/orchestration.md says how to run it on one machine and on many.

Read at load time from the environment:
- COMMERCE_MELTANO_PROJECT: the Meltano project whose meltano.yml lists the accounts (default:
  this repository); its environment is Meltano's own (MELTANO_ENVIRONMENT), its state database
  MELTANO_DATABASE_URI (PostgreSQL when workers on several machines share the bookmarks);
- COMMERCE_LOADER: the Meltano loader every load writes with (default target-commerce-duckdb);
- COMMERCE_DBT_TARGET: the dbt profile's target, `duckdb` (default) or `postgres`, and
  COMMERCE_DBT_TARGET_PATH, where dbt writes its manifest and results (default transform/target).
"""

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from dagster import (
    AssetDep,
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    AssetSelection,
    AssetSpec,
    Backoff,
    ConfigurableResource,
    DagsterRunStatus,
    Definitions,
    Failure,
    Jitter,
    JobDefinition,
    MaterializeResult,
    RetryPolicy,
    RunRequest,
    RunStatusSensorContext,
    ScheduleDefinition,
    asset,
    define_asset_job,
    run_status_sensor,
)
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from commerce_orchestration.accounts import Extractor, read_portfolio

REPOSITORY = Path(__file__).resolve().parents[2]
PROJECT = Path(os.environ.get("COMMERCE_MELTANO_PROJECT", REPOSITORY)).resolve()
LOADER = os.environ.get("COMMERCE_LOADER", "target-commerce-duckdb")
TRANSFORM = REPOSITORY / "transform"
BIN = Path(sys.executable).parent  # meltano and the plugins' console scripts

# A load that failed for a passing reason (the vendor down, a 5xx storm, Meltano refusing a
# second run of the same state id) is tried again three times, 1, 2 then 4 minutes later; a
# refused credential or a wrong setting is not (Failure(allow_retries=False)).
LOAD_RETRIES = RetryPolicy(
    max_retries=3, delay=60, backoff=Backoff.EXPONENTIAL, jitter=Jitter.PLUS_MINUS
)
# A tap's one-line error as Meltano logs it: `... tap-x--eu: config error: <setting>: ...`.
ERROR_LINE = re.compile(r"(tap-[\w-]+: (?:config )?error: .*?)(?:\s+cmd_type=|$)", re.MULTILINE)

# One asset group: Dagster's UI draws one group's assets in full, several groups folded.
GROUP = "commerce"

portfolio = read_portfolio(PROJECT / "meltano.yml")


class Meltano(ConfigurableResource):
    """`meltano run <extractor> <loader>` in the project: the extractor's own state id
    (`<environment>:<extractor>-to-<loader>`), so each account keeps its own bookmarks."""

    project_dir: str
    loader: str

    def load(self, context: AssetExecutionContext, extractor: Extractor) -> MaterializeResult:
        started = time.monotonic()
        result = subprocess.run(
            [str(BIN / "meltano"), "run", extractor.plugin, self.loader],
            cwd=self.project_dir,
            env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
            capture_output=True,
            text=True,
        )
        environment = os.environ.get("MELTANO_ENVIRONMENT", "")
        state_id = f"{environment + ':' if environment else ''}{extractor.plugin}-to-{self.loader}"
        if result.returncode != 0:
            context.log.info(result.stderr[-8000:])
            errors = ERROR_LINE.findall(result.stderr)
            raise Failure(
                description=errors[-1]
                if errors
                else f"{extractor.plugin}: meltano run exited {result.returncode}",
                metadata={"state_id": state_id},
                allow_retries=not any(": config error: " in error for error in errors),
            )
        return MaterializeResult(
            metadata={
                "plugin": extractor.plugin,
                "tenant": extractor.label,
                "state_id": state_id,
                "seconds": round(time.monotonic() - started, 1),
            }
        )


def load_asset(extractor: Extractor, pool: str | None) -> AssetsDefinition:
    """One account's (or feed's) extract-and-load; `pool` the vendor's, whose limit is how many
    of its loads run at once across every run and worker (`dagster instance concurrency set`)."""

    @asset(
        name=extractor.asset_name,
        group_name=GROUP,
        kinds={"meltano"},
        pool=pool,
        retry_policy=LOAD_RETRIES,
        description=f"`meltano run {extractor.plugin} <loader>` into schema {extractor.vendor}",
        tags={"commerce/vendor": extractor.vendor},
    )
    def load(context: AssetExecutionContext, meltano: Meltano) -> MaterializeResult:
        return meltano.load(context, extractor)

    return load


account_loads = [load_asset(account, account.vendor) for account in portfolio.accounts]
# A feed sends no request to the vendor: no pool.
feed_loads = [load_asset(feed, None) for feed in portfolio.feeds]


class SourcesFromLoads(DagsterDbtTranslator):
    """A dbt source `<vendor>.<table>` is loaded by every account of the vendor (their rows side
    by side in one table), or by the feed that selects that table: a model reading it depends on
    those loads."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: dict[str, list[AssetKey]] = {}
        for vendor in portfolio.vendors:
            self.loads[vendor] = [
                AssetKey(account.asset_name)
                for account in portfolio.accounts
                if account.vendor == vendor
            ]
        self.feeds = {
            (feed.vendor, stream): AssetKey(feed.asset_name)
            for feed in portfolio.feeds
            for stream in feed.streams
        }

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        deps: dict[AssetKey, AssetDep] = {}
        for dep in spec.deps:
            source = manifest["sources"].get(self._source_id(manifest, dep.asset_key))
            if source is None:
                deps[dep.asset_key] = dep
                continue
            vendor, table = source["source_name"], source["name"]
            if feed := self.feeds.get((vendor, table)):
                deps[feed] = AssetDep(feed)
            else:
                deps |= {key: AssetDep(key) for key in self.loads.get(vendor, [])}
        return spec.replace_attributes(deps=list(deps.values()), group_name=GROUP)

    @staticmethod
    def _source_id(manifest: Mapping[str, Any], key: AssetKey) -> str:
        """The unique id of the source whose default asset key is `key` (`[source, table]`)."""
        if len(key.path) == 2:
            for unique_id, source in manifest["sources"].items():
                if [source["source_name"], source["name"]] == key.path:
                    return str(unique_id)
        return ""


dbt_project = DbtProject(
    project_dir=TRANSFORM,
    profiles_dir=TRANSFORM,
    target=os.environ.get("COMMERCE_DBT_TARGET", "duckdb"),
    target_path=Path(os.environ.get("COMMERCE_DBT_TARGET_PATH", "target")),
)
dbt = DbtCliResource(project_dir=dbt_project, dbt_executable=str(BIN / "dbt"))
if not dbt_project.manifest_path.exists():  # `dbt parse` writes it, once per target path
    dbt.cli(["parse", "--quiet"], target_path=dbt_project.target_path).wait()


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=SourcesFromLoads(),
)
def transform(context: AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    """`dbt build`: the staging views, the marts and their tests, on the last good loads."""
    yield from dbt.cli(["build"], context=context).stream()


accounts_job = define_asset_job(
    "accounts",
    selection=AssetSelection.assets(*account_loads),
    description="Every account of every vendor: its Meltano extract-and-load",
)
# One vendor's accounts, e.g. to load a new account's vendor again by hand.
vendor_jobs = [
    define_asset_job(
        f"{vendor}_accounts",
        selection=AssetSelection.assets(
            *(
                load
                for load, account in zip(account_loads, portfolio.accounts, strict=True)
                if account.vendor == vendor
            )
        ),
        description=f"Every {vendor} account: its Meltano extract-and-load",
    )
    for vendor in portfolio.vendors
]
marts_job = define_asset_job(
    "marts", selection=AssetSelection.assets(transform), description="dbt build"
)
feeds_job = define_asset_job(
    "feeds", selection=AssetSelection.assets(*feed_loads), description="Zoom's webhook events"
)

nightly = ScheduleDefinition(
    name="nightly", job=accounts_job, cron_schedule="0 2 * * *", execution_timezone="UTC"
)
feeds_every_five_minutes = ScheduleDefinition(
    name="feeds_every_five_minutes", job=feeds_job, cron_schedule="*/5 * * * *"
)


def marts_after(context: RunStatusSensorContext) -> RunRequest:
    """The marts once the night's loads ended: one run per loads run."""
    return RunRequest(run_key=context.dagster_run.run_id)


# An account that failed keeps its tables at their last good load; the marts still refresh on
# every other account's new rows (the failed run stays red in the run list, the account's asset
# shows its failed materialisation).
marts_after_loads = run_status_sensor(
    name="marts_after_loads",
    run_status=DagsterRunStatus.SUCCESS,
    monitored_jobs=[accounts_job],
    request_job=marts_job,
)(marts_after)
marts_after_failed_loads = run_status_sensor(
    name="marts_after_failed_loads",
    run_status=DagsterRunStatus.FAILURE,
    monitored_jobs=[accounts_job],
    request_job=marts_job,
)(marts_after)

defs = Definitions(
    assets=[*account_loads, *feed_loads, transform],
    jobs=[accounts_job, *vendor_jobs, marts_job, feeds_job],
    schedules=[nightly, feeds_every_five_minutes],
    sensors=[marts_after_loads, marts_after_failed_loads],
    resources={
        "meltano": Meltano(project_dir=str(PROJECT), loader=LOADER),
        "dbt": dbt,
    },
)


def job(name: str) -> JobDefinition:
    """A job of this code location by name: what a reconstructable job (the multiprocess
    executor's steps load it again in their own processes) is built from."""
    return defs.resolve_job_def(name)
