"""One sink per stream: each batch is staged in DuckDB (from the raw JSON the tap sent, from BATCH
files, or, when stream maps need Python records, through Arrow) and merged on the stream's keys in
one DuckDB transaction, so a batch is either wholly in the warehouse or not at all."""

from __future__ import annotations

import datetime as dt
import gzip
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import msgspec
import pyarrow as pa
from singer_sdk.contrib.msgspec import encoder as json_encoder
from singer_sdk.sinks import BatchSink

from commerce_taps_common.records.tenant import DEFAULT_TENANT, TENANT
from target_commerce_duckdb.sdk import BaseBatchFileEncoding, SinkSeam
from target_commerce_duckdb.spool import EXTRACTED_AT, TABLE_VERSION, RecordSpool, nested_key
from target_commerce_duckdb.types import MONEY, column_type, finer_than_money, normalise, wider
from target_commerce_duckdb.versions import VersionedSink

# Metadata the SDK stamps per record; a batch stamps them once, when it is staged.
BATCH_STAMPS = ("_sdc_received_at", "_sdc_batched_at", "_sdc_sequence", "_sdc_sync_started_at")
# Metadata the spool carries per record, under its own key.
RECORD_STAMPS = {"_sdc_extracted_at": EXTRACTED_AT, "_sdc_table_version": TABLE_VERSION}


