"""One sink per stream: each batch is bulk-loaded through Arrow and merged on the stream's keys in
one DuckDB transaction, so a batch is either wholly in the warehouse or not at all."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pyarrow as pa
from singer_sdk.contrib.msgspec import encoder as json_encoder
from singer_sdk.sinks import BatchSink

from target_commerce_duckdb.types import MONEY, column_type, normalise, wider

ARRIVAL = "__arrival"  # position of a record in its batch: the last one for a key wins


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


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


class DuckDBSink(BatchSink):
    def __init__(self, target: Any, stream_name: str, schema: dict, key_properties: Any) -> None:
        super().__init__(target, stream_name, schema, key_properties)
        self._target = target
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
        self.columns = self._prepare_table()

    @property
    def max_size(self) -> int:
        return int(self.config.get("batch_size_rows", 100000))

    # DuckDB parses timestamps when it casts the batch; parsing each one in Python first would
    # only cost time (and a naive-datetime round trip could lose an offset).
    def _parse_timestamps_in_record(self, record: dict, schema: dict, treatment: Any) -> None:
        pass

    def _wanted_columns(self) -> dict[str, str]:
        return {name: column_type(node) for name, node in self.schema["properties"].items()}

    def _prepare_table(self) -> dict[str, str]:
        """Create the table, or evolve it: new properties add columns, wider types widen them,
        nothing is dropped."""
        connection = self.connection
        schema_name = self._target.schema_name
        connection.execute(
            f"CREATE SCHEMA IF NOT EXISTS {quote(self.catalog)}.{quote(schema_name)}"
        )
        existing = {
            name: normalise(kind)
            for name, kind in connection.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_catalog = ? AND table_schema = ? AND table_name = ? ORDER BY ordinal_position",
                [self.catalog, schema_name, self.table_name],
            ).fetchall()
        }
        wanted = self._wanted_columns()
        if not existing:
            columns = ", ".join(f"{quote(name)} {kind}" for name, kind in wanted.items())
            connection.execute(f"CREATE TABLE {self.table} ({columns})")
            return wanted
        for name, kind in wanted.items():
            if name not in existing:
                connection.execute(f"ALTER TABLE {self.table} ADD COLUMN {quote(name)} {kind}")
                existing[name] = kind
            elif (widened := wider(existing[name], kind)) != existing[name]:
                self.logger.info(
                    "Widening %s.%s from %s to %s", self.table, name, existing[name], widened
                )
                connection.execute(
                    f"ALTER TABLE {self.table} ALTER COLUMN {quote(name)} TYPE {widened}"
                )
                existing[name] = widened
        return existing

    def process_batch(self, context: dict) -> None:
        records = context.get("records") or []
        if not records:
            return
        names = list(self.columns)
        arrow = pa.table(
            {
                f"c{position}": arrow_column(
                    [record.get(name) for record in records], self.columns[name]
                )
                for position, name in enumerate(names)
            }
            | {ARRIVAL: pa.array(range(len(records)), pa.int64())}
        )
        casts = ", ".join(
            f"CAST(c{position} AS {self.columns[name]}) AS {quote(name)}"
            for position, name in enumerate(names)
        )
        column_list = ", ".join(quote(name) for name in names)
        keys = [quote(key) for key in self.key_properties]
        hard_delete = bool(self.config.get("hard_delete", False))
        connection = self.connection
        connection.register("incoming_batch", arrow)
        try:
            connection.execute("BEGIN TRANSACTION")
            if not keys:
                connection.execute(
                    f"INSERT INTO {self.table} ({column_list}) SELECT {casts} FROM incoming_batch"
                )
            else:
                match = " AND ".join(f"loaded.{key} = staged.{key}" for key in keys)
                connection.execute(
                    f"CREATE OR REPLACE TEMP TABLE staged AS SELECT {casts} FROM incoming_batch "
                    f"QUALIFY row_number() OVER (PARTITION BY {', '.join(f'CAST(c{names.index(k)} AS VARCHAR)' for k in self.key_properties)} "
                    f"ORDER BY {ARRIVAL} DESC) = 1"
                )
                deleted = (
                    '"_sdc_deleted_at" IS NOT NULL'
                    if "_sdc_deleted_at" in self.columns
                    else "false"
                )
                if hard_delete:
                    connection.execute(
                        f"DELETE FROM {self.table} AS loaded USING staged WHERE {match}"
                    )
                else:
                    # A tombstone marks the row it deletes; the row's data stays queryable.
                    connection.execute(
                        f'UPDATE {self.table} AS loaded SET "_sdc_deleted_at" = staged."_sdc_deleted_at" '
                        f"FROM staged WHERE {match} AND staged.{deleted}"
                    )
                    connection.execute(
                        f"DELETE FROM {self.table} AS loaded USING staged WHERE {match} AND NOT staged.{deleted}"
                    )
                connection.execute(
                    f"INSERT INTO {self.table} ({column_list}) SELECT {column_list} FROM staged WHERE NOT ({deleted})"
                )
                connection.execute("DROP TABLE staged")
            connection.execute("COMMIT")
        except Exception:
            connection.execute("ROLLBACK")
            raise
        finally:
            connection.unregister("incoming_batch")
        self.logger.info("Loaded %d records into %s", len(records), self.table)

    def activate_version(self, new_version: int) -> None:
        """Rows of an older table version are gone from the source (a full-table stream)."""
        self._target.drain_one(self)  # the records of this version come first
        if "_sdc_table_version" not in self.columns:
            return
        older = '"_sdc_table_version" IS NULL OR "_sdc_table_version" < ?'
        if self.config.get("hard_delete", False):
            self.connection.execute(f"DELETE FROM {self.table} WHERE {older}", [new_version])
        else:
            self.connection.execute(
                f'UPDATE {self.table} SET "_sdc_deleted_at" = now() WHERE ({older}) AND "_sdc_deleted_at" IS NULL',
                [new_version],
            )
