"""target-commerce-duckdb through its real CLI, into real DuckDB files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from decimal import Decimal

import duckdb
import pytest

from commerce_harness.pipeline import BIN

SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "amount": {"type": ["number", "null"]},
        "payload": {"type": ["object", "null"]},
        "day": {"type": ["string", "null"], "format": "date"},
        "at": {"type": ["string", "null"], "format": "date-time"},
    },
}


def schema_message(stream="items", schema=SCHEMA, keys=("id",)):
    return {"type": "SCHEMA", "stream": stream, "schema": schema, "key_properties": list(keys)}


def record(row, stream="items", **extra):
    return {"type": "RECORD", "stream": stream, "record": row, **extra}


def write_lines(path, messages):
    with path.open("w") as handle:
        for message in messages:
            handle.write(message if isinstance(message, str) else json.dumps(message))
            handle.write("\n")
    return path


def run_loader(tmp_path, messages, **config):
    """The loader's CLI on `messages` (a list, or a file of them) into tmp_path/w.duckdb."""
    config = {"database": str(tmp_path / "w.duckdb"), "default_target_schema": "s", **config}
    (tmp_path / "target.json").write_text(json.dumps(config))
    source = (
        messages if not isinstance(messages, list) else write_lines(tmp_path / "in.jsonl", messages)
    )
    with source.open() as stdin:
        return subprocess.run(
            [str(BIN / "target-commerce-duckdb"), "--config", str(tmp_path / "target.json")],
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=300,
        )


def states_of(result):
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def load(tmp_path, messages, **config):
    """A load that must succeed; the states it emitted."""
    result = run_loader(tmp_path, messages, **config)
    assert result.returncode == 0, result.stderr[-3000:]
    return states_of(result)


def query(tmp_path, sql):
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as connection:
        connection.execute("SET TimeZone = 'UTC'")
        return connection.execute(sql).fetchall()


def test_repeated_keys_in_one_batch_keep_exactly_one_row_each_the_last(tmp_path):
    """The case that loses rows in PyPI's target-duckdb 0.8.0."""
    path = tmp_path / "in.jsonl"
    with path.open("w") as handle:
        handle.write(json.dumps(schema_message()) + "\n")
        for i in range(100_000):
            handle.write(
                f'{{"type":"RECORD","stream":"items","record":{{"id":{i % 90000},'
                f'"amount":{i}.01,"payload":{{"n":{i}}}}}}}\n'
            )
    load(tmp_path, path)
    assert query(tmp_path, "SELECT count(*), count(DISTINCT id) FROM s.items") == [(90_000, 90_000)]
    assert query(tmp_path, "SELECT amount, payload->>'n' FROM s.items WHERE id = 5") == [
        (Decimal("90005.01"), "90005")
    ]
    assert query(tmp_path, "SELECT amount FROM s.items WHERE id = 89999") == [
        (Decimal("89999.01"),)
    ]


def test_money_is_exact_to_the_cent_over_a_million_cents(tmp_path):
    path = tmp_path / "in.jsonl"
    with path.open("w") as handle:
        handle.write(json.dumps(schema_message()) + "\n")
        for i in range(100_000):  # 0.10 ten times over (float sums drift) and one awkward cent
            amount = "0.10" if i % 10 else "0.01"
            handle.write(
                f'{{"type":"RECORD","stream":"items","record":{{"id":{i},"amount":{amount}}}}}\n'
            )
    load(tmp_path, path, batch_size_rows=30_000)
    (total,) = query(tmp_path, "SELECT sum(amount) FROM s.items")[0]
    assert total == Decimal("9000.00") + Decimal("100.00")
    assert (
        float(sum(0.10 if i % 10 else 0.01 for i in range(100_000))) != 9100.0
    )  # what DOUBLE would give
    load(
        tmp_path,
        [
            schema_message(),  # as raw text: a Python float could not even write them
            '{"type":"RECORD","stream":"items","record":{"id":1,"amount":0.000000001}}',
            '{"type":"RECORD","stream":"items","record":{"id":2,"amount":12345678901234567890.12}}',
        ],
    )
    assert query(tmp_path, "SELECT amount FROM s.items WHERE id IN (1, 2) ORDER BY id") == [
        (Decimal("0.000000001"),),
        (Decimal("12345678901234567890.12"),),
    ]