class LoaderError(Exception):
    """Something the user can fix (a locked or unwritable file, a missing setting)."""


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _text(value: Any) -> str | None:
    """The fallback: a value travels as text and DuckDB casts it to the column type (exact for
    decimals, offsets kept for timestamps)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (dict, list)):
        return json_encoder.encode(value).decode()  # Decimals as their exact digits
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)


ARROW_TYPES = {MONEY: pa.decimal128(38, 9), "BIGINT": pa.int64(), "BOOLEAN": pa.bool_()}


def arrow_column(values: list[Any], duckdb_type: str) -> pa.Array:
    """A column in the Arrow type closest to its DuckDB type (Decimals convert exactly; Arrow
    refuses, rather than rounds, what does not fit); mixed or unexpected values go as text."""
    try:
        if duckdb_type == "JSON":
            return pa.array(
                [
                    None if value is None else json_encoder.encode(value).decode()
                    for value in values
                ],
                pa.string(),
            )
        return pa.array(values, ARROW_TYPES.get(duckdb_type, pa.string()))
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
        return pa.array([_text(value) for value in values], pa.string())


def local_path(url: str) -> str:
    """A BATCH manifest entry (a path or a file:// URL) as a local path."""
    parsed = urlparse(url)
    if parsed.scheme in ("", "file"):
        return unquote(parsed.path) if parsed.scheme else url
    raise LoaderError(
        f"BATCH file {url}: only local files are supported; set the tap's "
        "batch_config.storage.root to a local directory (file://...)"
    )


class DuckDBSink(VersionedSink, SinkSeam, BatchSink):
    def __init__(self, target: Any, stream_name: str, schema: dict, key_properties: Any) -> None:
        super().__init__(target, stream_name, schema, key_properties)
        # A cursor per sink: the SDK drains sinks in parallel threads, and one DuckDB
        # connection serves one call at a time.
        self.connection = target.connection.cursor()
        # Fully qualified: a file named like the schema (zoho.duckdb holding schema zoho) makes
        # `zoho.table` ambiguous between the catalog and the schema.
        (self.catalog,) = self.connection.execute("SELECT current_database()").fetchone()
        self.table_name = stream_name.lower().replace("-", "_")
        self.table = ".".join(
            quote(part) for part in (self.catalog, target.schema_name, self.table_name)
        )
        self.wanted = {name: column_type(node) for name, node in self.schema["properties"].items()}
        self.columns = self._prepare_table()
        self._comment_columns()
        self.nested_columns = [
            name for name, kind in self.wanted.items() if kind == "JSON" and name in self.columns
        ]
        self._row_budget = target.batch_size_rows
        self._byte_budget = target.batch_size_bytes
        self.spool = RecordSpool(
            target.spool_directory, self.nested_columns, self.include_sdc_metadata_properties
        )
        for name, node in self.schema["properties"].items():
            if self.wanted[name] == MONEY and finer_than_money(node):
                self.logger.warning(
                    "%s.%s asks for more than 9 decimals; DECIMAL(38,9) rounds the rest",
                    self.table,
                    name,
                )

    @property
    def max_size(self) -> int:
        return self._row_budget

    @property
    def is_full(self) -> bool:
        """Checked after every record: plain attributes, no config look-ups."""
        return self.current_size >= self._row_budget or self.spool.size >= self._byte_budget

    # DuckDB parses timestamps when it casts the batch; parsing each one in Python first would
    # only cost time (and a naive-datetime round trip could lose an offset).
    parses_timestamps = False

    def _prepare_table(self) -> dict[str, str]:
        """Create the table, or evolve it: new properties add columns, wider types widen them,
        nothing is dropped. A key that gains `tenant` (a table loaded before accounts existed)
        adds the column with the default tenant on the rows already there."""
        connection = self.connection
        schema_name = self._target.schema_name
        connection.execute(
            f"CREATE SCHEMA IF NOT EXISTS {quote(self.catalog)}.{quote(schema_name)}"
        )
        existing = {
            name: normalise(kind)
            for name, kind in connection.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_catalog = ? AND table_schema = ? AND table_name = ? "
                "ORDER BY ordinal_position",
                [self.catalog, schema_name, self.table_name],
            ).fetchall()
        }
        if not existing:
            columns = ", ".join(f"{quote(name)} {kind}" for name, kind in self.wanted.items())
            connection.execute(f"CREATE TABLE {self.table} ({columns})")
            return dict(self.wanted)
        for name, kind in self.wanted.items():
            if name not in existing:
                connection.execute(f"ALTER TABLE {self.table} ADD COLUMN {quote(name)} {kind}")
                existing[name] = kind
                if name == TENANT and name in self.key_properties:
                    connection.execute(
                        f"UPDATE {self.table} SET {quote(TENANT)} = {literal(DEFAULT_TENANT)}"
                    )
                    self.logger.info(
                        "%s: the key gained %s; the rows loaded before are tenant %r",
                        self.table,
                        TENANT,
                        DEFAULT_TENANT,
                    )
            elif (widened := wider(existing[name], kind)) != existing[name]:
                self.logger.info(
                    "Widening %s.%s from %s to %s", self.table, name, existing[name], widened
                )
                connection.execute(
                    f"ALTER TABLE {self.table} ALTER COLUMN {quote(name)} TYPE {widened}"
                )
                existing[name] = widened
        return existing

    def _comment_columns(self) -> None:
        """The schema's descriptions become column comments, refreshed when they change (a
        schema without a description leaves the column's comment alone)."""
        current = dict(
            self.connection.execute(
                "SELECT column_name, comment FROM duckdb_columns() "
                "WHERE database_name = ? AND schema_name = ? AND table_name = ?",
                [self.catalog, self._target.schema_name, self.table_name],
            ).fetchall()
        )
        for name, node in self.schema["properties"].items():
            description = node.get("description")
            if isinstance(description, str) and current.get(name) != description:
                self.connection.execute(
                    f"COMMENT ON COLUMN {self.table}.{quote(name)} IS {literal(description)}"
                )

    # The fast path: records arrive as raw JSON and go to the spool untouched.

    def append_raw(self, record: msgspec.Raw, extracted_at: bytes, version: int | None) -> None:
        self.spool.append(record, extracted_at, version)
        self.tally_record_read()

    def _stamps(self) -> dict[str, str]:
        """SQL for the metadata a batch stamps once (only the columns the table has)."""
        now = dt.datetime.now(dt.UTC).isoformat()
        values = {
            "_sdc_received_at": f"TIMESTAMPTZ {literal(now)}",
            "_sdc_batched_at": f"TIMESTAMPTZ {literal(now)}",
            "_sdc_sequence": str(round(time.time() * 1000)),
            "_sdc_sync_started_at": str(self.sync_started_at),
        }
        if not self.include_sdc_metadata_properties:
            return {}
        return {name: values[name] for name in BATCH_STAMPS if name in self.columns}

    def _json_source(self, paths: list[str], compression: str, spooled: bool) -> str:
        """SQL selecting every column of the table, typed, from JSON-lines files: the record's
        own keys, plus (when `spooled`) the keys the spool added."""
        stamps = self._stamps()
        read: dict[str, str] = {}
        select: list[str] = []
        for name, kind in self.columns.items():
            if name in stamps:
                select.append(f"{stamps[name]} AS {quote(name)}")
            elif spooled and name in RECORD_STAMPS and self.include_sdc_metadata_properties:
                read[RECORD_STAMPS[name]] = kind
                select.append(f"{quote(RECORD_STAMPS[name])} AS {quote(name)}")
            elif spooled and name in self.nested_columns:
                key = nested_key(self.nested_columns.index(name))
                read[key] = "VARCHAR"
                select.append(f"CAST({quote(key)} AS {kind}) AS {quote(name)}")
            else:
                read[name] = kind
                select.append(quote(name))
        columns = ", ".join(f"{literal(name)}: {literal(kind)}" for name, kind in read.items())
        files = ", ".join(literal(path) for path in paths)
        return (
            f"SELECT {', '.join(select)} FROM read_json([{files}], format = 'newline_delimited', "
            f"compression = {literal(compression)}, columns = {{{columns}}})"
        )

    def detach_spool(self) -> str:
        """The spooled batch's file, handed over to be merged in the background; the sink
        starts a new file and counts the batch as drained."""
        path = self.spool.close()
        self.start_drain()
        self.mark_drained()
        return path

    def merge_spooled(self, path: str) -> None:
        try:
            self._merge(self._json_source([path], "none", spooled=True), counted=False)
        finally:
            Path(path).unlink()

    def process_batch(self, context: dict) -> None:
        self._target.settle()  # a batch merging in the background goes first
        if self.spool.rows:
            self.merge_spooled(self.spool.close())
            return
        records = context.get("records") or []
        if records:
            self._merge_records(records)

    def _merge_records(self, records: list[dict]) -> None:
        """The per-record path (stream maps, flattening or validation on): Python records
        become typed Arrow columns."""
        names = list(self.columns)
        arrow = pa.table(
            {
                f"c{position}": arrow_column(
                    [record.get(name) for record in records], self.columns[name]
                )
                for position, name in enumerate(names)
            }
        )
        casts = ", ".join(
            f"CAST(c{position} AS {self.columns[name]}) AS {quote(name)}"
            for position, name in enumerate(names)
        )
        self.connection.register("incoming_batch", arrow)
        try:
            self._merge(f"SELECT {casts} FROM incoming_batch", counted=True)
        finally:
            self.connection.unregister("incoming_batch")

    def process_batch_files(self, encoding: BaseBatchFileEncoding, files: Sequence[str]) -> None:
        """singer-sdk BATCH messages: JSON lines (gzip or not) or parquet, read by DuckDB."""
        self._target.settle()  # records sent before this message come first
        self._target.drain_one(self)
        paths = [local_path(url) for url in files]
        if encoding.format == "parquet":
            self._merge(self._parquet_source(paths), counted=False)
        elif encoding.format != "jsonl":
            raise LoaderError(
                f"BATCH encoding {encoding.format!r} of stream {self.stream_name}: not supported; "
                "set the tap's batch_config.encoding.format to jsonl or parquet"
            )
        elif self.nested_columns:
            # Exact nested values need their text, which only the spool keeps (see nested_key).
            for path in paths:
                with _open_lines(path, encoding.compression) as lines:
                    for line in lines:
                        if line.strip():
                            self.append_raw(line.rstrip(b"\r\n"), b"", None)
            self._target.drain_one(self)
        else:
            source = self._json_source(paths, encoding.compression or "none", spooled=False)
            self._merge(source, counted=False)

    def _parquet_source(self, paths: list[str]) -> str:
        files = "[" + ", ".join(literal(path) for path in paths) + "]"
        present = {
            row[0]
            for row in self.connection.execute(
                f"DESCRIBE SELECT * FROM read_parquet({files}, union_by_name = true)"
            ).fetchall()
        }
        stamps = self._stamps()
        select = [
            f"{stamps[name]} AS {quote(name)}"
            if name in stamps
            else f"CAST({quote(name)} AS {kind}) AS {quote(name)}"
            if name in present
            else f"CAST(NULL AS {kind}) AS {quote(name)}"
            for name, kind in self.columns.items()
        ]
        return f"SELECT {', '.join(select)} FROM read_parquet({files}, union_by_name = true)"

    def _merge(self, source: str, counted: bool) -> None:
        """Stage `source` (a SELECT of every column, in arrival order) and merge it: the last
        row per key wins; tombstones delete (hard_delete) or mark the row they name. `counted`:
        the SDK counted these records one by one already."""
        keys = [quote(key) for key in self.key_properties]
        column_list = ", ".join(quote(name) for name in self.columns)
        deleted = '"_sdc_deleted_at" IS NOT NULL' if "_sdc_deleted_at" in self.columns else "false"
        connection = self.connection
        started = time.monotonic()
        with self._transaction():
            # CREATE TABLE AS keeps the source's order, so rowid is the arrival order.
            connection.execute(f"CREATE OR REPLACE TEMP TABLE staged AS {source}")
            (staged,) = connection.execute("SELECT count(*) FROM staged").fetchone()
            if not keys:
                connection.execute(
                    f"INSERT INTO {self.table} ({column_list}) SELECT {column_list} FROM staged"
                )
            else:
                key_list = ", ".join(keys)
                connection.execute(
                    "DELETE FROM staged WHERE rowid NOT IN "
                    f"(SELECT max(rowid) FROM staged GROUP BY {key_list})"
                )
                match = " AND ".join(f"loaded.{key} = staged.{key}" for key in keys)
                if self.config.get("hard_delete", False):
                    connection.execute(
                        f"DELETE FROM {self.table} AS loaded USING staged WHERE {match}"
                    )
                else:
                    # A tombstone marks the row it deletes; the row's data stays queryable.
                    connection.execute(
                        f'UPDATE {self.table} AS loaded SET "_sdc_deleted_at" = '
                        f'staged."_sdc_deleted_at" FROM staged WHERE {match} AND staged.{deleted}'
                    )
                    connection.execute(
                        f"DELETE FROM {self.table} AS loaded USING staged "
                        f"WHERE {match} AND NOT staged.{deleted}"
                    )
                connection.execute(
                    f"INSERT INTO {self.table} ({column_list}) SELECT {column_list} FROM staged "
                    f"WHERE NOT ({deleted})"
                )
            connection.execute("DROP TABLE staged")
            self._retire_older()
        if not counted:
            self.record_counter_metric.increment(staged)
        self.logger.info(
            "Loaded %d records into %s in %.2f s", staged, self.table, time.monotonic() - started
        )

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.connection.execute("BEGIN TRANSACTION")
        try:
            yield
        except Exception:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    def _retire_older(self) -> None:
        if statement := self.retire_statement(self.table):
            self.connection.execute(statement)

    def activate_version(self, new_version: int) -> None:
        # The batch merging in the background commits first, and retires nothing.
        self._target.settle()
        super().activate_version(new_version)

    def retire_alone(self) -> None:
        with self._transaction():
            self._retire_older()

    def clean_up(self) -> None:
        self.spool.discard()
        super().clean_up()


def _open_lines(path: str, compression: str | None) -> Any:
    return gzip.open(path, "rb") if compression == "gzip" else open(path, "rb")
