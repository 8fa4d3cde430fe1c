"""target-postgres (MeltanoLabs, the upstream) and target-commerce-postgres (its subclass in the
suite, on its fast path and on its per-record path) through their real CLIs into a real PostgreSQL
server: what each does with the cases our DuckDB loader guarantees (test_loader_duckdb.py). Where
the upstream differs, the test says how, so a new upstream release that changes it fails here and
docs/operations.md is revisited."""

from __future__ import annotations

import importlib.util
import itertools
import json
import signal
import subprocess
import sys
import time
from decimal import Decimal
from types import ModuleType

import pytest
from test_loader_duckdb import SCHEMA, record, schema_message, write_lines
from test_loader_versions import full_table

from commerce_harness import ROOT
from commerce_harness.pipeline import BIN, SECRET, assert_one_line_config_error
from commerce_harness.postgres import free_port

UPSTREAM, OURS = "target-postgres", "target-commerce-postgres"
# Ours with fast_path off: records through singer-sdk as Python objects (stream maps need them).
PER_RECORD = "target-commerce-postgres, per-record path"
TARGETS = [UPSTREAM, OURS, PER_RECORD]
_schemas = itertools.count()


@pytest.fixture(name="schema")
def _schema() -> str:
    """A schema of its own for each test: the server is shared by the module."""
    return f"t{next(_schemas)}"


def load(postgres, tmp_path, schema, messages, target=OURS, check=True, **config):
    if target == PER_RECORD:
        target, config = OURS, {**config, "fast_path": False}
    config = {**postgres.settings, "default_target_schema": schema, **config}
    config = {name: value for name, value in config.items() if value is not None}
    (tmp_path / "target.json").write_text(json.dumps(config))
    with write_lines(tmp_path / "in.jsonl", messages).open() as stdin:
        result = subprocess.run(
            [str(BIN / target), "--config", str(tmp_path / "target.json")],
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=300,
        )
    if check:
        assert result.returncode == 0, result.stderr[-3000:]
    return result


def query(postgres, sql, database=None):
    with postgres.connect(database) as connection:
        connection.execute("SET TimeZone = 'UTC'")
        return connection.execute(sql).fetchall()


def column_types(postgres, schema, database=None):
    return dict(
        query(
            postgres,
            "SELECT column_name, data_type FROM information_schema.columns "
            f"WHERE table_schema = '{schema}' AND table_name = 'items'",
            database,
        )
    )


@pytest.mark.parametrize("target", [UPSTREAM, OURS])  # the per-record path: the upstream's
def test_money_is_numeric_and_exact_nested_json_too(postgres, tmp_path, schema, target):
    rows = [  # 0.10 nine times in ten, and an awkward cent: float sums drift
        f'{{"type":"RECORD","stream":"items","record":{{"id":{i},"amount":{amount}}}}}'
        for i, amount in ((i, "0.10" if i % 10 else "0.01") for i in range(1000))
    ]
    load(postgres, tmp_path, schema, [schema_message(), *rows], target)
    assert query(postgres, f"SELECT sum(amount) FROM {schema}.items") == [(Decimal("91.00"),)]
    load(
        postgres,
        tmp_path,
        schema,
        [  # as raw text: a Python float could not even write them
            schema_message(),
            '{"type":"RECORD","stream":"items","record":{"id":1,"amount":0.000000001}}',
            '{"type":"RECORD","stream":"items","record":{"id":2,"amount":12345678901234567890.12,'
            '"payload":{"price":0.1000000000000000055511151231257827}}}',
        ],
        target,
    )
    assert query(postgres, f"SELECT amount FROM {schema}.items WHERE id IN (1, 2) ORDER BY id") == [
        (Decimal("0.000000001"),),
        (Decimal("12345678901234567890.12"),),
    ]
    assert query(postgres, f"SELECT payload->'price' FROM {schema}.items WHERE id = 2") == [
        (Decimal("0.1000000000000000055511151231257827"),)
    ]
    types = column_types(postgres, schema)
    assert types["amount"] == "numeric" and types["payload"] == "jsonb" and types["id"] == "bigint"


