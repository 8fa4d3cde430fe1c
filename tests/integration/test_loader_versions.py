"""ACTIVATE_VERSION in both loaders (loader/target_commerce_duckdb/versions.py): a full-table
stream's version replaces the older rows only once complete. Hand-written Singer streams (a stream
that dies, an empty source, a version in several batches, a reader sampling counts during the
sync), then tap-zoom-commerce's `accounts` against the sandbox (a refused secret, the vendor down,
the tap killed mid-stream); each into DuckDB and PostgreSQL."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from test_loader_duckdb import record, schema_message, write_lines

from commerce_harness.catalog import catalog_selecting
from commerce_harness.pipeline import BIN
from commerce_harness.postgres import free_port
from commerce_harness.taps import ZOOM
from target_commerce_duckdb.target import TargetCommerceDuckDB

_schemas = itertools.count()
BEFORE = range(100)  # the ids of the complete version every test starts from


class Warehouse:
    """One loader and its database: DuckDB (a file) or PostgreSQL (a schema of its own on the
    module's server)."""

    def __init__(self, kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
        self.kind, self.tmp_path = kind, tmp_path
        if kind == "duckdb":
            self.schema = "s"
            self.settings = {"database": str(tmp_path / "w.duckdb")}
        else:
            self.postgres = request.getfixturevalue("postgres")
            self.schema = f"v{next(_schemas)}"
            self.settings = dict(self.postgres.settings)

    def command(self, **config: Any) -> list[str]:
        path = self.tmp_path / "target.json"
        config = {**self.settings, "default_target_schema": self.schema, **config}
        path.write_text(json.dumps(config))
        return [str(BIN / f"target-commerce-{self.kind}"), "--config", str(path)]

    def load(self, messages: list[Any], **config: Any) -> None:
        with write_lines(self.tmp_path / "in.jsonl", messages).open() as stdin:
            result = subprocess.run(
                self.command(**config), stdin=stdin, capture_output=True, text=True, timeout=300
            )
        assert result.returncode == 0, result.stderr[-3000:]

    def query(self, sql: str) -> list[tuple]:
        sql = sql.replace("{table}", f"{self.schema}.items")
        if self.kind == "duckdb":
            with duckdb.connect(self.settings["database"], read_only=True) as connection:
                return connection.execute(sql).fetchall()
        with self.postgres.connect() as connection:
            return connection.execute(sql).fetchall()

    def live(self, table: str = "items") -> int:
        (count,) = self.query(
            f"SELECT count(*) FROM {self.schema}.{table} WHERE _sdc_deleted_at IS NULL"
        )[0]
        return count

    @contextlib.contextmanager
    def counter(self) -> Iterator[Callable[[], int]]:
        """Live rows of items as a reader sees them while the loader runs (DuckDB: in the
        loader's process, the only one that can open the file while it loads)."""
        sql = f"SELECT count(*) FROM {self.schema}.items WHERE _sdc_deleted_at IS NULL"
        if self.kind == "duckdb":
            connection = duckdb.connect(self.settings["database"])
        else:
            connection = self.postgres.connect(autocommit=True)
        with connection:
            yield lambda: connection.execute(sql).fetchone()[0]


@pytest.fixture(name="warehouse", params=["duckdb", "postgres"])
def _warehouse(request, tmp_path) -> Warehouse:
    return Warehouse(request.param, tmp_path, request)


def activate(version: int) -> dict:
    return {"type": "ACTIVATE_VERSION", "stream": "items", "version": version}


def full_table(version: int, ids: Iterable[int], closed: bool = True, amount: int = 1) -> list:
    """A full-table stream of `version`: opened, its records, and (unless it died) closed."""
    records = [record({"id": i, "amount": amount}, version=version) for i in ids]
    return [schema_message(), activate(version), *records, *([activate(version)] if closed else [])]


def updated(warehouse: Warehouse, amount: int) -> int:
    return warehouse.query(f"SELECT count(*) FROM {{table}} WHERE amount = {amount}")[0][0]


@pytest.mark.parametrize("hard_delete", [True, False])
def test_a_stream_that_dies_leaves_the_table_as_it_was_plus_what_it_delivered(
    warehouse, hard_delete
):
    warehouse.load(full_table(1, BEFORE), hard_delete=hard_delete, batch_size_rows=7)
    assert warehouse.live() == 100
    # Opened, then died after 10 of its 100 records (merged in two batches).
    warehouse.load(full_table(2, range(10), closed=False, amount=2), hard_delete=hard_delete)
    assert (warehouse.live(), updated(warehouse, 2)) == (100, 10)
    # Opened, then failed at once.
    warehouse.load(full_table(3, [], closed=False), hard_delete=hard_delete)
    assert (warehouse.live(), updated(warehouse, 2)) == (100, 10)


@pytest.mark.parametrize("hard_delete", [True, False])
def test_an_empty_source_empties_the_table(warehouse, hard_delete):
    warehouse.load(full_table(1, BEFORE), hard_delete=hard_delete)
    warehouse.load(full_table(2, []), hard_delete=hard_delete)
    assert warehouse.live() == 0
    assert warehouse.query("SELECT count(*) FROM {table}")[0][0] == (0 if hard_delete else 100)


@pytest.mark.parametrize("hard_delete", [True, False])
# 7: the last batch's merge retires the older rows; 10: the last batch merged before the closing
# message came, which retires them on its own.
@pytest.mark.parametrize("batch_size_rows", [7, 10])
def test_a_complete_version_retires_the_rows_the_source_no_longer_has(
    warehouse, hard_delete, batch_size_rows
):
    config = {"hard_delete": hard_delete, "batch_size_rows": batch_size_rows}
    warehouse.load(full_table(1, BEFORE), **config)
    warehouse.load(full_table(2, range(30, 120)), **config)
    live = "SELECT id FROM {table} WHERE _sdc_deleted_at IS NULL ORDER BY id"
    assert [id_ for (id_,) in warehouse.query(live)] == list(range(30, 120))
    assert warehouse.query("SELECT count(*) FROM {table}")[0][0] == (90 if hard_delete else 120)
    # Rows the source has again come back (unmarked, when they were marked).
    warehouse.load(full_table(3, BEFORE), **config)
    assert [id_ for (id_,) in warehouse.query(live)] == list(BEFORE)


def feed_duckdb(warehouse: Warehouse, lines: Iterable[bytes], config: dict) -> None:
    """The loader in this process (a reader elsewhere cannot open a DuckDB file it holds)."""
    command = warehouse.command(**config)
    target = TargetCommerceDuckDB(config=json.loads(Path(command[-1]).read_text()))
    read, write = os.pipe()
    with open(read, "rb") as source:
        loading = threading.Thread(target=target.listen, args=(source,))
        loading.start()
        with open(write, "wb", buffering=0) as sink:
            for line in lines:
                sink.write(line)
        loading.join(timeout=120)
    target.connection.close()


def feed_postgres(warehouse: Warehouse, lines: Iterable[bytes], config: dict) -> None:
    with (warehouse.tmp_path / "target.log").open("wb") as log:
        loader = subprocess.Popen(
            warehouse.command(**config), stdin=subprocess.PIPE, stdout=log, stderr=log
        )
        for line in lines:
            loader.stdin.write(line)
            loader.stdin.flush()
        loader.stdin.close()
        assert loader.wait(timeout=120) == 0, (warehouse.tmp_path / "target.log").read_text()


def paced(messages: list[Any], every: int = 10, pause: float = 0.4) -> Iterable[bytes]:
    """The messages as lines, a pause after every `every` of them (a tap reading pages), long
    enough for a batch merged in the background to commit before the next page on a busy
    machine."""
    for position, message in enumerate(messages, 1):
        yield (json.dumps(message) + "\n").encode()
        if position % every == 0:
            time.sleep(pause)


@pytest.mark.parametrize("hard_delete", [True, False])
def test_a_reader_during_a_full_table_sync_always_sees_a_complete_version(warehouse, hard_delete):
    """Counts sampled every 10 ms while version 2 (ids 30 to 119: 30 gone, 20 new) loads in
    batches of 10: the complete version 1 (100 rows) plus new rows merged over it, then the
    complete version 2 (90); never fewer than a complete version."""
    config = {"hard_delete": hard_delete, "batch_size_rows": 10}
    warehouse.load(full_table(1, BEFORE), **config)
    samples, done = [], threading.Event()
    with warehouse.counter() as count:

        def sample() -> None:
            while not done.is_set():
                samples.append(count())
                time.sleep(0.01)

        sampler = threading.Thread(target=sample)
        sampler.start()
        try:
            feed = feed_duckdb if warehouse.kind == "duckdb" else feed_postgres
            feed(warehouse, paced(full_table(2, range(30, 120))), config)
        finally:
            done.set()
            sampler.join()
    assert all(n >= 100 or n == 90 for n in samples), sorted(set(samples))
    assert max(samples) > 100, sorted(set(samples))  # sampled mid-sync, new rows merged
    assert warehouse.live() == 90


# The tap: tap-zoom-commerce's full-table `accounts` stream alone, against the sandbox.


@pytest.fixture(scope="module", name="zoom")
def _zoom(module_sandboxes, tmp_path_factory) -> tuple[Any, Path]:
    """The sandbox and a catalog selecting accounts only."""
    catalog = tmp_path_factory.mktemp("zoom") / "catalog.json"
    catalog.write_text(json.dumps(catalog_selecting(str(BIN / ZOOM.name), {"accounts"})))
    return module_sandboxes(seed=3, scale=40), catalog


def pipe(
    zoom: tuple[Any, Path], warehouse: Warehouse, kill_after: int | None = None, **overrides: Any
) -> tuple[int, list[dict]]:
    """The tap piped into the loader through this process, which kills the tap (-9) once it has
    passed `kill_after` records on; the tap's exit code and the messages the loader got."""
    sandbox, catalog = zoom
    config = warehouse.tmp_path / "tap.json"
    config.write_text(json.dumps(ZOOM.config(sandbox, **overrides)))
    tap = subprocess.Popen(
        [str(BIN / ZOOM.name), "--config", str(config), "--catalog", str(catalog)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    delivered = []
    with (warehouse.tmp_path / "target.log").open("wb") as log:
        loader = subprocess.Popen(
            warehouse.command(hard_delete=True, batch_size_rows=4),
            stdin=subprocess.PIPE,
            stdout=log,
            stderr=log,
        )
        for line in tap.stdout:
            loader.stdin.write(line)
            delivered.append(json.loads(line))
            if sum(message["type"] == "RECORD" for message in delivered) == kill_after:
                tap.send_signal(signal.SIGKILL)
                break
        loader.stdin.close()
        assert loader.wait(timeout=120) == 0, (warehouse.tmp_path / "target.log").read_text()
    return tap.wait(timeout=60), delivered


@pytest.mark.parametrize(
    ("failure", "overrides"),
    [
        ("refused secret", {"client_secret": "wrong"}),
        ("vendor down", {}),
        ("killed after 10 records", {}),
    ],
)
def test_a_tap_that_fails_mid_full_table_stream_leaves_the_table_as_it_was(
    zoom, warehouse, failure, overrides
):
    exit_code, _ = pipe(zoom, warehouse)
    assert exit_code == 0
    before = warehouse.live("accounts")
    assert before == len(zoom[0].control.truth("zoom", "accounts"))  # 99 on one start day
    time.sleep(1)  # the next run's version (the tap's start, in seconds) is a newer one
    if failure == "vendor down":
        down = f"http://127.0.0.1:{free_port()}"
        overrides = {"api_url": f"{down}/v2", "oauth_url": f"{down}/oauth/token"}
    kill_after = 10 if failure.startswith("killed") else None
    exit_code, delivered = pipe(zoom, warehouse, kill_after, **overrides)
    types = [message["type"] for message in delivered]
    assert exit_code != 0 and "ACTIVATE_VERSION" in types, (exit_code, types)
    assert warehouse.live("accounts") == before
    (version,) = {message["version"] for message in delivered if "version" in message}
    (renewed,) = warehouse.query(
        f"SELECT count(*) FROM {warehouse.schema}.accounts WHERE _sdc_table_version = {version}"
    )[0]
    assert renewed == types.count("RECORD") == (kill_after or 0)
