"""A warehouse loaded before accounts existed meets a stream whose key gained `tenant`: each loader
adds the column, makes the rows already there tenant `default`, and (PostgreSQL) rebuilds the
primary key on the new key; then the default account's rows update in place and a second
account's colliding ids land beside them (docs/operations.md#accounts-and-tenants)."""

from __future__ import annotations

from test_loader_duckdb import SCHEMA, record, schema_message
from test_loader_versions import Warehouse, _warehouse  # noqa: F401  (the fixture)

TENANT_SCHEMA = {
    **SCHEMA,
    "properties": {"tenant": {"type": ["string", "null"]}, **SCHEMA["properties"]},
}


def test_a_key_that_gains_tenant_upgrades_the_table(warehouse: Warehouse):
    warehouse.load([schema_message(), *(record({"id": i, "amount": 1}) for i in range(3))])
    warehouse.load(
        [
            schema_message(schema=TENANT_SCHEMA, keys=("tenant", "id")),
            *(record({"tenant": "default", "id": i, "amount": 2}) for i in (1, 2, 3)),
            *(record({"tenant": "alpha", "id": i, "amount": 3}) for i in (0, 1)),
        ]
    )
    assert warehouse.query("SELECT tenant, id, amount FROM {table} ORDER BY tenant, id") == [
        ("alpha", 0, 3),
        ("alpha", 1, 3),
        ("default", 0, 1),
        ("default", 1, 2),
        ("default", 2, 2),
        ("default", 3, 2),
    ]
    if warehouse.kind == "postgres":
        (key,) = warehouse.query(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            f"WHERE conrelid = '{warehouse.schema}.items'::regclass AND contype = 'p'"
        )
        assert key == ("PRIMARY KEY (tenant, id)",)
    # Loading again changes nothing: the upgrade happens once.
    warehouse.load(
        [
            schema_message(schema=TENANT_SCHEMA, keys=("tenant", "id")),
            record({"tenant": "alpha", "id": 1, "amount": 3}),
        ]
    )
    assert len(warehouse.query("SELECT * FROM {table}")) == 6
