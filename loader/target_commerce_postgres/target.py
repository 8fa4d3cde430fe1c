"""target-commerce-postgres: MeltanoLabs' target-postgres (meltanolabs-target-postgres 0.8.1) with
the few changes that make it keep the contract of target-commerce-duckdb (docs/operations.md).

What it changes, and why (tests/integration/test_loader_postgres.py measures each against the
upstream):
- `date-time` is TIMESTAMP WITH TIME ZONE, not TIMESTAMP: the upstream stores the session time
  zone's wall time without its zone, so an instant depends on the server's TimeZone setting;
- arrays are JSONB like objects, not PostgreSQL arrays (`jsonb[]`, `text[]`): nested values are
  JSON everywhere, read with the same JSON functions;
- tombstones (a key and `_sdc_deleted_at`) delete the row with `hard_delete`, or mark it and
  keep its data without; the upstream overwrites the row with the tombstone's nulls and keeps it;
- a property whose type widens (integer to number, date to date-time, anything to string)
  widens its column; the upstream stops the load ("Altering columns is not supported");
- a key that gains `tenant` (a table loaded before accounts existed) adds the column, gives the
  rows already there the default tenant and rebuilds the primary key on the new key, as the
  DuckDB loader fills the column; the upstream adds the column and keeps the old primary key,
  which refuses a second account's colliding ids;
- ACTIVATE_VERSION as the DuckDB loader does it (target_commerce_duckdb.versions): the opening
  deletes nothing, the closing retires the older rows in the transaction of the version's last
  merge; the upstream deletes (or marks) them all on the opening, before any record arrives.
- the fast path (on unless fast_path is off or stream_maps, flattening or validate_records ask
  for Python records): RECORD messages stay the raw JSON the tap sent, as in target-commerce-duckdb
  (target_commerce_duckdb.background), no per-record validation or conformance; each record is
  split into its columns' text (CopySpool) and spooled to a file; a background thread copies the
  batch into a temporary table of the table's types while the next batch is read, and merges it
  with one MERGE (PostgreSQL 15 or later); the STATE read before the batch's next record goes out
  once the batch is committed. PostgreSQL's input functions cast the text: numbers stay exact
  (NUMERIC, JSONB), date-times keep their offsets.
Everything else (settings, the per-record path's COPY, merge on keys) is the upstream's.
"""

from __future__ import annotations

import datetime as dt
import re
import select
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import msgspec
import psycopg
import sqlalchemy
from msgspec.structs import astuple
from singer_sdk import typing as th
from singer_sdk.sql.connector import JSONSchemaToSQL
from sqlalchemy.dialects.postgresql import BIGINT, BOOLEAN, DATE, JSONB, NUMERIC, TEXT, TIMESTAMP
from target_postgres.connector import PostgresConnector
from target_postgres.sinks import PostgresSink
from target_postgres.target import TargetPostgres

from commerce_taps_common.config.cli import EXIT_CONFIG, file_problems
from commerce_taps_common.config.errors import ConfigError, env_var, required_fix
from commerce_taps_common.config.plugin import installed_distribution
from commerce_taps_common.records.tenant import DEFAULT_TENANT, TENANT
from target_commerce_duckdb.background import BackgroundMerges
from target_commerce_duckdb.sdk import sql_connection, sql_engine
from target_commerce_duckdb.sinks import literal, quote
from target_commerce_duckdb.spool import EXTRACTED_AT, TABLE_VERSION, RecordSpool
from target_commerce_duckdb.types import MONEY, wider
from target_commerce_duckdb.versions import VersionedSink

NAME = "target-commerce-postgres"
DELETED = "_sdc_deleted_at"
MERGE_VERSION = 150000  # PostgreSQL 15 brought MERGE

