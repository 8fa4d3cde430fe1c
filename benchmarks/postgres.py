"""The PostgreSQL loaders against our DuckDB loader, on the same captured Singer stream (the Zuora
tap's invoices from the sandbox): target-commerce-postgres with COPY (meltano.yml's setting) and
with INSERT (the upstream's default), and MeltanoLabs' target-postgres as published, each into an
empty database of one throwaway server. Prints records per second and the ratio to our DuckDB
loader measured in the same run; the absolute figures on a shared 2-core machine are noise.

Usage: benchmarks/postgres.py [--invoices-scale 2000]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from run import BENCH, count_rows, tap_files, timed

from commerce_harness.pipeline import BIN
from commerce_harness.postgres import PostgresServer
from commerce_harness.sandbox import SandboxProcess
from loader import loader_config

LOADERS = (  # label, executable, settings
    ("target-commerce-postgres, COPY", "target-commerce-postgres", {"use_copy": True}),
    ("target-commerce-postgres, INSERT", "target-commerce-postgres", {"use_copy": False}),
    ("target-postgres 0.8.1, COPY", "target-postgres", {"use_copy": True}),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices-scale", type=int, default=2000)
    arguments = parser.parse_args()
    BENCH.mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="bench-postgres-", dir=BENCH))
    captured = work / "invoices.singer"
    with SandboxProcess(scale=arguments.invoices_scale) as sandbox, captured.open("wb") as out:
        timed(tap_files(work, sandbox, "invoices"), stdout=out)

    with captured.open("rb") as stdin:
        seconds, memory = timed(loader_config(work, "duckdb"), stdin=stdin)
    records = count_rows(work / "duckdb.duckdb", "zuora.invoices")
    figures = {"target-commerce-duckdb (baseline)": (seconds, memory, records)}
    with PostgresServer() as server:
        for number, (label, executable, settings) in enumerate(LOADERS):
            database = f"bench{number}"
            with server.connect("postgres", autocommit=True) as connection:
                connection.execute(f"CREATE DATABASE {database}")
            config = work / f"{database}.json"
            config.write_text(
                json.dumps(
                    {
                        **server.settings,
                        "database": database,
                        "default_target_schema": "zuora",
                        **settings,
                    }
                )
            )
            with captured.open("rb") as stdin:
                seconds, memory = timed([str(BIN / executable), "--config", str(config)], stdin)
            with server.connect(database) as connection:
                (stored,) = connection.execute("SELECT count(*) FROM zuora.invoices").fetchone()
            figures[label] = (seconds, memory, stored)

    baseline = records / figures["target-commerce-duckdb (baseline)"][0]
    print(f"\n{records} invoices, one captured stream; records/s and the ratio to the baseline")
    print(f"{'loader':<36} {'records/s':>10} {'ratio':>7} {'peak MiB':>9} {'rows':>8}")
    for label, (seconds, memory, stored) in figures.items():
        rate = records / seconds
        print(f"{label:<36} {rate:>10,.0f} {rate / baseline:>7.2f} {memory:>9} {stored:>8}")


if __name__ == "__main__":
    main()
