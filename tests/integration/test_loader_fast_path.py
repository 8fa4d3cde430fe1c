"""The loader's fast path (raw JSON to DuckDB's read_json), BATCH files, x-singer.decimal, column
comments and `_sdc_extra`: each through the real CLI into real DuckDB files, and the fast path
compared table for table with singer-sdk's per-record path on every stream of the four taps."""

from __future__ import annotations

import gzip
import json
from decimal import Decimal

import duckdb
import pytest
from singer_sdk.contrib.batch_encoder_jsonl import JSONLinesBatcher
from singer_sdk.contrib.batch_encoder_parquet import ParquetBatcher
from singer_sdk.helpers._batch import BatchConfig
from singer_sdk.singerlib.json import serialize_json
from test_loader_duckdb import (
    load,
    query,
    record,
    run_loader,
    schema_message,
    states_of,
    write_lines,
)

from commerce_harness.taps import TAPS, fast_zoho

# Stamped per batch or per run, not per record: they differ between any two loads.
LOAD_STAMPS = {"_sdc_received_at", "_sdc_batched_at", "_sdc_sequence", "_sdc_sync_started_at"}

WIDE = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "amount": {"type": ["number", "null"]},
        "exact": {"type": ["string", "null"], "format": "x-singer.decimal"},
        "count": {"type": ["integer", "null"]},
        "paid": {"type": ["boolean", "null"]},
        "day": {"type": ["string", "null"], "format": "date"},
        "at": {"type": ["string", "null"], "format": "date-time"},
        "lines": {"type": ["array", "null"]},
        "note": {"type": ["string", "null"]},
    },
}


def wide_rows(count):
    return [
        {
            "id": f"r{i % (count - 3)}",  # three keys repeat: the last one wins
            "amount": Decimal(f"{i}.{i % 100:02d}"),
            "exact": f"{i}.000000001",
            "count": i,
            "paid": i % 2 == 0,
            "day": f"2024-02-{1 + i % 28:02d}",
            "at": f"2024-01-01T{i % 24:02d}:00:00{'+05:30' if i % 3 else '-08:00'}",
            "lines": [{"sku": f"S{i}", "price": Decimal("19.90")}] if i % 4 else None,
            "note": None if i % 5 else f"note {i} with \"quotes\" and 'apostrophes'",
        }
        for i in range(count)
    ]


def record_lines(stream, rows):
    return [
        serialize_json({"type": "RECORD", "stream": stream, "record": row}).replace("\n", " ")
        for row in rows
    ]


def tables(database, schema, leave_out=LOAD_STAMPS):
    """Every table of `schema`: its columns with types, and its rows without `leave_out`."""
    with duckdb.connect(str(database), read_only=True) as connection:
        connection.execute("SET TimeZone = 'UTC'")
        names = [
            name
            for (name,) in connection.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = ? ORDER BY 1",
                [schema],
            ).fetchall()
        ]
        result = {}
        for table in names:
            columns = connection.execute(
                "SELECT column_name, data_type FROM duckdb_columns() "
                "WHERE schema_name = ? AND table_name = ? ORDER BY column_index",
                [schema, table],
            ).fetchall()
            kept = ", ".join(f'"{name}"' for name, _ in columns if name not in leave_out)
            rows = connection.execute(
                f'SELECT {kept} FROM "{schema}"."{table}" ORDER BY ALL'
            ).fetchall()
            result[table] = (columns, rows)
        return result


def test_x_singer_decimal_strings_land_as_exact_decimals_on_both_paths(tmp_path):
    schema = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "price": {"type": ["string", "null"], "format": "x-singer.decimal"},
        },
    }
    messages = [schema_message(schema=schema)] + [
        record({"id": i, "price": "0.10" if i % 10 else "0.01"}) for i in range(10_000)
    ]
    messages.append(record({"id": 10_000, "price": "12345678901234567890.123456789"}))
    for fast_path in (True, False):
        directory = tmp_path / str(fast_path)
        directory.mkdir()
        load(directory, messages, fast_path=fast_path, batch_size_rows=3000)
        assert query(directory, "SELECT sum(price) FROM s.items") == [
            (Decimal("12345678901234568800.123456789"),)  # 910.00 + the big one, exactly
        ]
        (kind,) = query(
            directory,
            "SELECT data_type FROM duckdb_columns() WHERE column_name = 'price'",
        )[0]
        assert kind == "DECIMAL(38,9)"


