"""A warehouse of all four vendors, loaded the way the nightly job loads it: each tap piped into
the loader against one sandbox, into one DuckDB file, and run again from its state."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import adobe
import pipeline
import zoho
import zoom
from test_e2e_zuora import tap_config as zuora_tap_config

from commerce_sandbox import SandboxServer

TAPS = {
    "zuora": ("tap-zuora-quickstart", zuora_tap_config),
    "zoho": ("tap-zoho-partner", zoho.tap_config),
    "zoom": ("tap-zoom-commerce", zoom.tap_config),
    "adobe": ("tap-adobe-vipmp", adobe.tap_config),
}


def load_all(
    sandbox: SandboxServer, workdir: Path, states: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Run every tap into `workdir`/warehouse.duckdb (incrementally from `states`, each vendor's
    last state); answer the new states."""
    zoho.fast_sandbox(sandbox)
    new_states = {}
    for vendor, (tap, tap_config) in TAPS.items():
        run = pipeline.run_pipeline(
            workdir / f"{vendor}-{len(list(workdir.glob(f'{vendor}-*')))}",
            tap,
            tap_config(sandbox),
            pipeline.target_config(workdir, vendor),
            state=(states or {}).get(vendor),
        ).check()
        new_states[vendor] = run.state
    return new_states