@pytest.mark.parametrize("target", TARGETS)
def test_dates_and_instants_on_a_server_whose_time_zone_is_not_utc(
    postgres, tmp_path, schema, target
):
    """Ours: TIMESTAMP WITH TIME ZONE, the instant whatever the server's zone. The upstream:
    TIMESTAMP, the session zone's wall time with the zone dropped."""
    database = f"la_{schema}"
    with postgres.connect("postgres", autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {database}")
        connection.execute(f"ALTER DATABASE {database} SET TimeZone = 'America/Los_Angeles'")
    messages = [
        schema_message(),
        record({"id": 1, "day": "2024-02-29", "at": "2024-01-01T00:00:00+02:00"}),
        record({"id": 2, "at": "2023-01-31T05:22:16-08:00"}),
    ]
    load(postgres, tmp_path, schema, messages, target, database=database)
    rows = query(
        postgres,
        f"SELECT day, to_char(at, 'YYYY-MM-DD\"T\"HH24:MI:SS') FROM {schema}.items ORDER BY id",
        database,
    )
    assert rows[0][0].isoformat() == "2024-02-29"
    types = column_types(postgres, schema, database)
    assert types["day"] == "date"
    if target != UPSTREAM:
        assert types["at"] == "timestamp with time zone"
        assert [at for _, at in rows] == ["2023-12-31T22:00:00", "2023-01-31T13:22:16"]
    else:
        assert types["at"] == "timestamp without time zone"
        assert [at for _, at in rows] == ["2023-12-31T14:00:00", "2023-01-31T05:22:16"]


@pytest.mark.parametrize("target", TARGETS)
def test_nested_objects_are_jsonb_and_arrays_jsonb_only_in_ours(postgres, tmp_path, schema, target):
    nested = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "terms": {"type": ["object", "null"]},
            "tags": {"type": ["array", "null"], "items": {"type": "string"}},
            "lines": {"type": ["array", "null"], "items": {"type": "object"}},
        },
    }
    row = {"id": 1, "terms": {"n": 1}, "tags": ["a", "b"], "lines": [{"sku": "X", "qty": 2}]}
    load(postgres, tmp_path, schema, [schema_message(schema=nested), record(row)], target)
    types = column_types(postgres, schema)
    assert types["terms"] == "jsonb"
    if target != UPSTREAM:
        assert types["tags"] == types["lines"] == "jsonb"
        sql = f"SELECT lines->0->>'sku', jsonb_array_length(tags) FROM {schema}.items"
    else:  # PostgreSQL arrays: text[] and jsonb[], read with [1] and array_length
        assert types["tags"] == types["lines"] == "ARRAY"
        sql = f"SELECT lines[1]->>'sku', array_length(tags, 1) FROM {schema}.items"
    assert query(postgres, sql) == [("X", 2)]


@pytest.mark.parametrize("target", [UPSTREAM, OURS])  # the per-record path: the upstream's
def test_repeated_keys_merge_the_last_wins_in_a_batch_across_batches_and_runs(
    postgres, tmp_path, schema, target
):
    rows = [record({"id": i % 7, "amount": i}) for i in range(50)]
    load(postgres, tmp_path, schema, [schema_message(), *rows], target, batch_size_rows=6)
    load(postgres, tmp_path, schema, [schema_message(), record({"id": 3, "amount": 1000})], target)
    assert query(postgres, f"SELECT count(*), count(DISTINCT id) FROM {schema}.items") == [(7, 7)]
    assert query(
        postgres, f"SELECT id, amount FROM {schema}.items WHERE id IN (0, 3) ORDER BY id"
    ) == [(0, Decimal("49")), (3, Decimal("1000"))]


@pytest.mark.parametrize("hard_delete", [True, False])
@pytest.mark.parametrize("target", TARGETS)
def test_tombstones(postgres, tmp_path, schema, target, hard_delete):
    """Ours as the DuckDB loader: delete, or mark and keep the data. The upstream: the row stays
    either way, its data overwritten with the tombstone's nulls."""
    rows = [record({"id": 1, "amount": 1}), record({"id": 2, "amount": 2})]
    load(postgres, tmp_path, schema, [schema_message(), *rows], target, hard_delete=hard_delete)
    tombstone = record({"id": 1, "_sdc_deleted_at": "2025-01-01T00:00:00+00:00"})
    load(postgres, tmp_path, schema, [schema_message(), tombstone], target, hard_delete=hard_delete)
    rows = query(
        postgres,
        f"SELECT id, amount, _sdc_deleted_at IS NOT NULL FROM {schema}.items ORDER BY id",
    )
    kept = (2, Decimal("2"), False)
    if target != UPSTREAM:
        assert rows == ([kept] if hard_delete else [(1, Decimal("1"), True), kept])
    else:
        assert rows == [(1, None, True), kept]


@pytest.mark.parametrize("target", TARGETS)
def test_activate_version_drops_rows_the_source_no_longer_has(postgres, tmp_path, schema, target):
    def version(number, ids):
        return [
            schema_message(),
            {"type": "ACTIVATE_VERSION", "stream": "items", "version": number},
            *[record({"id": i}, version=number) for i in ids],
            {"type": "ACTIVATE_VERSION", "stream": "items", "version": number},
        ]

    load(postgres, tmp_path, schema, version(1, [1, 2, 3]), target, hard_delete=True)
    load(postgres, tmp_path, schema, version(2, [1, 3]), target, hard_delete=True)
    assert query(postgres, f"SELECT id FROM {schema}.items ORDER BY id") == [(1,), (3,)]


