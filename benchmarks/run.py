"""`make bench`: throughput and memory of the Zuora tap and the DuckDB loader, against baselines
measured in the same run (PyPI's target-duckdb 0.8.0, dlt's rest_api source); and a Zoho backfill
under the vendor's real limit (100 requests a minute), measuring the rate the tap keeps and its
wall time against requests / limit. Prints tables and writes .bench/results.json. Absolute times
on a shared 2-core machine are noise: read the ratios.

The Zoom and Adobe parts measure what concurrent detail requests buy: the same extraction (Zoom's
subscription details, and invoice details under their billing documents; Adobe's customer
details) with max_concurrency 1 and 8, against a sandbox answering every request after 100 ms.

The PostgreSQL part (postgres.py) loads the nested invoice stream (nested_stream.py) with
target-commerce-postgres, a plain psycopg COPY and target-postgres 0.8.1; the nested part
(nested_duckdb.py) loads it with target-commerce-duckdb, DuckDB's read_json and target-duckdb 0.8.0.

Usage: benchmarks/run.py [--suite all|zuora|zoho|zoom|adobe|sliced|tap|postgres|nested]
                         [--invoices-scale 8600] [--million-scale 17000] [--skip-million]
                         [--zoho-scale 300] [--zoom-scale 40] [--adobe-scale 200]
                         [--postgres-records 200000 1000000] [--upstream-up-to 200000]
                         [--nested-records 200000 1000000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import loader
from commerce_harness import ROOT
from commerce_harness.catalog import catalog_selecting
from commerce_harness.pipeline import BIN
from commerce_harness.sandbox import SandboxProcess
from commerce_harness.taps import ADOBE, ZOHO, ZOOM, ZUORA, Tap

BENCH = ROOT / ".bench"
VENVS = {
    "target-duckdb": ["target-duckdb==0.8.0", "duckdb==2.0.0"],
    "dlt": ["dlt[duckdb]==1.31.0", "pyarrow", "duckdb==2.0.0"],
}


def venv(name: str) -> Path:
    """A venv of its own per baseline, so their pins never meet ours."""
    path = BENCH / f"venv-{name}"
    if not (path / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
        subprocess.run([str(path / "bin" / "pip"), "install", "-q", *VENVS[name]], check=True)
    return path / "bin"


def wait(process: subprocess.Popen) -> tuple[int, int]:
    """Exit code and peak resident memory (MiB) of one child."""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, usage.ru_maxrss // 1024


def tap_files(workdir: Path, sandbox: SandboxProcess, stream: str, **settings: object) -> list[str]:
    """The Zuora tap's command line reading `stream` alone from `sandbox`, its files in
    `workdir`."""
    (workdir / "tap.json").write_text(json.dumps(ZUORA.config(sandbox, **settings)))
    catalog = catalog_selecting(str(BIN / ZUORA.name), {stream})
    (workdir / "catalog.json").write_text(json.dumps(catalog))
    return [
        str(BIN / ZUORA.name),
        "--config",
        str(workdir / "tap.json"),
        "--catalog",
        str(workdir / "catalog.json"),
    ]


def dlt_load(url: str, file_format: str, directory: Path) -> tuple[float, int]:
    """dlt's rest_api source loading the sandbox's Zuora invoices: seconds and rows stored."""
    directory.mkdir()
    python = venv("dlt") / "python"  # built on first use: not part of dlt's time
    started = time.monotonic()
    output = subprocess.run(
        [
            str(python),
            str(ROOT / "benchmarks" / "dlt_zuora_invoices.py"),
            f"{url}/zuora",
            file_format,
            str(directory),
        ],
        capture_output=True,
        text=True,
    )
    if output.returncode != 0:
        sys.exit(f"bench: dlt failed: {output.stderr[-2000:]}")
    return time.monotonic() - started, int(output.stdout.split()[-2])


def count_rows(database: Path, table: str) -> int:
    import duckdb

    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def timed(command: list[str], stdin=None, stdout=None) -> tuple[float, int]:
    """Seconds and peak RSS (MiB) of one command; its error output ends the bench if it fails."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            command, stdin=stdin, stdout=stdout or subprocess.DEVNULL, stderr=errors
        )
        code, memory = wait(process)
        if code != 0:
            errors.seek(0)
            tail = errors.read()[-2000:].decode(errors="replace")
            sys.exit(f"bench: {command[0]} exited {code}:\n{tail}")
    return time.monotonic() - started, memory


