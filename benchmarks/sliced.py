"""Sliced parallel reads of one endpoint against sequential pages (`run.py --suite sliced`).

A Zuora invoices backfill, each answer delayed `latency_ms` as a real API's would be: the tap with
`max_concurrency` 1 (one page after another, what singer-sdk and dlt do) and 8 (time slices read in
parallel). Prints wall time, requests and records of each, and the speedup."""

from __future__ import annotations

import tempfile
from pathlib import Path

from run import BENCH, extraction, print_runs

from commerce_harness.sandbox import SandboxProcess
from commerce_harness.taps import ZUORA


def zuora_sliced(scale: int, latency_ms: int = 100, workers: int = 8) -> dict:
    work = Path(tempfile.mkdtemp(prefix="bench-sliced-", dir=BENCH))
    figures: dict[str, dict] = {}
    with SandboxProcess("--latency-ms", str(latency_ms), scale=scale) as sandbox:
        for concurrency in (1, workers):
            figures[f"invoices, {concurrency} in flight"] = extraction(
                sandbox, ZUORA, {"invoices"}, work, concurrency
            )
    sequential, sliced = (figures[f"invoices, {n} in flight"] for n in (1, workers))
    speedup = round(sequential["seconds"] / sliced["seconds"], 2)
    print(f"\nZuora invoices backfill at {latency_ms} ms latency: sequential pages vs time slices")
    print_runs(figures)
    print(f"  speedup, {workers} in flight over 1: {speedup}x")
    print(f"  requests, sliced / sequential:  {sliced['requests'] / sequential['requests']:.3f}")
    return {"latency_ms": latency_ms, "runs": figures, "speedup": speedup}