@pytest.mark.parametrize("target", TARGETS)
def test_a_full_table_stream_that_opens_then_dies_keeps_the_table_only_in_ours(
    postgres, tmp_path, schema, target
):
    """Ours retires older rows when the version closes (test_loader_versions.py); the
    upstream deletes them on the opening message, before any record arrives."""
    load(postgres, tmp_path, schema, full_table(1, range(100)), target, hard_delete=True)
    died = full_table(2, range(10), closed=False)
    load(postgres, tmp_path, schema, died, target, hard_delete=True)
    (count,) = query(postgres, f"SELECT count(*) FROM {schema}.items")[0]
    assert count == (100 if target != UPSTREAM else 10)


@pytest.mark.parametrize("target", TARGETS)
def test_schema_evolution_adds_columns_and_only_ours_widens_them(
    postgres, tmp_path, schema, target
):
    """The upstream keeps BIGINT for a property that became a number (PostgreSQL rounds 2.5
    into it, silently) and stops at a type it cannot keep ("Altering columns is not supported")."""
    narrow = {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "qty": {"type": ["integer", "null"]}},
    }
    load(postgres, tmp_path, schema, [schema_message(schema=narrow), record({"id": 1, "qty": 3})])
    wide = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "qty": {"type": ["number", "null"]},
            "note": {"type": ["string", "null"]},
        },
    }
    messages = [schema_message(schema=wide), record({"id": 2, "qty": 2.5, "note": "new"})]
    load(postgres, tmp_path, schema, messages, target)
    rows = query(postgres, f"SELECT id, qty, note FROM {schema}.items ORDER BY id")
    qty_type = column_types(postgres, schema)["qty"]
    if target != UPSTREAM:
        assert rows == [(1, 3, None), (2, Decimal("2.5"), "new")] and qty_type == "numeric"
    else:
        assert rows == [(1, 3, None), (2, 3, "new")] and qty_type == "bigint"
    as_text = {**wide, "properties": {**wide["properties"], "qty": {"type": ["string", "null"]}}}
    messages = [schema_message(schema=as_text), record({"id": 3, "qty": "a dozen"})]
    result = load(postgres, tmp_path, schema, messages, target, check=target != UPSTREAM)
    if target == UPSTREAM:
        assert result.returncode != 0 and "Altering columns is not supported" in result.stderr
    else:
        assert query(postgres, f"SELECT qty FROM {schema}.items ORDER BY id") == [
            ("3",),
            ("2.5",),
            ("a dozen",),
        ]


@pytest.mark.parametrize(
    "setting, change",
    [
        ("password", {"password": SECRET}),
        ("database", {"database": "no_such_database"}),
        ("host", {"port": free_port()}),  # nothing listens there
        ("password", {"password": None}),
    ],
    ids=["refused-password", "no-database", "nothing-listening", "no-password"],
)
def test_a_refused_or_missing_connection_setting_is_one_line_naming_it(
    postgres, tmp_path, schema, setting, change
):
    messages = [schema_message(), record({"id": 1})]
    result = load(postgres, tmp_path, schema, messages, check=False, **change)
    assert_one_line_config_error(result, setting)  # exit 2, no traceback, no secret