def test_nested_values_keep_the_taps_exact_text(tmp_path):
    """DuckDB's JSON reader re-prints nested numbers through a double; the fast path does not
    let it."""
    load(
        tmp_path,
        [
            schema_message(keys=()),
            '{"type":"RECORD","stream":"items","record":{"id":1,'
            '"payload":{"big":12345678901234567890.12,"price":1.50,"list":[100.00,{"a":null}]}}}',
            '{"type":"RECORD","stream":"items","record":{"id":2,"payload":"a string"}}',
            '{"type":"RECORD","stream":"items","record":{"id":3,"payload":null}}',
            '{"type":"RECORD","stream":"items","record":{}}',
        ],
    )
    assert query(tmp_path, "SELECT id, payload FROM s.items ORDER BY id") == [
        (1, '{"big":12345678901234567890.12,"price":1.50,"list":[100.00,{"a":null}]}'),
        (2, '"a string"'),
        (3, None),
        (None, None),
    ]


@pytest.mark.parametrize("encoding", ["jsonl", "jsonl.gz", "parquet"])
def test_batch_files_load_equal_to_the_same_records(tmp_path, encoding):
    rows = wide_rows(2_000)
    records_dir, batch_dir = tmp_path / "records", tmp_path / "batch"
    records_dir.mkdir()
    batch_dir.mkdir()
    stream = "items"
    head = [json.dumps(schema_message(stream, WIDE, keys=("id",)))]
    load(records_dir, head + record_lines(stream, rows))

    file_encoding = {
        "format": "parquet" if encoding == "parquet" else "jsonl",
        "compression": "gzip" if encoding == "jsonl.gz" else "none",
    }
    batch_config = BatchConfig.from_dict(
        {
            "encoding": file_encoding,
            "storage": {"root": f"file://{batch_dir}", "prefix": "part-"},
            "batch_size": 700,
        }
    )
    if encoding == "jsonl":  # singer-sdk's batcher always compresses: plain files by hand
        manifests = []
        for start in range(0, len(rows), 700):
            path = batch_dir / f"part-{start}.jsonl"
            path.write_text("".join(serialize_json(row) + "\n" for row in rows[start:][:700]))
            manifests.append([f"file://{path}"])
    else:
        batcher = (ParquetBatcher if encoding == "parquet" else JSONLinesBatcher)(
            "tap-test", stream, batch_config
        )
        manifests = list(batcher.get_batches(iter(rows)))
    if encoding == "jsonl.gz":
        with gzip.open(manifests[0][0].removeprefix("file://")) as check:
            assert check.readline().startswith(b"{")
    batch_messages = [
        json.dumps(
            {
                "type": "BATCH",
                "stream": stream,
                "encoding": file_encoding,
                "manifest": manifest,
            }
        )
        for manifest in manifests
    ]
    load(batch_dir, head + batch_messages)

    # BATCH files carry no time_extracted; every other value is the same.
    leave_out = LOAD_STAMPS | {"_sdc_extracted_at"}
    from_records = tables(records_dir / "w.duckdb", "s", leave_out)["items"]
    from_batches = tables(batch_dir / "w.duckdb", "s", leave_out)["items"]
    assert from_batches[0] == from_records[0]  # the same columns and types
    assert len(from_records[1]) == 1_997
    if encoding != "parquet":
        assert from_batches[1] == from_records[1]
    else:  # parquet keeps nested numbers as typed decimals, not the tap's text: equal values
        assert [as_values(row) for row in from_batches[1]] == [
            as_values(row) for row in from_records[1]
        ]


def as_values(row):
    """A row with its JSON text parsed (numbers as Decimals: 19.9 == 19.90)."""
    return tuple(
        json.loads(value, parse_float=Decimal)
        if isinstance(value, str) and value[:1] in "[{"
        else value
        for value in row
    )


def test_the_byte_budget_splits_batches_whatever_batch_size_rows_says(tmp_path):
    messages = [schema_message()]
    for i in range(3_000):
        messages.append(record({"id": i, "payload": {"text": "x" * 200}}))
        if i % 500 == 499:
            messages.append({"type": "STATE", "value": {"done": i}})
    states = load(tmp_path, messages, batch_size_rows=1_000_000, batch_size_bytes=100_000)
    # Each batch of ~100 kB is committed before the state that follows it goes out.
    assert len(states) >= 5 and states[-1] == {"done": 2999}
    assert query(tmp_path, "SELECT count(*) FROM s.items") == [(3_000,)]


