"""The demo (`make demo`): the nightly Meltano job (every tap into one DuckDB warehouse) against the
local sandbox, twice, with a warehouse and a Meltano state of its own.

Everything the demo writes lives under `--output` (default `output/demo/`): the warehouse, Meltano's
system database (which holds the demo's bookmarks) and Meltano's run directory. It never opens the
project's `.meltano/` or the `prod` environment's warehouse, so it cannot change production data.

1. start `commerce-sandbox serve` on a free port (vendor limits as in production: Zoho's 100
   requests a minute, which tap-zoho-partner paces itself under), with a second account of every
   vendor, `emea`;
2. `meltano run nightly` into output/demo/warehouse.duckdb (a backfill: state and warehouse start
   empty), showing each tap's progress lines and its summary table as they come, after a second
   Adobe account (`tap-adobe-vipmp--emea`, tenant `emea`) into the same tables;
3. advance the sandbox clock one day (new, changed and deleted records), run the job again (an
   incremental run from Meltano's state);
4. print rows per table, bookmarks and requests per run, and check every table against the
   sandbox's truth; stop the sandbox; regenerate the run-history page (output/demo/runs/index.html)
   from the taps' run summaries. Exit 0 only if the warehouse equals the truth.
"""

from __future__ import annotations

import json
import sys
import time

from commerce_harness import ROOT
from commerce_harness.marts import print_headlines
from commerce_harness.place import place_from_arguments
from commerce_harness.sandbox import SandboxProcess
from commerce_harness.taps import ADOBE, sandbox_env
from commerce_harness.warehouse import DuckDBWarehouse, check_truth
from commerce_taps_common.reporting.run_history import write_page
from commerce_webhooks.process import receive_sandbox_days

# The zoom-events job's table: every webhook the sandbox delivered, once.
WEBHOOK_EVENTS = (("zoom", "webhook_events", "event_id"),)
# A second account of one vendor, loaded beside the first (its plugin is in meltano.yml).
SECOND_ACCOUNT = "emea"
NIGHT = (ADOBE.plugin(SECOND_ACCOUNT), "target-commerce-duckdb", "nightly")


def main() -> None:
    place = place_from_arguments(__doc__.splitlines()[0], ROOT / "output" / "demo")
    place.reset()
    place.meltano("install")  # the plugins run from this venv: nothing to download

    with SandboxProcess(
        "--accounts", SECOND_ACCOUNT, seed=1, scale=50, cwd=place.output
    ) as sandbox:
        control = sandbox.control
        env = sandbox_env(sandbox) | ADOBE.env(sandbox, SECOND_ACCOUNT)
        print(f"demo: sandbox at {sandbox.url}, clock {control.now()}")

        started = time.monotonic()
        env["DBT_DUCKDB_AS_OF_DATE"] = control.now()[:10]  # the marts' day: the sandbox's
        place.meltano("run", *NIGHT, env=env)
        place.report("run 1 (backfill)", control, time.monotonic() - started)

        # Zoom's webhooks during the day, into commerce-webhooks' spool.
        spool = place.output / "zoom-webhooks.db"
        receiver, changes = receive_sandbox_days(control, spool, "demo-webhook-secret")
        control.reset_stats()
        print(f"\ndemo: advanced the sandbox clock one day: {json.dumps(changes)}")
        try:
            # The 5-minute job first (as its schedule would have run during the day), so the
            # nightly's dbt build shows its statuses.
            place.meltano(
                "run",
                "zoom-events",
                env={**env, "TAP_ZOOM_COMMERCE_EVENTS_WEBHOOK_SPOOL": str(spool)},
            )
            started = time.monotonic()
            env["DBT_DUCKDB_AS_OF_DATE"] = control.now()[:10]
            place.meltano("run", *NIGHT, env=env)
            place.report("run 2 (incremental)", control, time.monotonic() - started)
            print_headlines(place.warehouse)
        finally:
            receiver.stop()
        delivered = len(control.truth("zoom", "webhook_events"))
        print(f"\n== zoom-events: {delivered} webhooks delivered and loaded from {spool.name}")

        equal = check_truth(
            control,
            DuckDBWarehouse(place.warehouse),
            WEBHOOK_EVENTS,
            {ADOBE.vendor: ("default", SECOND_ACCOUNT)},
        )

    if not equal:
        sys.exit("demo: the warehouse differs from the sandbox truth")
    print(f"\ndemo: run history (both runs of every tap): {write_page(place.runs)}")
    print(f"\ndemo: done; the warehouse is {place.warehouse} (transform/README.md: Querying)")


if __name__ == "__main__":
    main()