def test_a_reader_blocks_no_load_but_a_new_column_waits_for_its_transaction(
    postgres, tmp_path, schema
):
    """PostgreSQL's MVCC: a reader's open transaction never stops a load's inserts, updates or
    deletes; only an ALTER TABLE (a new or widened column) waits for the reader's lock on that
    table, and goes on as soon as the reader's transaction ends."""
    load(postgres, tmp_path, schema, [schema_message(), record({"id": 1, "amount": 1})])
    with postgres.connect() as reader, postgres.connect(autocommit=True) as watcher:
        reader.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        assert reader.execute(f"SELECT count(*) FROM {schema}.items").fetchone() == (1,)
        rows = [record({"id": i, "amount": i}) for i in range(1, 100)]
        load(postgres, tmp_path, schema, [schema_message(), *rows])  # done while it reads
        assert reader.execute(f"SELECT count(*) FROM {schema}.items").fetchone() == (1,)

        wider = {**SCHEMA, "properties": {**SCHEMA["properties"], "note": {"type": "string"}}}
        config = tmp_path / "wider.json"
        config.write_text(json.dumps({**postgres.settings, "default_target_schema": schema}))
        write_lines(tmp_path / "wider.jsonl", [schema_message(schema=wider), record({"id": 0})])
        with (tmp_path / "wider.jsonl").open() as stdin:
            altering = subprocess.Popen(
                [str(BIN / OURS), "--config", str(config)],
                stdin=stdin,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        for _ in range(600):  # until the ALTER queues behind the reader's lock (60 s at most)
            (waiting,) = watcher.execute(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND mode = 'AccessExclusiveLock'"
            ).fetchone()
            if waiting or altering.poll() is not None:
                break
            time.sleep(0.1)
        assert waiting == 1 and altering.poll() is None
        reader.rollback()
        _, stderr = altering.communicate(timeout=120)
    assert altering.returncode == 0, stderr[-3000:]
    assert query(postgres, f"SELECT count(*), count(note) FROM {schema}.items") == [(100, 0)]


def test_a_nul_character_fails_the_load_unless_replaced(postgres, tmp_path, schema):
    """PostgreSQL's text and JSONB cannot hold U+0000 (DuckDB keeps it): the load fails, or with
    sanitize_null_text_characters the character becomes U+FFFD, in nested values too."""
    messages = [schema_message(), record({"id": 1, "payload": {"note": "a\u0000b"}})]
    assert load(postgres, tmp_path, schema, messages, check=False).returncode != 0
    load(postgres, tmp_path, schema, messages, sanitize_null_text_characters=True)
    assert query(postgres, f"SELECT payload->>'note' FROM {schema}.items") == [("a\ufffdb",)]


def nested_stream() -> ModuleType:
    """benchmarks/nested_stream.py: the benchmark's invoice stream and the rows it must leave."""
    spec = importlib.util.spec_from_file_location(
        "nested_stream", ROOT / "benchmarks" / "nested_stream.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_backfill_killed_after_its_second_committed_batch_resumes_from_its_state(
    postgres, tmp_path, schema
):
    """A real loader process, SIGKILLed as soon as it emits its second STATE: both batches are
    committed, nothing before that STATE is lost, and a rerun from it completes the table."""
    stream, batch, total = nested_stream(), 1000, 4000
    config = tmp_path / "target.json"
    config.write_text(
        json.dumps({**postgres.settings, "default_target_schema": schema, "batch_size_rows": batch})
    )

    def run(start: int) -> subprocess.Popen:
        generator = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "nested_stream.py"),
                f"--records={total}",
                f"--start={start}",
                f"--state-every={batch}",
            ],
            stdout=subprocess.PIPE,
        )
        loader = subprocess.Popen(
            [str(BIN / OURS), "--config", str(config)],
            stdin=generator.stdout,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert generator.stdout is not None
        generator.stdout.close()
        return loader

    def rows() -> list[dict]:
        names = list(stream.PROPERTIES)
        with postgres.connect() as connection:
            fetched = connection.execute(
                f"SELECT {', '.join(names)} FROM {schema}.invoices ORDER BY id"
            ).fetchall()
        return [dict(zip(names, row, strict=True)) for row in fetched]

    loader = run(0)
    assert loader.stdout is not None
    states = []
    for line in loader.stdout:
        states.append(json.loads(line))
        if len(states) == 2:
            loader.send_signal(signal.SIGKILL)
            break
    loader.wait(timeout=60)
    assert loader.returncode == -signal.SIGKILL
    resume = states[-1]["bookmarks"]["invoices"]["position"]
    assert [state["bookmarks"]["invoices"]["position"] for state in states] == [batch, 2 * batch]
    loaded = rows()
    assert loaded[:resume] == list(stream.expected_rows(resume))  # nothing before it lost
    assert len(loaded) in (resume, resume + batch)  # a third batch in flight: all or none

    rerun = run(resume)
    out, _ = rerun.communicate(timeout=300)
    assert rerun.returncode == 0
    assert json.loads(out.splitlines()[-1])["bookmarks"]["invoices"]["position"] == total
    assert rows() == list(stream.expected_rows(total))


def test_text_travels_exactly_through_the_fast_paths_copy(postgres, tmp_path, schema):
    """The fast path splits records into COPY fields itself: an empty string stays '' (not NULL),
    escapes and control characters come back as sent, a string in a JSONB column stays JSON, and a
    carriage return between JSON tokens is only whitespace."""
    text_schema = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "note": {"type": ["string", "null"]},
            "payload": {"type": ["object", "string", "null"]},
            "terms": {"type": ["object", "null"]},
        },
    }
    tricky = 'a\nb\r\tc\u0001\u0002"d"\\e é ✓'
    messages = [
        schema_message(schema=text_schema),
        record({"id": 1, "note": "", "terms": {"k": tricky}}),
        record({"id": 2, "note": tricky, "payload": "plain"}),
        record({"id": 3, "note": None, "terms": None}),
        '{"type":"RECORD","stream":"items","record":{"id":4,\r"note":"x",\r"terms":{"n":1.50}}}',
    ]
    load(postgres, tmp_path, schema, messages)
    assert query(postgres, f"SELECT id, note, payload, terms FROM {schema}.items ORDER BY id") == [
        (1, "", None, {"k": tricky}),
        (2, tricky, "plain", None),
        (3, None, None, None),
        (4, "x", None, {"n": Decimal("1.50")}),
    ]
