"""Chaos nights (`make chaos`): each tap's task of the nightly job through `meltano run`, night
after night against the sandbox, with random faults and kills; the warehouse and Meltano's state
checked against the truth after each (commerce_harness.chaos says how). Exit 0 only if no row was
lost, duplicated or left different on any night."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from commerce_harness.chaos import run_taps, table
from commerce_harness.taps import TAPS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nights", type=int, default=30, help="nights per tap (default 30)")
    parser.add_argument("--seed", type=int, default=1, help="seeds the worlds and the plans")
    parser.add_argument("--scale", type=int, default=10, help="accounts per vendor world")
    parser.add_argument("--kill-probability", type=float, default=0.3)
    parser.add_argument(
        "--max-faults", type=int, default=4, help="faults injected per night, at most"
    )
    parser.add_argument("--jobs", type=int, default=2, help="taps run at once (default 2)")
    parser.add_argument(
        "--taps", nargs="*", default=[tap.name for tap in TAPS], help="default: all four"
    )
    parser.add_argument("--output", type=Path, help="directory to keep (default a temporary one)")
    arguments = parser.parse_args()
    taps = [tap for tap in TAPS if tap.name in arguments.taps]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="chaos-") as scratch:
        tallies = run_taps(
            taps,
            arguments.nights,
            jobs=arguments.jobs,
            seed=arguments.seed,
            scale=arguments.scale,
            output=(arguments.output or Path(scratch)).resolve(),
            kill_probability=arguments.kill_probability,
            max_faults=arguments.max_faults,
            log=lambda line: print(line, flush=True),
        )
    print(f"\nchaos: {arguments.nights} nights per tap in {time.monotonic() - started:.0f} s")
    print(table(tallies))
    for tally in tallies:
        for finding in tally.findings:
            print(f"finding: {finding}")
    if not all(tally.clean for tally in tallies):
        sys.exit("chaos: the warehouse or the state differed from the truth (findings above)")


if __name__ == "__main__":
    main()
