"""Sliced parallel reads of one endpoint against sequential pages (`run.py --suite sliced`).

A Zuora invoices backfill, each answer delayed `latency_ms` as a real API's would be: the tap with
`max_concurrency` 1 (one page after another, what singer-sdk and dlt do) and 8 (time slices read in
parallel). Prints wall time, requests and records of each, and the speedup."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from run import BENCH, BIN, Sandbox, catalog_selecting, extraction, print_runs


def zuora_sliced(scale: int, latency_ms: int = 100, workers: int = 8) -> dict:
    work = Path(tempfile.mkdtemp(prefix="bench-sliced-", dir=BENCH))
    sandbox = Sandbox(scale, "--latency-ms", str(latency_ms))
    tap = str(BIN / "tap-zuora-quickstart")
    (work / "catalog.json").write_text(json.dumps(catalog_selecting(tap, {"invoices"})))
    figures: dict[str, dict] = {}
    try:
        for concurrency in (1, workers):
            config = {
                "base_url": f"{sandbox.url}/zuora",
                "client_id": "sandbox-zuora-client",
                "client_secret": "sandbox-zuora-secret",
                "start_date": "2020-01-01",
                "max_concurrency": concurrency,
            }
            figures[f"invoices, {concurrency} in flight"] = extraction(
                sandbox, "zuora", "tap-zuora-quickstart", config, work / "catalog.json", work
            )
    finally:
        sandbox.stop()
    sequential, sliced = (figures[f"invoices, {n} in flight"] for n in (1, workers))
    speedup = round(sequential["seconds"] / sliced["seconds"], 2)
    print(f"\nZuora invoices backfill at {latency_ms} ms latency: sequential pages vs time slices")
    print_runs(figures)
    print(f"  speedup, {workers} in flight over 1: {speedup}x")
    print(f"  requests, sliced / sequential:  {sliced['requests'] / sequential['requests']:.3f}")
    return {"latency_ms": latency_ms, "runs": figures, "speedup": speedup}
