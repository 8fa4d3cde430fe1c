"""target-commerce-duckdb: Singer records into a DuckDB file, exactly (DECIMAL money, DATE,
TIMESTAMP WITH TIME ZONE), merged on primary keys, state emitted only after its data is
committed."""

from __future__ import annotations

import sys
import time
from functools import cached_property
from pathlib import Path
from typing import Any

import duckdb
from singer_sdk import Target
from singer_sdk import typing as th

from commerce_taps_common.config.plugin import installed_distribution
from commerce_taps_common.reporting.run_hooks import metrics_only_at_debug
from target_commerce_duckdb.background import BackgroundMerges
from target_commerce_duckdb.sinks import DuckDBSink, LoaderError

LOCK_LOG_SECONDS = 30  # how often a wait for another process's lock is logged
LOCK_POLL_SECONDS = 0.5
# DuckDB writes an insert of at least a row group (122,880 rows) straight to the file instead of
# through the WAL and a checkpoint (a third of the cost); 256 MiB is ~160k spooled invoices with
# nested line items (~1.6 KiB each; 128 MiB held 81k of them), and leaves several batches in a
# large load to merge while the next is read.
DEFAULT_BATCH_BYTES = 256 * 1024 * 1024
DEFAULT_BATCH_ROWS = 250_000


class TargetCommerceDuckDB(BackgroundMerges, Target):
    name = "target-commerce-duckdb"
    package_name = installed_distribution(name)
    default_sink_class = raw_sink_class = DuckDBSink

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
                "Delete rows the source deleted (tombstones, ACTIVATE_VERSION) instead of "
                "setting _sdc_deleted_at."
            ),
        ),
        th.Property(
            "batch_size_rows",
            th.IntegerType,
            default=DEFAULT_BATCH_ROWS,
            minimum=1,
            description="Most rows per bulk load and merge.",
        ),
        th.Property(
            "batch_size_bytes",
            th.IntegerType,
            default=DEFAULT_BATCH_BYTES,
            minimum=1,
            description=(
                "Most bytes of record JSON per stream per bulk load and merge, whatever "
                "batch_size_rows says; bounds the loader's memory."
            ),
        ),
        th.Property(
            "memory_limit_mib",
            th.IntegerType,
            default=160,
            minimum=64,
            description=(
                "DuckDB's memory limit in MiB: its cache of the warehouse and a batch's merge "
                "stay under it (DuckDB spills to disk beyond)."
            ),
        ),
        th.Property(
            "fast_path",
            th.BooleanType,
            default=True,
            description=(
                "Hand records to DuckDB as the raw JSON the tap sent. Off (or stream_maps, "
                "flattening_enabled, validate_records on) sends each record through singer-sdk "
                "as Python objects, several times slower."
            ),
        ),
        th.Property(
            "lock_timeout_seconds",
            th.IntegerType,
            default=600,
            minimum=0,
            description=(
                "How long to wait for another process (a notebook, a BI tool) to release the "
                "DuckDB file before failing."
            ),
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

    @property
    def batch_size_rows(self) -> int:
        return int(self.config.get("batch_size_rows") or DEFAULT_BATCH_ROWS)

    @property
    def batch_size_bytes(self) -> int:
        return int(self.config.get("batch_size_bytes") or DEFAULT_BATCH_BYTES)

    @cached_property
    def connection(self) -> duckdb.DuckDBPyConnection:
        path = self.config.get("database") or self.config.get("filepath") or self.config.get("path")
        if not path:
            raise LoaderError("database: not set; set it to the path of the DuckDB file")
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise LoaderError(
                f"cannot create {path}: {error.strerror}; check the database setting"
            ) from None
        connection = self._connect_waiting_for_lock(path)
        connection.execute("SET TimeZone = 'UTC'")
        # DuckDB would keep the whole table cached (its default is 80% of the machine's RAM).
        connection.execute(
            f"SET memory_limit = '{int(self.config.get('memory_limit_mib', 160))}MiB'"
        )
        return connection

    def _connect_waiting_for_lock(self, path: str) -> duckdb.DuckDBPyConnection:
        """DuckDB lets one process hold a file; another process's reader (an analyst's
        notebook) is waited for, up to lock_timeout_seconds, logging what DuckDB says of it."""
        timeout = int(self.config.get("lock_timeout_seconds", 600))
        started = time.monotonic()
        logged_at: float | None = None
        while True:
            try:
                return duckdb.connect(path)
            except duckdb.IOException as error:
                message = str(error).splitlines()[0]
                if "lock" not in message.lower():
                    raise LoaderError(f"cannot open {path}: {message}") from None
                waited = time.monotonic() - started
                if waited >= timeout:
                    raise LoaderError(
                        f"{path} is locked by another process ({message}); waited {timeout} s "
                        "(lock_timeout_seconds); close that connection (a notebook, a BI tool, "
                        "another load) and rerun"
                    ) from None
                if logged_at is None or waited - logged_at >= LOCK_LOG_SECONDS:
                    logged_at = waited
                    self.logger.warning(
                        "Waiting for %s, locked by another process, %.0f s of %d s: %s",
                        path,
                        waited,
                        timeout,
                        message,
                    )
                time.sleep(min(LOCK_POLL_SECONDS, timeout - waited))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The last drains one sink after another, as the background merges do: parallel merges
        # share DuckDB's memory_limit and ran out of it (each merge is multi-threaded anyway).
        self.max_parallelism = 1
        metrics_only_at_debug(self.metrics_logger)
        if self.fast_path:
            self.start_fast_path()
        if kwargs.get("validate_config") is not False:
            _ = self.connection  # open (and lock) the file now: fail before reading any input

    def no_sink(self, stream: str) -> Exception:
        return LoaderError(f"stream {stream}: a record with no sink to take it")


def main() -> None:
    try:
        TargetCommerceDuckDB.cli()
    except LoaderError as error:
        print(f"target-commerce-duckdb: error: {error}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
