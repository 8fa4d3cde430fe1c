"""The DuckDB part of `make bench` on the nested invoice stream (`benchmarks/run.py --suite
nested`, nested_stream.py) at each size asked: target-commerce-duckdb (its fast path, default
settings) against DuckDB's own `read_json` of the same records (the physical limit: the records
alone, typed as the loader types them, into a new file) and PyPI's target-duckdb 0.8.0, each into
an empty DuckDB file. Prints records/s, peak memory (the process's RSS, from wait4), the rows each
stored and the ratios measured in the same run; absolute figures on a shared 2-core machine are
noise.

Usage: benchmarks/nested_duckdb.py [--records 200000 1000000] [--upstream-up-to 1000000]
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import nested_stream
from run import BENCH, count_rows, timed, venv

import loader

OURS = "target-commerce-duckdb"
READ_JSON = "DuckDB read_json, same records"
UPSTREAM = "target-duckdb 0.8.0"


def suite(counts: list[int], upstream_up_to: int) -> dict:
    BENCH.mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="bench-nested-", dir=BENCH))
    upstream = venv("target-duckdb")
    results: dict[str, dict] = {}
    ratios: dict[str, float] = {}
    for count in counts:
        stream = work / f"invoices-{count}.singer"
        with stream.open("wb") as out:
            nested_stream.write(out, count)
        schema, records = loader.split_stream(stream, work)
        runs: dict[str, tuple[float, int, int]] = {}

        with stream.open("rb") as stdin:
            seconds, memory = timed(
                loader.loader_config(work, f"ours-{count}", default_target_schema="bench"), stdin
            )
        runs[OURS] = (seconds, memory, count_rows(work / f"ours-{count}.duckdb", "bench.invoices"))

        limit = loader.read_json_limit(work, schema, records, timed, count)
        runs[READ_JSON] = (
            limit["seconds"],
            limit["loader_peak_mib"],
            count_rows(work / f"read_json-{records.stem}.duckdb", "invoices"),
        )
        records.unlink()

        if count <= upstream_up_to:
            database = work / f"upstream-{count}.duckdb"
            config = work / f"upstream-{count}.json"
            config.write_text(
                json.dumps({"filepath": str(database), "default_target_schema": "bench"})
            )
            with stream.open("rb") as stdin:
                seconds, memory = timed(
                    [str(upstream / "target-duckdb"), "--config", str(config)], stdin
                )
            runs[UPSTREAM] = (seconds, memory, count_rows(database, "bench.invoices"))
        stream.unlink()

        nested_stream.report_runs(count, runs, OURS, results, ratios)
    return {"results": results, "ratios": ratios}


def main() -> None:
    nested_stream.command_line(suite, __doc__.splitlines()[0], "target-duckdb 0.8.0")


if __name__ == "__main__":
    main()