# COPY's CSV with two bytes JSON text never holds as delimiter and quote (control characters are
# escaped inside JSON strings and are not JSON whitespace): the raw records need no escaping.
FIELD, QUOTE = b"\x01", b"\x02"
COPY_OPTIONS = "FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02'"
COPY_CHUNK = 1 << 20
# A JSON escape of U+0000, not itself escaped (an even run of backslashes before it).
NUL_ESCAPE = re.compile(rb"(?<!\\)((?:\\\\)*)\\u0000")
DEFAULT_BATCH_ROWS = 100_000  # the fast path's, as meltano.yml sets batch_size_rows
DEFAULT_BATCH_BYTES = 256 * 1024 * 1024
# Metadata columns the sink fills itself (from the message or the batch), not from the record.
STAMPED = (
    "_sdc_extracted_at",
    "_sdc_received_at",
    "_sdc_batched_at",
    "_sdc_sequence",
    "_sdc_table_version",
    "_sdc_sync_started_at",
)


# Column types by the DuckDB loader's names for them, so one rule (types.wider) widens both.
FAMILIES: tuple[tuple[type[sqlalchemy.types.TypeEngine], str], ...] = (
    (sqlalchemy.types.Boolean, "BOOLEAN"),
    (sqlalchemy.types.Integer, "BIGINT"),
    (sqlalchemy.types.Numeric, MONEY),
    (sqlalchemy.types.DateTime, "TIMESTAMP WITH TIME ZONE"),
    (sqlalchemy.types.Date, "DATE"),
    (sqlalchemy.types.JSON, "JSON"),
)
COLUMN_TYPES: dict[str, Callable[[], sqlalchemy.types.TypeEngine[Any]]] = {
    "BOOLEAN": BOOLEAN,
    "BIGINT": BIGINT,
    MONEY: NUMERIC,
    "TIMESTAMP WITH TIME ZONE": lambda: TIMESTAMP(timezone=True),
    "DATE": DATE,
    "JSON": JSONB,
    "VARCHAR": TEXT,
}


def family(sql_type: sqlalchemy.types.TypeEngine) -> str:
    return next((name for kind, name in FAMILIES if isinstance(sql_type, kind)), "VARCHAR")


class CommercePostgresConnector(PostgresConnector):
    allow_column_alter = True

    @cached_property
    def jsonschema_to_sql(self) -> JSONSchemaToSQL:
        to_sql = super().jsonschema_to_sql
        to_sql.register_format_handler("date-time", lambda _: TIMESTAMP(timezone=True))
        to_sql.register_type_handler("array", JSONB)
        return to_sql

    def prepare_table(
        self,
        full_table_name: Any,
        schema: dict[str, Any],
        primary_keys: Sequence[str],
        connection: sqlalchemy.engine.Connection,
        partition_keys: list[str] | None = None,
        as_temp_table: bool = False,
    ) -> sqlalchemy.Table:
        """The upstream's, and a table whose key gained `tenant` is upgraded (module doc)."""
        table = super().prepare_table(
            full_table_name, schema, primary_keys, connection, partition_keys, as_temp_table
        )
        if not as_temp_table and TENANT in primary_keys:
            self._key_gained_tenant(table, list(primary_keys), connection)
        return table

    def _key_gained_tenant(
        self, table: sqlalchemy.Table, keys: list[str], connection: sqlalchemy.engine.Connection
    ) -> None:
        primary = sqlalchemy.inspect(connection).get_pk_constraint(table.name, table.schema)
        old = primary.get("constrained_columns") or []
        if not old or old == keys or TENANT in old:
            return
        name = connection.dialect.identifier_preparer.format_table(table)
        tenant = connection.dialect.identifier_preparer.quote(TENANT)
        connection.execute(
            sqlalchemy.text(f"UPDATE {name} SET {tenant} = :tenant WHERE {tenant} IS NULL"),
            {"tenant": DEFAULT_TENANT},
        )
        columns = ", ".join(connection.dialect.identifier_preparer.quote(key) for key in keys)
        constraint = connection.dialect.identifier_preparer.quote(str(primary["name"]))
        connection.execute(
            sqlalchemy.text(
                f"ALTER TABLE {name} DROP CONSTRAINT {constraint}, ADD PRIMARY KEY ({columns})"
            )
        )
        self.logger.info(
            "%s: the key gained %s; the rows loaded before are tenant %r, primary key (%s)",
            name,
            TENANT,
            DEFAULT_TENANT,
            columns,
        )

    def merge_sql_types(
        self, sql_types: list[sqlalchemy.types.TypeEngine]
    ) -> sqlalchemy.types.TypeEngine:
        """The column's type while it holds the incoming one, else the narrowest that holds both
        (the upstream keeps BIGINT for a number, and PostgreSQL rounds 2.5 into it)."""
        current, *incoming = sql_types
        merged = family(current)
        for sql_type in incoming:
            merged = wider(merged, family(sql_type))
        return current if merged == family(current) else COLUMN_TYPES[merged]()

    def get_column_alter_ddl(
        self, schema_name: str, table_name: str, column_name: str, column_type: Any
    ) -> sqlalchemy.DDL:
        """The upstream's statement lacks TYPE; USING converts where no implicit cast does
        (jsonb to text)."""
        dialect = sql_engine(self).dialect
        name = sqlalchemy.Column(column_name, column_type).compile(dialect=dialect)
        kind = column_type.compile(dialect=dialect)
        return sqlalchemy.DDL(
            f'ALTER TABLE "{schema_name}"."{table_name}" '
            f"ALTER COLUMN {name} TYPE {kind} USING {name}::{kind}"
        )


