"""`make bench`: a portfolio of 20 accounts of one vendor (Zoom) through Dagster, against a sandbox
answering every request after 100 ms, into PostgreSQL: the loads one after another (the in-process
executor) against several at once under the vendor's pool limit (the multiprocess executor). Prints
the wall times, their ratio and the requests each way; writes .bench/dagster_accounts.json.

Usage: benchmarks/dagster_accounts.py [--accounts 20] [--pool-limit 4] [--scale 1]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from commerce_harness import ROOT
from commerce_harness.orchestration import Orchestration
from commerce_harness.postgres import PostgresServer
from commerce_harness.sandbox import SandboxProcess
from commerce_harness.taps import ZOOM
from commerce_sandbox.accounts import DEFAULT_ACCOUNT

BENCH = ROOT / ".bench"


def portfolio_night(accounts: tuple[str, ...], scale: int, executor: dict, pool: int) -> dict:
    """One backfill of every account in a new sandbox, server and Dagster instance."""
    names = ",".join(account for account in accounts if account != DEFAULT_ACCOUNT)
    with (
        SandboxProcess("--latency-ms", "100", "--accounts", names, scale=scale) as sandbox,
        PostgresServer() as postgres,
        tempfile.TemporaryDirectory(prefix="bench-dagster-") as scratch,
    ):
        portfolio = Orchestration(Path(scratch), sandbox, postgres, accounts, (ZOOM,), pool)
        # One dbt manifest for both nights: the code location, imported again by every step,
        # parses the project only where none is.
        portfolio.env["COMMERCE_DBT_TARGET_PATH"] = str(BENCH / "dagster-dbt")
        os.environ.update(portfolio.env)
        sandbox.control.reset_stats()
        started = time.monotonic()
        result, spans = portfolio.run("zoom_accounts", executor)
        seconds = time.monotonic() - started
        if not result.success:
            raise SystemExit(f"bench: the {executor} night failed; see the log above")
        zoom = [ZOOM.requests_total(sandbox, account) for account in accounts]
        most_at_once = max(
            sum(1 for other in spans.values() if other[0] <= span[0] < other[-1])
            for span in spans.values()
        )
        return {"seconds": seconds, "requests": sum(zoom), "most_at_once": most_at_once}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--pool-limit", type=int, default=4)
    parser.add_argument("--scale", type=int, default=1)
    arguments = parser.parse_args()
    accounts = (DEFAULT_ACCOUNT, *(f"a{n:02d}" for n in range(1, arguments.accounts)))
    limit = arguments.pool_limit
    sequential = portfolio_night(accounts, arguments.scale, {"in_process": {}}, limit)
    concurrent = portfolio_night(
        accounts, arguments.scale, {"multiprocess": {"max_concurrent": limit}}, limit
    )
    ratio = concurrent["seconds"] / sequential["seconds"]
    print(f"\n== {len(accounts)} Zoom accounts through Dagster, 100 ms a request, PostgreSQL")
    for name, figures in (("one after another", sequential), (f"pool of {limit}", concurrent)):
        print(
            f"   {name:<18} {figures['seconds']:>6.0f} s  {figures['requests']:>6} requests  "
            f"at most {figures['most_at_once']} loads at once"
        )
    print(f"   concurrent / sequential wall time = {ratio:.2f}")
    BENCH.mkdir(exist_ok=True)
    (BENCH / "dagster_accounts.json").write_text(
        json.dumps({"sequential": sequential, "concurrent": concurrent, "ratio": ratio}, indent=2)
    )


if __name__ == "__main__":
    main()
