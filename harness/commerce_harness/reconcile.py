"""Compare a DuckDB warehouse table with the sandbox's ground truth, row by row and field by field.

Values are compared by meaning, not by spelling: timestamps as instants (the API writes
`-08:00`, the warehouse holds UTC), money as exact decimals (`1.5` equals `1.50`, never through
float), dates as dates, nested objects and arrays recursively. A field the API serves but the
warehouse lacks is a difference (a schema that forgot a property loses data silently otherwise).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import duckdb

# How the tap reshapes a vendor record on its way to the warehouse, per (vendor, stream): the
# comparison applies the documented reshaping to the truth, never the tap's own code.
Reshape = Callable[[dict[str, Any]], dict[str, Any]]


def _flatten_collection(record: dict[str, Any], key: str) -> dict[str, Any]:
    nested = record.get(key)
    if isinstance(nested, Mapping) and "data" in nested:
        record = {**record, key: nested["data"]}
    return record


def _as_text(record: dict[str, Any], key: str) -> dict[str, Any]:
    """An identifier, or a list of them, that the vendor writes as numbers, as text."""
    value = record.get(key)
    if isinstance(value, list):
        return {**record, key: [str(item) for item in value]}
    return {**record, key: str(value)} if isinstance(value, int) else record


def _zuora_order(record: dict[str, Any]) -> dict[str, Any]:
    record = _flatten_collection(record, "line_items")
    subscriptions = record.get("subscriptions")
    if isinstance(subscriptions, list):
        record = {**record, "subscriptions": [_zuora_subscription(item) for item in subscriptions]}
    return record


def _zuora_subscription(record: dict[str, Any]) -> dict[str, Any]:
    """contracted_mrr is money written as a string."""
    money = record.get("contracted_mrr")
    return {**record, "contracted_mrr": Decimal(money)} if isinstance(money, str) else record


# Where a vendor's spec types a field wrongly the schemas type it right (money as numbers,
# account numbers as text; tests/unit/test_schema_audit.py lists these spec slips), and the truth,
# spelled as the vendor spells it, is read the same way.
RESHAPES: dict[tuple[str, str], Reshape] = {
    # Zuora nests expanded collections as {"next_page", "data"}; the tap keeps the list.
    ("zuora", "orders"): _zuora_order,
    ("zuora", "subscriptions"): _zuora_subscription,
    ("zoom", "billing_documents"): lambda record: _as_text(record, "customer_zoom_account_number"),
    ("zoom", "accounts"): lambda record: _as_text(record, "zoom_account_numbers"),
    # The Zoho tap lifts the nested ids of a commission to top-level columns, for joins.
    ("zoho", "commissions"): lambda record: {
        **record,
        "subscription_id": record["subscription"]["subscription_id"],
        "transaction_id": record["transaction"]["transaction_id"],
    },
}


@dataclass
class TableDiff:
    table: str
    truth_rows: int
    warehouse_rows: int
    missing: list[Any] = field(default_factory=list)  # keys in truth, not in the warehouse
    extra: list[Any] = field(default_factory=list)  # keys in the warehouse, not in truth
    changed: list[str] = field(default_factory=list)  # "key.field: truth != warehouse"
    missing_columns: list[str] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return not (self.missing or self.extra or self.changed or self.missing_columns)

    def summary(self, limit: int = 5) -> str:
        if self.equal:
            return f"{self.table}: {self.warehouse_rows} rows, equal to truth"
        parts = [f"{self.table}: truth {self.truth_rows} rows, warehouse {self.warehouse_rows}"]
        for label, items in (
            ("missing columns", self.missing_columns),
            ("missing rows", self.missing),
            ("extra rows", self.extra),
            ("changed fields", self.changed),
        ):
            if items:
                parts.append(f"{label} ({len(items)}): {items[:limit]}")
        return "; ".join(parts)


def _parse_instant(text: str) -> dt.datetime | None:
    if len(text) < 19 or text[4] != "-" or text[10] not in "T ":
        return None
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None:
        return None
    return value.astimezone(dt.UTC)


def key_of(record: Mapping[str, Any], key: str | tuple[str, ...]) -> tuple[Any, ...]:
    """The record's values of its stream's key fields, canonical (None where one is missing)."""
    names = (key,) if isinstance(key, str) else key
    return tuple(canonical(record.get(name)) for name in names)


def canonical(value: Any) -> Any:
    """A form in which two spellings of the same value are equal."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float, Decimal)):
        # Decimal equality ignores trailing zeros; a float (never expected) is read by its repr.
        return Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        instant = _parse_instant(value)
        if instant is not None:
            return instant
        if len(value) == 10 and value[4] == "-" and value[7] == "-":
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                return value
        return value
    if isinstance(value, Mapping):
        return {key: canonical(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [canonical(item) for item in value]
    return value


def _json_loads(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)


def warehouse_rows(
    connection: duckdb.DuckDBPyConnection, schema: str, table: str
) -> tuple[list[str], list[dict[str, Any]]]:
    connection.execute("SET TimeZone = 'UTC'")
    relation = connection.execute(f'SELECT * FROM "{schema}"."{table}"')
    columns = [description[0] for description in relation.description]
    types = [str(description[1]).upper() for description in relation.description]
    rows = []
    for values in relation.fetchall():
        row = {}
        for name, type_name, value in zip(columns, types, values, strict=True):
            if type_name == "JSON" and isinstance(value, str):
                value = _json_loads(value)
            row[name] = value
        rows.append(row)
    return columns, rows


def compare_table(
    connection: duckdb.DuckDBPyConnection,
    schema: str,
    table: str,
    truth: Iterable[dict[str, Any]],
    *,
    vendor: str,
    key: str | tuple[str, ...] = "id",
) -> TableDiff:
    """A table of a DuckDB warehouse; `key`: the primary key, one column or several."""
    columns, rows = warehouse_rows(connection, schema, table)
    return compare_rows(schema, table, columns, rows, truth, vendor=vendor, key=key)


def compare_rows(
    schema: str,
    table: str,
    columns: list[str],
    rows: list[dict[str, Any]],
    truth: Iterable[dict[str, Any]],
    *,
    vendor: str,
    key: str | tuple[str, ...] = "id",
) -> TableDiff:
    """A table read from any warehouse (its column names, its rows as Python values: JSON
    parsed with exact numbers) against the truth."""
    reshape = RESHAPES.get((vendor, table), lambda record: record)

    def shown_key(record: Mapping[str, Any]) -> Any:  # one field's key reads as the value alone
        values = key_of(record, key)
        return values[0] if len(values) == 1 else values

    expected = {shown_key(record): reshape(record) for record in truth}
    live = [row for row in rows if row.get("_sdc_deleted_at") is None]
    actual = {shown_key(row): row for row in live}
    diff = TableDiff(table=f"{schema}.{table}", truth_rows=len(expected), warehouse_rows=len(live))
    if len(actual) != len(live):
        diff.changed.append(f"duplicate keys: {len(live) - len(actual)} rows share a key")
    column_set = set(columns)
    diff.missing_columns = sorted(
        {name for record in expected.values() for name in record} - column_set
    )
    diff.missing = sorted(set(expected) - set(actual))
    diff.extra = sorted(set(actual) - set(expected))
    for record_key in sorted(set(expected) & set(actual)):
        truth_record, row = expected[record_key], actual[record_key]
        for name, truth_value in truth_record.items():
            if name not in column_set:
                continue
            if canonical(truth_value) != canonical(row[name]):
                diff.changed.append(f"{record_key}.{name}: {truth_value!r} != {row[name]!r}")
    return diff