def test_dates_and_offsets_are_honoured(tmp_path):
    load(
        tmp_path,
        [
            schema_message(),
            record({"id": 1, "day": "2024-02-29", "at": "2024-01-01T00:00:00+02:00"}),
            record({"id": 2, "at": "2023-01-31T05:22:16-08:00"}),
        ],
    )
    rows = query(
        tmp_path, """SELECT id, day, strftime("at", '%Y-%m-%dT%H:%M:%S') FROM s.items ORDER BY id"""
    )
    assert rows[0][1].isoformat() == "2024-02-29" and rows[0][2] == "2023-12-31T22:00:00"
    assert rows[1][2] == "2023-01-31T13:22:16"
    types = dict(
        query(
            tmp_path,
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_name='items'",
        )
    )
    assert (
        types["day"] == "DATE"
        and types["at"] == "TIMESTAMP WITH TIME ZONE"
        and types["amount"].startswith("DECIMAL")
    )
    assert types["payload"] == "JSON"


def test_schema_evolution_adds_and_widens_columns_and_loses_nothing(tmp_path):
    narrow = {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "qty": {"type": ["integer", "null"]}},
    }
    load(tmp_path, [schema_message(schema=narrow), record({"id": 1, "qty": 3})])
    wide = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "qty": {"type": ["number", "null"]},
            "note": {"type": ["string", "null"]},
        },
    }
    load(tmp_path, [schema_message(schema=wide), record({"id": 2, "qty": 2.5, "note": "new"})])
    assert query(tmp_path, "SELECT id, qty, note FROM s.items ORDER BY id") == [
        (1, Decimal("3"), None),
        (2, Decimal("2.5"), "new"),
    ]


def test_duplicate_keys_across_batches_and_runs_merge(tmp_path):
    rows = [record({"id": i % 7, "amount": i}) for i in range(50)]
    load(tmp_path, [schema_message(), *rows], batch_size_rows=6)
    load(tmp_path, [schema_message(), record({"id": 3, "amount": 1000})], batch_size_rows=6)
    assert query(tmp_path, "SELECT count(*) FROM s.items") == [(7,)]
    assert query(tmp_path, "SELECT amount FROM s.items WHERE id = 3") == [(Decimal("1000"),)]
    assert query(tmp_path, "SELECT amount FROM s.items WHERE id = 0") == [(Decimal("49"),)]


def test_no_key_appends(tmp_path):
    load(tmp_path, [schema_message(keys=()), record({"id": 1}), record({"id": 1})])
    load(tmp_path, [schema_message(keys=()), record({"id": 1})])
    assert query(tmp_path, "SELECT count(*) FROM s.items") == [(3,)]


@pytest.mark.parametrize("hard_delete", [True, False])
def test_tombstones_delete_or_mark(tmp_path, hard_delete):
    load(
        tmp_path,
        [schema_message(), record({"id": 1, "amount": 1}), record({"id": 2, "amount": 2})],
        hard_delete=hard_delete,
    )
    load(
        tmp_path,
        [schema_message(), record({"id": 1, "_sdc_deleted_at": "2025-01-01T00:00:00+00:00"})],
        hard_delete=hard_delete,
    )
    rows = query(
        tmp_path, "SELECT id, amount, _sdc_deleted_at IS NOT NULL FROM s.items ORDER BY id"
    )
    assert rows == (
        [(2, Decimal("2"), False)]
        if hard_delete
        else [(1, Decimal("1"), True), (2, Decimal("2"), False)]
    )


def test_activate_version_drops_rows_the_source_no_longer_has(tmp_path):
    def version(number, ids):
        return [
            schema_message(),
            {"type": "ACTIVATE_VERSION", "stream": "items", "version": number},
            *[record({"id": i}, version=number) for i in ids],
            {"type": "ACTIVATE_VERSION", "stream": "items", "version": number},
        ]

    load(tmp_path, version(1, [1, 2, 3]), hard_delete=True)
    load(tmp_path, version(2, [1, 3]), hard_delete=True)
    assert query(tmp_path, "SELECT id FROM s.items ORDER BY id") == [(1,), (3,)]