def sent(pgconn: psycopg.pq.abc.PGconn) -> None:
    """Wait until libpq has sent what it holds: psycopg leaves COPY data in libpq's output buffer,
    which grows to the whole batch while the server parses it more slowly than the file is read."""
    while pgconn.flush():
        select.select([], [pgconn.socket], [])


class CopySpool(RecordSpool):
    """One sink's pending records as rows for COPY: each of the record's own columns as its text
    (split from the raw JSON by msgspec, strings unescaped only when they hold an escape, nested
    values as their exact JSON text), then its time_extracted and its version."""

    def __init__(
        self, directory: str, columns: list[str], json_columns: set[str], sanitize: bool
    ) -> None:
        super().__init__(directory, [], with_metadata=False)
        self._as_json = [name in json_columns for name in columns]
        self._values = msgspec.json.Decoder(
            msgspec.defstruct(
                "RecordValues",
                [(f"f{i}", msgspec.Raw, msgspec.Raw()) for i in range(len(columns))],
                rename={f"f{i}": name for i, name in enumerate(columns)},
            )
        )
        self._sanitize = sanitize

    def _field(self, raw: msgspec.Raw, as_json: bool) -> bytes:
        text = bytes(raw)
        if not text or text == b"null":
            return b""  # NULL
        if text[0] == 34 and not as_json:  # a string for a column of text, a date, a number...
            if b"\\" not in text:
                return text[1:-1] if len(text) > 2 else QUOTE + QUOTE  # '' is not NULL
            value = _string.decode(text)
            if self._sanitize:
                value = value.replace("\x00", "\ufffd")
            return QUOTE + value.encode().replace(QUOTE, QUOTE + QUOTE) + QUOTE
        if b"\r" in text:  # JSON whitespace; CSV would take it as the line's end
            # (CR inside a JSON string is escaped)
            text = text.replace(b"\r", b" ")
        return NUL_ESCAPE.sub(rb"\1\\ufffd", text) if self._sanitize else text

    def append(
        self, record: bytes | msgspec.Raw, extracted_at: bytes | msgspec.Raw, version: int | None
    ) -> None:
        handle = self._handle or self._open()
        values = astuple(self._values.decode(record))
        fields = [
            self._field(value, as_json)
            for value, as_json in zip(values, self._as_json, strict=True)
        ]
        extracted = bytes(extracted_at)
        fields.append(extracted[1:-1] if extracted[:1] == b'"' else b"")  # ISO 8601, no escapes
        fields.append(b"" if version is None else b"%d" % version)
        self.rows += 1
        self.size += handle.write(FIELD.join(fields) + b"\n")


_string = msgspec.json.Decoder(str)


