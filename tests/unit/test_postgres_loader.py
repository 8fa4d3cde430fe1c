"""target-commerce-postgres' own rules, in process: how column types widen (the DuckDB loader's
rule, on PostgreSQL's types) and which setting a refused connection names."""

from __future__ import annotations

import pytest
import sqlalchemy
from sqlalchemy.dialects.postgresql import BIGINT, DATE, INTEGER, JSONB, NUMERIC, TEXT, TIMESTAMP

from target_commerce_postgres.target import CommercePostgresConnector, refused

CONNECTOR = CommercePostgresConnector(
    {"sqlalchemy_url": "postgresql+psycopg://user@127.0.0.1:1/none"}
)


@pytest.mark.parametrize(
    "current, incoming, merged",
    [
        (BIGINT(), INTEGER(), "BIGINT"),  # same family: the column stays
        (BIGINT(), NUMERIC(), "NUMERIC"),
        (NUMERIC(), BIGINT(), "NUMERIC"),
        (DATE(), TIMESTAMP(timezone=True), "TIMESTAMP WITH TIME ZONE"),
        (TIMESTAMP(timezone=True), DATE(), "TIMESTAMP WITH TIME ZONE"),
        (JSONB(), TEXT(), "TEXT"),
        (BIGINT(), DATE(), "TEXT"),  # across families: text holds both
        (TEXT(), BIGINT(), "TEXT"),
    ],
)
def test_a_column_keeps_its_type_while_it_holds_the_new_one_else_widens(current, incoming, merged):
    dialect = sqlalchemy.dialects.postgresql.dialect()
    assert CONNECTOR.merge_sql_types([current, incoming]).compile(dialect=dialect) == merged


def test_the_widening_statement_says_type_and_converts():
    ddl = CONNECTOR.get_column_alter_ddl("zuora", "invoices", "qty", NUMERIC())
    assert str(ddl.statement) == (
        'ALTER TABLE "zuora"."invoices" ALTER COLUMN qty TYPE NUMERIC USING qty::NUMERIC'
    )


class Refusal(Exception):
    pass


@pytest.mark.parametrize(
    "message, setting",
    [
        ('FATAL:  password authentication failed for user "postgres"', "password"),
        ("fe_sendauth: no password supplied", "password"),
        ('FATAL:  database "warehouse" does not exist', "database"),
        ('FATAL:  role "loader" does not exist', "user"),
        ("Connection refused\n\tIs the server running on that host?", "host"),
        ('could not translate host name "db.invalid" to address', "host"),
    ],
)
def test_a_refused_connection_names_the_setting_to_fix(message, setting):
    error = refused(sqlalchemy.exc.OperationalError("connect", {}, Refusal(message)))
    assert error.setting == setting
    assert f"TARGET_COMMERCE_POSTGRES_{setting.upper()}" in error.fix
