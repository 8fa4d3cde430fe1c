"""The PostgreSQL part of `make bench` (`benchmarks/run.py --suite postgres`), on the nested invoice
stream (nested_stream.py) at each size asked: target-commerce-postgres (its fast path, with
meltano.yml's batch_size_rows) against a plain psycopg COPY of the same rows into a typed table
with a primary key (the physical limit: each record decoded once in Python and copied, no merge),
and MeltanoLabs' target-postgres 0.8.1 with `use_copy: true`, each into an empty database of one
throwaway server. Prints records/s, peak memory (the loader process's RSS, from wait4) and the
ratios measured in the same run; the absolute figures on a shared 2-core machine are noise.

Usage: benchmarks/postgres.py [--records 200000 1000000] [--upstream-up-to 200000]
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import nested_stream
from run import BENCH, timed

from commerce_harness.pipeline import BIN
from commerce_harness.postgres import PostgresServer

# The plain COPY: each record decoded once, its values copied into a typed table with a key.
PLAIN_COPY = """
import sys, msgspec, psycopg
from decimal import Decimal
from psycopg.types.json import Jsonb
stream, dsn, columns = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
envelope = msgspec.json.Decoder(type=dict, float_hook=Decimal)
dumps = msgspec.json.Encoder(decimal_format="number").encode
nested = {name for name in columns if name in sys.argv[4].split(",")}
with psycopg.connect(dsn) as connection, connection.cursor() as cursor:
    cursor.execute("SET TimeZone = 'UTC'")
    cursor.execute(sys.argv[5])
    with cursor.copy("COPY plain.invoices (" + sys.argv[3] + ") FROM STDIN") as copy, \\
            open(stream, "rb", buffering=1 << 22) as lines:
        for line in lines:
            message = envelope.decode(line)
            if message["type"] == "RECORD":
                record = message["record"]
                values = [record.get(name) for name in columns]
                copy.write_row([
                    Jsonb(value, dumps) if name in nested and value is not None else value
                    for name, value in zip(columns, values)
                ])
"""

SQL_TYPES = {
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "DATE": "date",
    "BIGINT": "bigint",
    "BOOLEAN": "boolean",
    "JSON": "jsonb",
    "VARCHAR": "text",
}


def typed_table() -> tuple[str, list[str], list[str]]:
    """The plain COPY's table (the loader's column types), its columns, its JSONB columns."""
    from target_commerce_duckdb.types import column_type

    types = {
        name: SQL_TYPES.get(column_type(node), "numeric")
        for name, node in nested_stream.PROPERTIES.items()
    }
    columns = ", ".join(f'"{name}" {kind}' for name, kind in types.items())
    create = (
        "CREATE SCHEMA plain; "
        f'CREATE TABLE plain.invoices ({columns}, PRIMARY KEY ("{nested_stream.KEY}"))'
    )
    return create, list(types), [name for name, kind in types.items() if kind == "jsonb"]


def loader_run(
    server: PostgresServer,
    work: Path,
    database: str,
    executable: str,
    stream: Path,
    **settings: object,
) -> tuple[float, int]:
    config = work / f"{database}.json"
    config.write_text(
        json.dumps(
            {**server.settings, "database": database, "default_target_schema": "bench"} | settings
        )
    )
    with stream.open("rb") as stdin:
        return timed([str(BIN / executable), "--config", str(config)], stdin)


def database(server: PostgresServer, name: str) -> str:
    with server.connect("postgres", autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return name


def stored(server: PostgresServer, name: str, table: str) -> int:
    with server.connect(name) as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def suite(counts: list[int], upstream_up_to: int) -> dict:
    BENCH.mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="bench-postgres-", dir=BENCH))
    results: dict[str, dict] = {}
    ratios: dict[str, float] = {}
    create, columns, nested = typed_table()
    with PostgresServer() as server:
        for count in counts:
            stream = work / f"invoices-{count}.singer"
            with stream.open("wb") as out:
                nested_stream.write(out, count)
            runs: dict[str, tuple[float, int, int]] = {}

            name = database(server, f"ours_{count}")
            seconds, memory = loader_run(
                server, work, name, "target-commerce-postgres", stream, batch_size_rows=100_000
            )
            runs["target-commerce-postgres"] = (
                seconds,
                memory,
                stored(server, name, "bench.invoices"),
            )

            name = database(server, f"plain_{count}")
            dsn = f"{server.dsn} dbname={name}"  # the later keyword wins
            seconds, memory = timed(
                [
                    str(BIN / "python"),
                    "-c",
                    PLAIN_COPY,
                    str(stream),
                    dsn,
                    ",".join(columns),
                    ",".join(nested),
                    create,
                ]
            )
            runs["plain psycopg COPY, typed table with a key"] = (
                seconds,
                memory,
                stored(server, name, "plain.invoices"),
            )

            if count <= upstream_up_to:
                name = database(server, f"upstream_{count}")
                seconds, memory = loader_run(
                    server, work, name, "target-postgres", stream, use_copy=True
                )
                runs["target-postgres 0.8.1 (use_copy)"] = (
                    seconds,
                    memory,
                    stored(server, name, "bench.invoices"),
                )
            stream.unlink()

            nested_stream.report_runs(count, runs, "target-commerce-postgres", results, ratios)
    return {"results": results, "ratios": ratios}


def main() -> None:
    nested_stream.command_line(suite, __doc__.splitlines()[0], "target-postgres 0.8.1")


if __name__ == "__main__":
    main()