def column_types(connection: Any, table: str) -> dict[str, str]:
    """The table's columns and their types, as PostgreSQL spells them."""
    return dict(
        connection.execute(
            sqlalchemy.text(
                "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
                "WHERE attrelid = CAST(:table AS regclass) AND attnum > 0 AND NOT attisdropped"
            ),
            {"table": table},
        ).all()
    )


class CommercePostgresSink(VersionedSink, PostgresSink):
    connector_class = CommercePostgresConnector

    def setup(self) -> None:
        super().setup()
        with sql_connection(self.connector) as connection:
            types = column_types(connection, self.quoted_table)
        stamped = STAMPED if self.include_sdc_metadata_properties else ()
        self.record_columns = [
            name for name in self.schema["properties"] if name in types and name not in stamped
        ]
        self.spool = CopySpool(
            self._target.spool_directory,
            self.record_columns,
            {name for name, kind in types.items() if kind in ("json", "jsonb")},
            bool(self.config.get("sanitize_null_text_characters", False)),
        )
        # singer-sdk's default of 10,000 rows makes ten times the merges of meltano.yml's setting.
        self._row_budget = int(self.config.get("batch_size_rows") or DEFAULT_BATCH_ROWS)
        self._byte_budget = int(self.config.get("batch_size_bytes") or DEFAULT_BATCH_BYTES)

    @property
    def quoted_table(self) -> str:
        return f"{quote(self.schema_name or 'public')}.{quote(self.table_name)}"

    # The fast path (target_commerce_duckdb.background.RawSink).

    @property
    def is_full(self) -> bool:
        """Checked before every record: plain attributes, no config look-ups."""
        return self.current_size >= self._row_budget or self.spool.size >= self._byte_budget

    @property
    def spooled_rows(self) -> int:
        return self.spool.rows

    def append_raw(
        self, record: msgspec.Raw, extracted_at: msgspec.Raw, version: int | None
    ) -> None:
        self.spool.append(record, extracted_at, version)
        self.tally_record_read()

    def detach_spool(self) -> str:
        path = self.spool.close()
        self.start_drain()
        self.mark_drained()
        return path

    def process_batch(self, context: dict[str, Any]) -> None:
        self._target.settle()  # a batch merging in the background goes first
        if self.spool.rows:
            self.merge_spooled(self.spool.close())
        elif context.get("records"):
            super().process_batch(context)

    def merge_spooled(self, path: str) -> None:
        """COPY the batch into a temporary table of the table's types, then one MERGE (the last
        record per key wins; a tombstone deletes or marks its row), the older versions retire,
        and it all commits at once."""
        started = time.monotonic()
        staging = quote(f"staged_{uuid.uuid4().hex}")
        try:
            with sql_connection(self.connector) as connection, connection.begin():
                driver = connection.connection.driver_connection
                assert isinstance(driver, psycopg.Connection)
                cursor = driver.cursor()
                server = driver.info.server_version
                if server < MERGE_VERSION:
                    raise ConfigError(
                        "fast_path",
                        f"PostgreSQL {server // 10000} has no MERGE (15 and later have)",
                        f"set {env_var(NAME, 'fast_path')}=false or upgrade the server",
                    )
                # Date-times without an offset are UTC, as in target-commerce-duckdb.
                cursor.execute("SET LOCAL TimeZone = 'UTC'")
                types = column_types(connection, self.quoted_table)
                staged_columns = ", ".join(
                    f"{quote(name)} {types[name]}" for name in self.record_columns
                )
                cursor.execute(
                    f"CREATE TEMP TABLE {staging} ({staged_columns}, "
                    f"{quote(EXTRACTED_AT)} text, {quote(TABLE_VERSION)} bigint) ON COMMIT DROP"
                )
                with cursor.copy(f"COPY {staging} FROM STDIN ({COPY_OPTIONS})") as copy:
                    for chunk in self._copy_chunks(path):
                        copy.write(chunk)
                        sent(driver.pgconn)
                staged, copied = cursor.rowcount, time.monotonic()
                cursor.execute(self._merge_statement(types, staging))
                self._retire_older(connection)
        finally:
            Path(path).unlink()
        self.record_counter_metric.increment(staged)
        done = time.monotonic()
        self.logger.info(
            "Loaded %d records into %s in %.2f s (COPY %.2f s, MERGE and commit %.2f s)",
            staged,
            self.full_table_name,
            done - started,
            copied - started,
            done - copied,
        )

    def _copy_chunks(self, path: str) -> Iterator[bytes]:
        with open(path, "rb") as lines:
            while chunk := b"".join(lines.readlines(COPY_CHUNK)):
                yield chunk

    def _merge_statement(self, types: dict[str, str], staging: str) -> str:
        table = self.quoted_table
        names = [name for name in self.schema["properties"] if name in types]
        values = self._values(types)
        typed = ", ".join(f"{values[name]} AS {quote(name)}" for name in names)
        columns = ", ".join(quote(name) for name in names)
        rows = f"{staging} AS staged"
        if not self.key_properties:
            return f"INSERT INTO {table} ({columns}) SELECT {typed} FROM {rows}"
        # The last record per key: grouped on the keys and positions alone, no whole row sorted.
        keys = ", ".join(quote(key) for key in self.key_properties)
        latest = f"SELECT max(ctid) FROM {staging} GROUP BY {keys}"
        match = " AND ".join(
            f"loaded.{quote(key)} = batch.{quote(key)}" for key in self.key_properties
        )
        tombstone = f"batch.{quote(DELETED)} IS NOT NULL" if DELETED in names else "false"
        if self.config.get("hard_delete", False):
            on_tombstone = "DELETE"
        else:  # a tombstone marks the row it deletes; the row's data stays queryable
            on_tombstone = f"UPDATE SET {quote(DELETED)} = batch.{quote(DELETED)}"
        updates = ", ".join(f"{quote(name)} = batch.{quote(name)}" for name in names)
        inserted = ", ".join(f"batch.{quote(name)}" for name in names)
        return (
            f"MERGE INTO {table} AS loaded USING (SELECT {typed} FROM {rows} "
            f"WHERE staged.ctid IN ({latest})) AS batch ON {match} "
            f"WHEN MATCHED AND {tombstone} THEN {on_tombstone} "
            f"WHEN MATCHED THEN UPDATE SET {updates} "
            f"WHEN NOT MATCHED AND NOT ({tombstone}) THEN INSERT ({columns}) VALUES ({inserted})"
        )

    def _values(self, types: dict[str, str]) -> dict[str, str]:
        """SQL for each column's value: the staged column, or for the metadata the staged row's
        time_extracted and version or the batch's stamps."""
        if not self.include_sdc_metadata_properties:
            return {name: f"staged.{quote(name)}" for name in types}
        now = literal(dt.datetime.now(dt.UTC).isoformat())
        sources = {
            "_sdc_received_at": now,
            "_sdc_batched_at": now,
            "_sdc_sequence": str(round(time.time() * 1000)),
            "_sdc_sync_started_at": str(self.sync_started_at),
            "_sdc_extracted_at": f"staged.{quote(EXTRACTED_AT)}",
            "_sdc_table_version": f"staged.{quote(TABLE_VERSION)}",
        }
        return {
            name: f"CAST({sources[name]} AS {kind})" if name in sources else f"staged.{quote(name)}"
            for name, kind in types.items()
        }

    @property
    def process_activate_version_messages(self) -> bool:
        """The upstream's own setting, `activate_version`, turns them off too."""
        return super().process_activate_version_messages and self.config.get(
            "activate_version", True
        )

    def upsert(
        self,
        from_table: sqlalchemy.Table,
        to_table: sqlalchemy.Table,
        schema: dict[str, Any],
        join_keys: list[str],
        connection: sqlalchemy.engine.Connection,
    ) -> int | None:
        """Tombstones of the batch first: they delete (or mark) the rows they name and leave
        the batch; the upstream merges the rest."""
        if join_keys and DELETED in from_table.columns:
            staged, loaded = from_table.columns, to_table.columns
            named = sqlalchemy.and_(
                *(loaded[key] == staged[key] for key in join_keys), staged[DELETED].is_not(None)
            )
            if self.config.get("hard_delete", False):
                connection.execute(sqlalchemy.delete(to_table).where(named))
            else:
                connection.execute(
                    sqlalchemy.update(to_table).where(named).values({DELETED: staged[DELETED]})
                )
            connection.execute(sqlalchemy.delete(from_table).where(staged[DELETED].is_not(None)))
        merged = super().upsert(from_table, to_table, schema, join_keys, connection)
        self._retire_older(connection)
        return merged

    def _retire_older(self, connection: sqlalchemy.engine.Connection) -> None:
        table = sqlalchemy.table(self.table_name, schema=self.schema_name)
        if statement := self.retire_statement(
            connection.dialect.identifier_preparer.format_table(table)
        ):
            connection.execute(sqlalchemy.text(statement))

    def retire_alone(self) -> None:
        with sql_connection(self.connector) as connection, connection.begin():
            self._retire_older(connection)