def test_state_comes_out_only_after_its_data_is_committed_and_a_kill_loses_nothing(tmp_path):
    path = tmp_path / "in.jsonl"
    with path.open("w") as handle:
        handle.write(json.dumps(schema_message()) + "\n")
        for i in range(300_000):
            handle.write(
                f'{{"type":"RECORD","stream":"items","record":{{"id":{i},"amount":1.00}}}}\n'
            )
            if i % 20_000 == 19_999:
                handle.write(json.dumps({"type": "STATE", "value": {"last": i}}) + "\n")
    (tmp_path / "target.json").write_text(
        json.dumps(
            {
                "database": str(tmp_path / "w.duckdb"),
                "default_target_schema": "s",
                "batch_size_rows": 20_000,
            }
        )
    )
    with path.open() as stdin:
        process = subprocess.Popen(
            [str(BIN / "target-commerce-duckdb"), "--config", str(tmp_path / "target.json")],
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        os.set_blocking(process.stdout.fileno(), False)
        output = b""
        deadline = time.monotonic() + 120
        while output.count(b"\n") < 3 and time.monotonic() < deadline and process.poll() is None:
            output += process.stdout.read() or b""
            time.sleep(0.01)
        assert process.poll() is None, "the load ended before the kill: nothing was tested"
        process.send_signal(signal.SIGKILL)
        process.wait()
        output += process.stdout.read() or b""
    states = [json.loads(line) for line in output.splitlines() if line.strip()]
    assert states, "no state before the kill"
    (count,) = query(tmp_path, "SELECT count(*) FROM s.items")[0]
    assert count >= states[-1]["last"] + 1  # every row a state vouched for is there


def hold_lock(database, seconds, read_only=True):
    """Another process holding `database` open (an analyst's notebook) for `seconds`."""
    holder = subprocess.Popen(
        [
            str(BIN / "python"),
            "-c",
            "import duckdb, sys, time\n"
            f"c = duckdb.connect({str(database)!r}, read_only={read_only})\n"
            "print('ready', flush=True)\n"
            f"time.sleep({seconds})\n"
            "c.close()",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "ready"
    return holder


def test_a_locked_file_is_one_clear_line_after_the_lock_timeout(tmp_path):
    database = tmp_path / "w.duckdb"
    duckdb.connect(str(database)).close()  # a read-only connection needs the file to exist
    holder = hold_lock(database, 60)
    try:
        started = time.monotonic()
        result = run_loader(tmp_path, [schema_message()], lock_timeout_seconds=2)
        assert 2 <= time.monotonic() - started < 30
        assert result.returncode == 1
        errors = [
            line
            for line in result.stderr.splitlines()
            if line.startswith("target-commerce-duckdb: error")
        ]
        assert len(errors) == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
        assert "locked" in errors[0] and "lock_timeout_seconds" in errors[0]
        assert f"PID {holder.pid}" in errors[0]  # what DuckDB says about the holder
    finally:
        holder.kill()


def test_the_load_waits_for_a_reader_to_let_go_logs_its_holder_and_completes(tmp_path):
    load(tmp_path, [schema_message(), record({"id": 1, "amount": 1})])
    holder = hold_lock(tmp_path / "w.duckdb", 6)  # longer than the loader takes to start
    try:
        result = run_loader(tmp_path, [schema_message(), record({"id": 2, "amount": 2})])
        assert holder.wait(timeout=30) == 0  # it let go on its own, after its time
    finally:
        holder.kill()
    assert result.returncode == 0, result.stderr[-2000:]
    waits = [line for line in result.stderr.splitlines() if "locked by another process" in line]
    assert len(waits) == 1 and f"PID {holder.pid}" in waits[0], result.stderr[-2000:]
    assert query(tmp_path, "SELECT id, amount FROM s.items ORDER BY id") == [
        (1, Decimal("1")),
        (2, Decimal("2")),
    ]


def test_a_file_named_like_its_schema_loads_and_merges(tmp_path):
    """`w.duckdb` holding schema `w`: DuckDB would read `w.items` as catalog or schema."""
    messages = [
        schema_message(),
        record({"id": 1, "amount": 1}),
        record({"id": 1, "amount": 2}),
        record({"id": 2, "amount": 3}),
    ]
    load(tmp_path, messages, default_target_schema="w")
    load(tmp_path, [schema_message(), record({"id": 2, "amount": 4})], default_target_schema="w")
    assert query(tmp_path, "SELECT id, amount FROM w.w.items ORDER BY id") == [
        (1, Decimal("2")),
        (2, Decimal("4")),
    ]