def test_descriptions_become_column_comments_refreshed_when_they_change(tmp_path):
    def described(text):
        return {
            "type": "object",
            "properties": {
                "id": {"type": "integer", "description": "The invoice's id."},
                "amount": {"type": ["number", "null"], "description": text},
                "plain": {"type": ["string", "null"]},
            },
        }

    def comments():
        return dict(
            query(
                tmp_path,
                "SELECT column_name, comment FROM duckdb_columns() WHERE table_name = 'items'",
            )
        )

    load(tmp_path, [schema_message(schema=described("Total, tax included."))])
    assert comments()["id"] == "The invoice's id."
    assert comments()["amount"] == "Total, tax included."
    assert comments()["plain"] is None
    load(tmp_path, [schema_message(schema=described("Total in the invoice's currency."))])
    assert comments()["amount"] == "Total in the invoice's currency."


def test_sdc_extra_is_added_by_schema_evolution_and_stored_as_exact_json(tmp_path):
    narrow = {"type": "object", "properties": {"id": {"type": "integer"}}}
    load(tmp_path, [schema_message(schema=narrow), record({"id": 1})])
    with_extra = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "_sdc_extra": {"type": ["object", "null"], "additionalProperties": True},
        },
    }
    load(
        tmp_path,
        [
            schema_message(schema=with_extra),
            '{"type":"RECORD","stream":"items","record":{"id":2,'
            '"_sdc_extra":{"vendor_field":"v","total":"N/A","rate":0.070}}}',
        ],
    )
    assert query(tmp_path, "SELECT id, _sdc_extra FROM s.items ORDER BY id") == [
        (1, None),
        (2, '{"vendor_field":"v","total":"N/A","rate":0.070}'),
    ]
    types = dict(
        query(
            tmp_path, "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name='items'"
        )
    )
    assert types["_sdc_extra"] == "JSON"


@pytest.fixture(scope="module")
def captured(module_sandboxes, tmp_path_factory):
    """Every stream of the four taps, as each tap writes it, captured once from one sandbox."""
    sandbox = module_sandboxes(seed=11, scale=6)
    fast_zoho(sandbox)
    streams = {}
    for tap in TAPS:
        directory = tmp_path_factory.mktemp(tap.vendor)
        result = tap.run_tap(directory, tap.config(sandbox), timeout=300)
        assert result.returncode == 0, result.stderr[-3000:]
        streams[tap.vendor] = write_lines(directory / "tap.singer", result.stdout.splitlines())
    return streams


@pytest.mark.parametrize("tap", TAPS, ids=lambda tap: tap.vendor)
def test_the_fast_path_builds_the_same_tables_as_the_per_record_path(captured, tmp_path, tap):
    fast, per_record = tmp_path / "fast", tmp_path / "per_record"
    fast.mkdir()
    per_record.mkdir()
    stream = captured[tap.vendor]
    config = {"default_target_schema": tap.vendor, "hard_delete": True}
    fast_states = load(fast, stream, **config)
    per_record_states = load(per_record, stream, fast_path=False, **config)
    assert fast_states == per_record_states
    fast_tables = tables(fast / "w.duckdb", tap.vendor)
    assert sum(len(rows) for _, rows in fast_tables.values()) > 100
    per_record_tables = tables(per_record / "w.duckdb", tap.vendor)
    for table, (columns, rows) in per_record_tables.items():
        assert fast_tables[table][0] == columns, table
        assert fast_tables[table][1] == rows, table
    assert set(fast_tables) == set(per_record_tables)


def test_a_batch_that_fails_in_the_background_fails_the_load_and_no_later_state_goes_out(
    tmp_path,
):
    messages = [schema_message()]
    for i in range(300):
        value = "N/A" if i == 250 else i  # DuckDB refuses it in a DECIMAL column
        messages.append(record({"id": i, "amount": value}))
        if i % 100 == 99:
            messages.append({"type": "STATE", "value": {"done": i}})
    result = run_loader(tmp_path, messages, batch_size_rows=100)
    assert result.returncode != 0
    states = states_of(result)
    assert states and states[-1]["done"] < 200  # no state vouches for the failed batch
    (count,) = query(tmp_path, "SELECT count(*) FROM s.items")[0]
    assert count == 200 and states[-1]["done"] < count
