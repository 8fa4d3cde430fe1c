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
Everything else (settings, COPY, merge on keys) is the upstream's.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Any

import sqlalchemy
from singer_sdk.sql.connector import JSONSchemaToSQL
from sqlalchemy.dialects.postgresql import BIGINT, BOOLEAN, DATE, JSONB, NUMERIC, TEXT, TIMESTAMP
from target_postgres.connector import PostgresConnector
from target_postgres.sinks import PostgresSink
from target_postgres.target import TargetPostgres

from commerce_taps_common.config.cli import EXIT_CONFIG, file_problems
from commerce_taps_common.config.errors import ConfigError, env_var, required_fix
from commerce_taps_common.config.plugin import installed_distribution
from commerce_taps_common.records.tenant import DEFAULT_TENANT, TENANT
from target_commerce_duckdb.sdk import sql_connection, sql_engine
from target_commerce_duckdb.types import MONEY, wider
from target_commerce_duckdb.versions import VersionedSink

NAME = "target-commerce-postgres"
DELETED = "_sdc_deleted_at"


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


class CommercePostgresSink(VersionedSink, PostgresSink):
    connector_class = CommercePostgresConnector

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


class TargetCommercePostgres(TargetPostgres):
    name = NAME
    package_name = installed_distribution(NAME)
    default_sink_class = CommercePostgresSink

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.opened_versions: set[tuple[str, int]] = set()  # see versions.VersionedSink
        try:
            super().__init__(*args, **kwargs)
        except AssertionError as error:  # the upstream checks its settings with assert
            raise failed_check(self.config, error) from None


def failed_check(config: dict[str, Any], error: AssertionError) -> ConfigError:
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
