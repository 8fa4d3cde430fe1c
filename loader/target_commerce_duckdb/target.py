"""target-commerce-duckdb: Singer records into a DuckDB file, exactly (DECIMAL money, DATE,
TIMESTAMP WITH TIME ZONE), merged on primary keys, state emitted only after its data is committed."""

from __future__ import annotations

import sys
from functools import cached_property
from pathlib import Path
from typing import Any

import duckdb
from singer_sdk import Target
from singer_sdk import typing as th
from singer_sdk.contrib.msgspec import MsgSpecReader

from target_commerce_duckdb.sinks import DuckDBSink


class LoaderError(Exception):
    """Something the user can fix (a locked or unwritable file, a missing setting)."""


class TargetCommerceDuckDB(Target):
    name = "target-commerce-duckdb"
    package_name = "commerce-taps"
    default_sink_class = DuckDBSink
    # msgspec decodes numbers straight to Decimal (exact) and is the fastest reader.
    message_reader_class = MsgSpecReader

    config_jsonschema = th.PropertiesList(
        th.Property(
            "database", th.StringType, description="Path of the DuckDB file (created if missing)."
        ),
        th.Property("filepath", th.StringType, description="Alias of database."),
        th.Property("path", th.StringType, description="Alias of database."),
        th.Property(
            "default_target_schema",
            th.StringType,
            default="main",
            description="Schema the tables land in.",
        ),
        th.Property(
            "hard_delete",
            th.BooleanType,
            default=False,
            description=(
                "Delete rows the source deleted (tombstones, ACTIVATE_VERSION) instead of setting _sdc_deleted_at."
            ),
        ),
        th.Property(
            "batch_size_rows",
            th.IntegerType,
            default=100000,
            minimum=1,
            description="Rows per bulk load and merge; bounds memory.",
        ),
        th.Property(
            "add_record_metadata",
            th.BooleanType,
            default=True,
            description="Add the _sdc_* metadata columns.",
        ),
        th.Property(
            "validate_records",
            th.BooleanType,
            default=False,
            description=(
                "Validate each record against its JSON Schema in Python; off by default because "
                "DuckDB's casts reject what does not fit the column type anyway."
            ),
        ),
    ).to_dict()

    @property
    def schema_name(self) -> str:
        return self.config.get("default_target_schema") or "main"

    @cached_property
    def connection(self) -> duckdb.DuckDBPyConnection:
        path = self.config.get("database") or self.config.get("filepath") or self.config.get("path")
        if not path:
            raise LoaderError("database: not set; set it to the path of the DuckDB file")
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            connection = duckdb.connect(path)
        except duckdb.IOException as error:
            if "lock" in str(error).lower():
                raise LoaderError(
                    f"{path} is locked by another process ({str(error).splitlines()[0]}); close that "
                    "connection (a notebook, a BI tool, another load) and rerun"
                ) from None
            raise LoaderError(f"cannot open {path}: {error}") from None
        except OSError as error:
            raise LoaderError(
                f"cannot create {path}: {error.strerror}; check the database setting"
            ) from None
        connection.execute("SET TimeZone = 'UTC'")
        return connection

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kwargs.get("validate_config") is not False:
            self.connection  # open (and lock) the file now: fail before reading any input


def main() -> None:
    try:
        TargetCommerceDuckDB.cli()
    except LoaderError as error:
        print(f"target-commerce-duckdb: error: {error}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
