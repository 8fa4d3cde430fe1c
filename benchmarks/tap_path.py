"""The tap's record path against the source's own limit, and the whole job through Meltano against
dlt (`run.py --suite tap`), on the same sandbox invoices in one run:

- a bare HTTP client (requests, the json module) fetching the same pages, one after another: what
  any client must pay for the pages; the tap reading them one after another (max_concurrency 1)
  and in time slices (the default, 4), each writing its Singer messages to a file;
- `meltano run tap-zuora-quickstart target-commerce-duckdb` (invoices selected) in a throwaway
  copy of the project, against dlt's rest_api source with parquet files on the same endpoint."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import requests
from run import BENCH, count_rows, dlt_load, tap_files, timed

from commerce_harness import ROOT
from commerce_harness.pipeline import BIN, LOADER
from commerce_harness.place import DemoPlace  # the demo's isolation: its warehouse and state
from commerce_harness.sandbox import SandboxProcess
from commerce_harness.taps import ZUORA
from commerce_sandbox.vendors import zuora


def bare_client(url: str) -> tuple[float, int]:
    """Seconds and rows for every page of /v2/invoices, fetched and parsed, nothing else."""
    started = time.monotonic()
    session = requests.Session()
    token = session.post(
        f"{url}/zuora/oauth/token",
        data={
            "client_id": zuora.CLIENT_ID,
            "client_secret": zuora.CLIENT_SECRET,
            "grant_type": "client_credentials",
        },
    ).json()["access_token"]
    session.headers["Authorization"] = f"Bearer {token}"
    rows, cursor = 0, None
    while True:
        params = {"page_size": 99, **({"cursor": cursor} if cursor else {})}
        page = session.get(f"{url}/zuora/v2/invoices", params=params).json()
        rows += len(page["data"])
        if not (cursor := page.get("next_page")):
            return time.monotonic() - started, rows


def tap_alone(work: Path, sandbox: SandboxProcess, concurrency: int) -> tuple[float, int]:
    command = tap_files(work, sandbox, "invoices", max_concurrency=concurrency)
    output = work / f"tap-{concurrency}.singer"
    with output.open("wb") as out:
        seconds, _ = timed(command, stdout=out)
    with output.open("rb") as singer:
        return seconds, sum(1 for line in singer if line.startswith(b'{"type":"RECORD"'))


def through_meltano(work: Path, sandbox: SandboxProcess) -> tuple[float, int]:
    project = work / "project"
    project.mkdir()
    shutil.copy(ROOT / "meltano.yml", project / "meltano.yml")
    place = DemoPlace(project, work / "meltano-output")
    place.reset()
    env = {
        **os.environ,
        **place.meltano_env,
        **ZUORA.env(sandbox),
        "TAP_ZUORA_QUICKSTART_START_DATE": "2020-01-01",
        "TAP_ZUORA_QUICKSTART__SELECT": json.dumps(["invoices.*"]),
    }
    started = time.monotonic()
    subprocess.run(
        [str(BIN / "meltano"), "run", ZUORA.name, LOADER],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
    )
    return time.monotonic() - started, count_rows(place.warehouse, "zuora.invoices")


def tap_path(scale: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix="bench-tap-", dir=BENCH))
    figures: dict[str, dict] = {}
    # A world of ~200k invoices takes minutes to grow on a busy machine.
    with SandboxProcess(scale=scale, startup_timeout=1800) as sandbox:
        runs = {
            "bare HTTP client, pages in sequence": lambda: bare_client(sandbox.url),
            "tap alone, pages in sequence": lambda: tap_alone(work, sandbox, 1),
            "tap alone, time slices (4)": lambda: tap_alone(work, sandbox, 4),
            "meltano run, tap + our loader": lambda: through_meltano(work, sandbox),
            "dlt rest_api, parquet": lambda: dlt_load(sandbox.url, "parquet", work / "dlt"),
        }
        for label, run in runs.items():
            seconds, rows = run()
            figures[label] = {
                "seconds": round(seconds, 2),
                "records": rows,
                "records_per_second": round(rows / seconds),
            }
    rate = {label: each["records_per_second"] for label, each in figures.items()}
    ratios = {
        "tap (sequence) / bare client": rate["tap alone, pages in sequence"]
        / rate["bare HTTP client, pages in sequence"],
        "tap (slices) / bare client": rate["tap alone, time slices (4)"]
        / rate["bare HTTP client, pages in sequence"],
        "meltano run / dlt parquet": rate["meltano run, tap + our loader"]
        / rate["dlt rest_api, parquet"],
    }
    print(f"\nZuora invoices, the tap's path and the whole job (sandbox scale {scale})")
    for label, each in figures.items():
        print(
            f"  {label:<38} {each['seconds']:>8} s {each['records']:>8} rows "
            f"{each['records_per_second']:>8} rows/s"
        )
    for label, ratio in ratios.items():
        print(f"  {label:<38} {ratio:>8.2f}x")
    return {"runs": figures, "ratios": {label: round(value, 3) for label, value in ratios.items()}}