class TargetCommercePostgres(BackgroundMerges, TargetPostgres):
    name = NAME
    package_name = installed_distribution(NAME)
    default_sink_class = raw_sink_class = CommercePostgresSink

    config_jsonschema = {
        **TargetPostgres.config_jsonschema,
        "properties": {
            **TargetPostgres.config_jsonschema["properties"],
            **th.PropertiesList(
                th.Property(
                    "fast_path",
                    th.BooleanType,
                    default=True,
                    description=(
                        "Hand records to PostgreSQL as the raw JSON the tap sent (COPY, then one "
                        "MERGE per batch; PostgreSQL 15 or later). Off (or stream_maps, "
                        "flattening_enabled, validate_records on) sends each record through "
                        "singer-sdk as Python objects, many times slower."
                    ),
                ),
                th.Property(
                    "batch_size_bytes",
                    th.IntegerType,
                    default=DEFAULT_BATCH_BYTES,
                    minimum=1,
                    description=(
                        "Most bytes of record JSON per stream per batch on the fast path, "
                        "whatever batch_size_rows says."
                    ),
                ),
                th.Property(
                    "validate_records",
                    th.BooleanType,
                    default=False,
                    description=(
                        "Validate each record against its JSON Schema in Python; off by default "
                        "because PostgreSQL's casts reject what does not fit the column type."
                    ),
                ),
            ).to_dict()["properties"],
        },
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        try:
            super().__init__(*args, **kwargs)
        except AssertionError as error:  # the upstream checks its settings with assert
            raise failed_check(self.config, error) from None
        if self.fast_path:
            self.start_fast_path()


def failed_check(config: Mapping[str, Any], error: AssertionError) -> ConfigError:
    if not config.get("sqlalchemy_url"):
        for setting in ("host", "port", "user", "password", "database"):
            if config.get(setting) is None:
                return ConfigError(setting, "not set", required_fix(NAME, setting))
    return ConfigError("settings", str(error))


# PostgreSQL's words for a refused connection -> the setting to fix (else the address is wrong).
REFUSALS = (
    ("password authentication failed", "password"),
    ("no password supplied", "password"),
    ('database "', "database"),
    ('role "', "user"),
)


def refused(error: sqlalchemy.exc.OperationalError) -> ConfigError:
    message = " ".join(str(error.orig).split())
    setting = next((name for words, name in REFUSALS if words in message), "host")
    return ConfigError(
        setting,
        f"PostgreSQL refused the connection: {message}",
        f"check {env_var(NAME, setting)} (and the other connection settings)",
    )


def main() -> None:
    if problems := file_problems(sys.argv[1:]):
        print(f"{NAME}: file error: {problems[0]}", file=sys.stderr)
        sys.exit(EXIT_CONFIG)
    try:
        TargetCommercePostgres.cli()
    except sqlalchemy.exc.OperationalError as error:
        print(f"{NAME}: config error: {refused(error)}", file=sys.stderr)
        sys.exit(EXIT_CONFIG)
    except ConfigError as error:
        print(f"{NAME}: config error: {error}", file=sys.stderr)
        sys.exit(EXIT_CONFIG)


if __name__ == "__main__":
    main()
