"""The loader's part of `make bench`, on the Zuora invoices run.py captured: our loader's fast path
against its per-record path, against DuckDB's own `read_json` of the same records (the physical
limit: the records alone, typed as the loader types them, into a new DuckDB file), and BATCH
messages (files written by singer-sdk's own batchers) against RECORD messages."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from singer_sdk.contrib.batch_encoder_jsonl import JSONLinesBatcher
from singer_sdk.contrib.batch_encoder_parquet import ParquetBatcher
from singer_sdk.contrib.msgspec import decoder
from singer_sdk.helpers._batch import BatchConfig

from commerce_harness.pipeline import BIN, LOADER
from target_commerce_duckdb.reader import envelope_decoder
from target_commerce_duckdb.types import column_type

READ_JSON = """
import sys, duckdb
connection = duckdb.connect(sys.argv[1])
connection.execute("SET TimeZone = 'UTC'")
connection.execute(
    "CREATE TABLE invoices AS SELECT * FROM read_json(?, format = 'newline_delimited', "
    "columns = " + sys.argv[3] + ")",
    [sys.argv[2]],
)
connection.close()
"""

WRITE_PARQUET = """
import sys, duckdb
duckdb.execute(
    "COPY (SELECT * FROM read_json(?, format = 'newline_delimited', columns = "
    + sys.argv[2] + ")) TO '" + sys.argv[3] + "' (FORMAT parquet)",
    [sys.argv[1]],
)
"""

Timed = Callable[..., tuple[float, int]]


def loader_config(work: Path, name: str, **settings: object) -> list[str]:
    config = {"database": str(work / f"{name}.duckdb"), "default_target_schema": "zuora"}
    (work / f"{name}.json").write_text(json.dumps(config | settings))
    return [str(BIN / LOADER), "--config", str(work / f"{name}.json")]


def split_stream(captured: Path, work: Path) -> tuple[dict, Path]:
    """The stream's schema, and its records alone as JSON lines (what read_json is given)."""
    records = work / f"{captured.stem}.records.jsonl"
    schema: dict = {}
    with captured.open("rb") as lines, records.open("wb") as out:
        for line in lines:
            envelope = envelope_decoder.decode(line)
            if envelope.type == "RECORD":
                out.write(bytes(envelope.record) + b"\n")
            elif envelope.type == "SCHEMA" and not schema:
                schema = decoder.decode(line)
    return schema, records


def column_types(schema: dict) -> str:
    """read_json's `columns` for the stream, typed as the loader types them."""
    properties = schema["schema"]["properties"]
    return (
        "{"
        + ", ".join(f"'{name}': '{column_type(node)}'" for name, node in properties.items())
        + "}"
    )


def read_json_limit(work: Path, schema: dict, records: Path, timed: Timed, count: int) -> dict:
    columns = column_types(schema)
    database = work / f"read_json-{records.stem}.duckdb"
    seconds, memory = timed(
        [str(BIN / "python"), "-c", READ_JSON, str(database), str(records), columns]
    )
    return {"records": count, "seconds": seconds, "loader_peak_mib": memory}


def batch_files(directory: Path, records: Path, file_format: str, columns: str) -> list[list[str]]:
    """BATCH manifests for the records, 50k a file, written by singer-sdk's own batchers (as a
    tap with batch_config writes them), in a child process: a child's peak RSS (wait4) counts
    what its parent held when it forked, and the batchers hold a chunk of records. singer-sdk's
    parquet batcher cannot write an empty object (Zuora's `custom_fields: {}`): DuckDB writes
    those parquet files instead."""
    written = subprocess.run(
        [sys.executable, __file__, str(directory), str(records), file_format],
        capture_output=True,
        text=True,
    )
    if written.returncode == 0:
        return json.loads(written.stdout)
    print(f"bench: singer-sdk's {file_format} batcher: {written.stderr.strip().splitlines()[-1]}")
    path = directory / "invoices-duckdb.parquet"
    subprocess.run(
        [str(BIN / "python"), "-c", WRITE_PARQUET, str(records), columns, str(path)], check=True
    )
    return [[f"file://{path}"]]


def sdk_batches(directory: Path, records: Path, file_format: str) -> list[list[str]]:
    encoding = {"format": file_format, "compression": "gzip" if file_format == "jsonl" else "none"}
    config = BatchConfig.from_dict(
        {
            "encoding": encoding,
            "storage": {"root": f"file://{directory}", "prefix": "invoices-"},
            "batch_size": 50_000,
        }
    )
    batcher = (JSONLinesBatcher if file_format == "jsonl" else ParquetBatcher)(
        "tap-zuora-quickstart", "invoices", config
    )
    with records.open("rb") as lines:
        return list(batcher.get_batches(decoder.decode(line) for line in lines))


def batch_stream(work: Path, schema: dict, records: Path, file_format: str) -> Path:
    """The records as singer-sdk BATCH messages."""
    directory = work / f"batch-{file_format}"
    directory.mkdir(exist_ok=True)
    encoding = {"format": file_format, "compression": "gzip" if file_format == "jsonl" else "none"}
    stream = work / f"batch-{file_format}.singer"
    with stream.open("w") as out:
        out.write(json.dumps(schema) + "\n")
        for manifest in batch_files(directory, records, file_format, column_types(schema)):
            message = {"type": "BATCH", "stream": "invoices", "encoding": encoding}
            out.write(json.dumps(message | {"manifest": manifest}) + "\n")
    return stream


def loader_figures(work: Path, captured: Path, count: int, timed: Timed) -> dict[str, dict]:
    """Loader runs on the captured stream of `count` records: per-record path, read_json's
    limit, BATCH jsonl.gz and parquet."""
    results: dict[str, dict] = {}
    with captured.open("rb") as stdin:
        seconds, memory = timed(loader_config(work, "per-record", fast_path=False), stdin=stdin)
    results["our loader, per-record path (fast_path off)"] = {
        "records": count,
        "seconds": seconds,
        "loader_peak_mib": memory,
    }
    schema, records = split_stream(captured, work)
    results["DuckDB read_json, same records"] = read_json_limit(work, schema, records, timed, count)
    for file_format, label in (("jsonl", "jsonl.gz"), ("parquet", "parquet")):
        stream = batch_stream(work, schema, records, file_format)
        with stream.open("rb") as stdin:
            seconds, memory = timed(loader_config(work, f"batch-{file_format}"), stdin=stdin)
        results[f"our loader, BATCH {label} messages"] = {
            "records": count,
            "seconds": seconds,
            "loader_peak_mib": memory,
        }
    return results


def batch_end_to_end(work: Path, tap: list[str], pipeline: Callable) -> tuple[float, int, int]:
    """The tap with batch_config (jsonl.gz files) piped into the loader, into e2e-batch.duckdb:
    seconds, tap and loader peak MiB."""
    config_path = Path(tap[tap.index("--config") + 1])
    files = work / "tap-batches"
    files.mkdir(exist_ok=True)
    config = json.loads(config_path.read_text()) | {
        "batch_config": {
            "encoding": {"format": "jsonl", "compression": "gzip"},
            "storage": {"root": f"file://{files}", "prefix": "invoices-"},
            "batch_size": 50_000,
        }
    }
    (work / "tap-batch.json").write_text(json.dumps(config))
    command = [*tap]
    command[tap.index("--config") + 1] = str(work / "tap-batch.json")
    return pipeline(command, loader_config(work, "e2e-batch"))


if __name__ == "__main__":  # batch_files' child: the manifests as JSON on stdout
    print(json.dumps(sdk_batches(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3])))