def pipeline(tap: list[str], target: list[str]) -> tuple[float, int, int]:
    started = time.monotonic()
    tap_process = subprocess.Popen(tap, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    target_process = subprocess.Popen(
        target, stdin=tap_process.stdout, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    tap_process.stdout.close()
    (tap_code, tap_memory), (target_code, target_memory) = wait(tap_process), wait(target_process)
    if tap_code or target_code:
        sys.exit(f"bench: pipeline failed (tap {tap_code}, target {target_code})")
    return time.monotonic() - started, tap_memory, target_memory


def rekeyed(source: Path, destination: Path, copies: int) -> int:
    """The captured stream repeated with fresh ids, to measure memory at a larger size. Read line
    by line: a child's peak RSS (wait4) counts what this process held when it forked the child."""
    written = 0
    with destination.open("wb") as out:
        with source.open("rb") as lines:
            out.writelines(line for line in lines if b'"type":"SCHEMA"' in line)
        for copy in range(copies):
            with source.open("rb") as lines:
                for line in lines:
                    if b'"type":"RECORD"' in line:
                        out.write(line.replace(b'"id":"', f'"id":"{copy}-'.encode(), 1))
                        written += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--suite",
        choices=("all", "zuora", "zoho", "zoom", "adobe", "sliced", "tap", "postgres", "nested"),
        default="all",
    )
    parser.add_argument(
        "--invoices-scale", type=int, default=8600, help="sandbox accounts (~23 invoices each)"
    )
    parser.add_argument(
        "--million-scale", type=int, default=17000, help="accounts giving ~1M invoice items"
    )
    parser.add_argument("--skip-million", action="store_true")
    parser.add_argument(
        "--zoho-scale", type=int, default=300, help="Zoho customers (~35 transactions each)"
    )
    parser.add_argument(
        "--zoom-scale",
        type=int,
        default=40,
        help="Zoom customers (~1.4 subscriptions, ~10 invoices each)",
    )
    parser.add_argument("--adobe-scale", type=int, default=200, help="Adobe customers")
    parser.add_argument(
        "--postgres-records",
        type=int,
        nargs="+",
        default=[200_000, 1_000_000],
        help="sizes of the nested invoice stream the PostgreSQL loaders load",
    )
    parser.add_argument(
        "--upstream-up-to",
        type=int,
        default=200_000,
        help="largest stream target-postgres 0.8.1 loads (~10 minutes per 200k records here)",
    )
    parser.add_argument(
        "--nested-records",
        type=int,
        nargs="+",
        default=[200_000, 1_000_000],
        help="sizes of the nested invoice stream the DuckDB loaders load",
    )
    arguments = parser.parse_args()
    BENCH.mkdir(exist_ok=True)
    results: dict[str, dict] = {}
    if arguments.suite in ("all", "zoho"):
        results["zoho"] = zoho_rate_limited_backfill(arguments.zoho_scale)
    if arguments.suite in ("all", "zoom"):
        results["zoom"] = zoom_concurrency(arguments.zoom_scale)
    if arguments.suite in ("all", "adobe"):
        results["adobe"] = adobe_concurrency(arguments.adobe_scale)
    if arguments.suite in ("all", "zuora"):
        results["zuora"] = zuora_throughput(arguments)
    if arguments.suite in ("all", "sliced"):
        from sliced import zuora_sliced  # it imports this module's helpers

        results["sliced"] = zuora_sliced(arguments.invoices_scale)
    if arguments.suite in ("all", "tap"):
        from tap_path import tap_path  # it imports this module's helpers

        results["tap"] = tap_path(arguments.invoices_scale)
    if arguments.suite in ("all", "postgres"):
        from postgres import suite  # it imports this module's helpers

        results["postgres"] = suite(arguments.postgres_records, arguments.upstream_up_to)
    if arguments.suite in ("all", "nested"):
        import nested_duckdb  # it imports this module's helpers

        results["nested"] = nested_duckdb.suite(arguments.nested_records, sys.maxsize)
    (BENCH / "results.json").write_text(json.dumps(results, indent=2))


def zoho_rate_limited_backfill(scale: int) -> dict:
    """A full tap-zoho-partner backfill into our loader against a sandbox enforcing Zoho's 100
    requests a minute, the tap at its default pace (100 a minute). From the tap's log: requests
    (with their times), the most in any 60 s, 429s; wall time against requests / limit."""
    limit = 100
    work = Path(tempfile.mkdtemp(prefix="bench-zoho-", dir=BENCH))
    with SandboxProcess("--rate-limit-per-minute", str(limit), scale=scale) as sandbox:
        config = work / "tap.json"
        config.write_text(
            json.dumps(ZOHO.config(sandbox, start_date="2019-01-01", requests_per_minute=limit))
        )
        log = work / "tap.log"
        started = time.monotonic()
        with log.open("w") as stderr:
            tap = subprocess.Popen(
                [str(BIN / ZOHO.name), "--config", str(config)],
                stdout=subprocess.PIPE,
                stderr=stderr,
                # The METRIC lines (one per request, with its time) come at debug level only.
                env={**os.environ, "TAP_ZOHO_PARTNER_LOGLEVEL": "debug"},
            )
            target = subprocess.Popen(
                loader.loader_config(work, "zoho", default_target_schema="zoho"),
                stdin=tap.stdout,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            tap.stdout.close()
            if wait(tap)[0] or wait(target)[0]:
                sys.exit(f"bench: the Zoho backfill failed; see {log}")
        seconds = time.monotonic() - started
        served = ZOHO.requests_served(sandbox)
    times, statuses = [], []
    for line in log.read_text().splitlines():
        if '"metric":"http_request_duration"' in line:
            times.append(dt.datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f").timestamp())
            statuses.append(json.loads(line.split("METRIC: ", 1)[1])["tags"]["http_status_code"])
    busiest = max(sum(1 for other in times if moment <= other < moment + 60) for moment in times)
    api_requests = len(times)
    ideal = api_requests * 60 / limit
    figures = {
        "scale": scale,
        "api_requests": api_requests,
        "token_requests": served.get("POST /accounts/oauth/v2/token"),
        "requests_served": sum(served.values()),
        "http_429": statuses.count(429),
        "busiest_60s": busiest,
        "limit_per_minute": limit,
        "wall_seconds": round(seconds, 1),
        "ideal_seconds": ideal,
        "wall_over_ideal": round(seconds / ideal, 3),
        "utilisation": round(api_requests / (seconds / 60) / limit, 3),
    }
    print("\nZoho backfill under the rate limit")
    for name, value in figures.items():
        print(f"  {name:<20} {value}")
    return figures


def extraction(
    sandbox: SandboxProcess, tap: Tap, streams: set[str], work: Path, concurrency: int
) -> dict:
    """One run of `tap` reading `streams` with `concurrency` requests in flight, its Singer
    output to a file: wall time, the requests the sandbox served, and the records written."""
    (work / "tap.json").write_text(json.dumps(tap.config(sandbox, max_concurrency=concurrency)))
    (work / "catalog.json").write_text(json.dumps(catalog_selecting(str(BIN / tap.name), streams)))
    sandbox.control.reset_stats()
    output = work / "out.singer"
    with output.open("wb") as out:
        seconds, _ = timed(
            [
                str(BIN / tap.name),
                "--config",
                str(work / "tap.json"),
                "--catalog",
                str(work / "catalog.json"),
            ],
            stdout=out,
        )
    with output.open("rb") as singer:
        records = sum(1 for line in singer if line.startswith(b'{"type":"RECORD"'))
    return {
        "seconds": round(seconds, 1),
        "requests": tap.requests_total(sandbox),
        "records": records,
    }


def print_runs(figures: dict[str, dict]) -> None:
    """One line per run of a concurrency benchmark: its time, requests and records."""
    for label, values in figures.items():
        print(
            f"  {label:<28} {values['seconds']:>7} s  {values['requests']:>5} requests"
            f"  {values['records']:>6} records"
        )


def zoom_concurrency(scale: int, latency_ms: int = 100) -> dict:
    """Wall time of detail-heavy extractions with one detail request at a time and with eight,
    each answer delayed `latency_ms`; the tap paced just under Zoom's Business+ limits."""
    work = Path(tempfile.mkdtemp(prefix="bench-zoom-", dir=BENCH))
    figures: dict[str, dict] = {}
    with SandboxProcess("--latency-ms", str(latency_ms), scale=scale) as sandbox:
        for stream in ("subscriptions", "invoices"):
            for workers in (1, 8):
                figures[f"{stream}, {workers} in flight"] = extraction(
                    sandbox, ZOOM, {stream}, work, workers
                )
    speedups = {
        streams: round(
            figures[f"{streams}, 1 in flight"]["seconds"]
            / figures[f"{streams}, 8 in flight"]["seconds"],
            2,
        )
        for streams in ("subscriptions", "invoices")
    }
    print(f"\nZoom detail requests at {latency_ms} ms latency")
    print_runs(figures)
    for streams, speedup in speedups.items():
        print(f"  speedup, {streams:<19} {speedup:>7}x")
    return {"latency_ms": latency_ms, "runs": figures, "speedup_8_over_1": speedups}


def adobe_concurrency(scale: int, latency_ms: int = 100) -> dict:
    """Wall time of the customers stream (the directory's listings, then one detail per customer)
    with one request at a time and with eight, each answer delayed `latency_ms`."""
    work = Path(tempfile.mkdtemp(prefix="bench-adobe-", dir=BENCH))
    figures: dict[str, dict] = {}
    with SandboxProcess("--latency-ms", str(latency_ms), scale=scale) as sandbox:
        for workers in (1, 8):
            figures[f"customers, {workers} in flight"] = extraction(
                sandbox, ADOBE, {"customers"}, work, workers
            )
    speedup = round(
        figures["customers, 1 in flight"]["seconds"] / figures["customers, 8 in flight"]["seconds"],
        2,
    )
    print(f"\nAdobe customer details at {latency_ms} ms latency")
    print_runs(figures)
    print(f"  speedup, customers            {speedup:>7}x")
    return {"latency_ms": latency_ms, "runs": figures, "speedup_8_over_1": speedup}


def zuora_throughput(arguments: argparse.Namespace) -> dict:
    target_duckdb = venv("target-duckdb")
    results: dict[str, dict] = {}
    work = Path(tempfile.mkdtemp(prefix="bench-", dir=BENCH))

    with SandboxProcess(scale=arguments.invoices_scale) as sandbox:
        tap = tap_files(work, sandbox, "invoices")
        seconds, tap_memory, target_memory = pipeline(tap, loader.loader_config(work, "e2e"))
        rows = count_rows(work / "e2e.duckdb", "zuora.invoices")
        results["tap+loader end to end"] = {
            "records": rows,
            "seconds": seconds,
            "tap_peak_mib": tap_memory,
            "loader_peak_mib": target_memory,
        }
        captured = work / "invoices.singer"
        with captured.open("wb") as out:
            seconds, memory = timed(tap, stdout=out)
        results["tap alone (to a file)"] = {
            "records": rows,
            "seconds": seconds,
            "tap_peak_mib": memory,
        }
        for label, command, database, table in (
            (
                "our loader (from the file)",
                loader.loader_config(work, "ours"),
                work / "ours.duckdb",
                "zuora.invoices",
            ),
            (
                "target-duckdb 0.8.0 (from the file)",
                [str(target_duckdb / "target-duckdb"), "--config", str(work / "td.json")],
                work / "td.duckdb",
                "zuora.invoices",
            ),
        ):
            (work / "td.json").write_text(
                json.dumps({"filepath": str(work / "td.duckdb"), "default_target_schema": "zuora"})
            )
            with captured.open("rb") as stdin:
                seconds, memory = timed(command, stdin=stdin)
            results[label] = {
                "records": rows,
                "seconds": seconds,
                "loader_peak_mib": memory,
                "rows_stored": count_rows(database, table),
            }
        seconds, tap_memory, target_memory = loader.batch_end_to_end(work, tap, pipeline)
        results["tap+loader end to end, BATCH jsonl.gz"] = {
            "records": rows,
            "seconds": seconds,
            "rows_stored": count_rows(work / "e2e-batch.duckdb", "zuora.invoices"),
            "tap_peak_mib": tap_memory,
            "loader_peak_mib": target_memory,
        }
        for file_format in ("default", "parquet"):
            seconds, stored = dlt_load(sandbox.url, file_format, work / f"dlt-{file_format}")
            results[f"dlt rest_api ({file_format} format)"] = {
                "records": rows,
                "rows_stored": stored,
                "seconds": seconds,
            }

    results.update(loader.loader_figures(work, captured, rows, timed))
    loader_1m = work / "million.singer"
    million = rekeyed(captured, loader_1m, max(1, round(1_000_000 / rows)))
    with loader_1m.open("rb") as stdin:
        seconds, memory = timed(loader.loader_config(work, "million"), stdin=stdin)
    results["our loader, 1M records"] = {
        "records": million,
        "seconds": seconds,
        "loader_peak_mib": memory,
    }
    results["DuckDB read_json, 1M records"] = loader.read_json_limit(
        work, *loader.split_stream(loader_1m, work), timed, million
    )
    if not arguments.skip_million:
        # A world this large takes minutes to grow.
        with SandboxProcess(scale=arguments.million_scale, startup_timeout=1800) as sandbox:
            output = work / "items.singer"
            with output.open("wb") as out:
                seconds, memory = timed(tap_files(work, sandbox, "invoice_items"), stdout=out)
            with output.open("rb") as singer:
                items = sum(1 for line in singer if line.startswith(b'{"type":"RECORD"'))
            results["tap alone, ~1M invoice items"] = {
                "records": items,
                "seconds": seconds,
                "tap_peak_mib": memory,
                "sandbox_startup_seconds": sandbox.startup_seconds,
            }

    for figures in results.values():
        figures["records_per_second"] = round(figures["records"] / figures["seconds"])
    rate = {label: figures["records_per_second"] for label, figures in results.items()}
    ratios = {
        "our loader / target-duckdb 0.8.0 (records/s)": rate["our loader (from the file)"]
        / rate["target-duckdb 0.8.0 (from the file)"],
        "our loader / DuckDB read_json (records/s)": rate["our loader (from the file)"]
        / rate["DuckDB read_json, same records"],
        "our loader / DuckDB read_json, 1M records (records/s)": rate["our loader, 1M records"]
        / rate["DuckDB read_json, 1M records"],
        "our loader, fast path / per-record path (records/s)": rate["our loader (from the file)"]
        / rate["our loader, per-record path (fast_path off)"],
        **{
            f"our loader, BATCH {encoding} / RECORD messages (records/s)": rate[
                f"our loader, BATCH {encoding} messages"
            ]
            / rate["our loader (from the file)"]
            for encoding in ("jsonl.gz", "parquet")
            if f"our loader, BATCH {encoding} messages" in rate
        },
        "tap+loader, BATCH jsonl.gz / RECORD messages (records/s)": rate[
            "tap+loader end to end, BATCH jsonl.gz"
        ]
        / rate["tap+loader end to end"],
        "tap+loader / dlt rest_api default (records/s)": rate["tap+loader end to end"]
        / rate["dlt rest_api (default format)"],
        "tap+loader / dlt rest_api parquet (records/s)": rate["tap+loader end to end"]
        / rate["dlt rest_api (parquet format)"],
    }
    print(
        f"\n{'measurement':<38} {'records':>9} {'seconds':>8} {'rec/s':>8} {'stored':>8}"
        f" {'tap MiB':>8} {'load MiB':>8}"
    )
    for label, figures in results.items():
        print(
            f"{label:<38} {figures['records']:>9} {figures['seconds']:>8.1f}"
            f" {figures['records_per_second']:>8} {figures.get('rows_stored', ''):>8}"
            f" {figures.get('tap_peak_mib', ''):>8} {figures.get('loader_peak_mib', ''):>8}"
        )
    print()
    for label, ratio in ratios.items():
        print(f"{label:<50} {ratio:6.2f}x")
    return {"results": results, "ratios": ratios}


if __name__ == "__main__":
    main()
