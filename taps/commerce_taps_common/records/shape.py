"""Records that hold exactly their schema's columns, with nothing the vendor sent thrown away.

The schema-driven normaliser has already spelled every value the way its schema says. The shaper
then guarantees each top-level column's type, which is what lets the SDK's own per-record type
conformance be switched off (it costs ~40% of a tap's CPU and drops unknown fields silently):

- a property the schema does not declare moves, verbatim, into the `_sdc_extra` object, and the
  stream says once per run which such fields appeared;
- a value that cannot be what its column says (a money field `"N/A"`, a date `"0000-00-00"`) is
  set to null and kept verbatim under `_sdc_extra`; the tap counts them per field and warns at the
  end of the run;
- a record without its primary key fails the stream with one line naming the stream and the key.

Nested objects and arrays are JSON columns: their values are kept as they come."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from singer_sdk.exceptions import FatalAPIError

EXTRA = "_sdc_extra"
EXTRA_SCHEMA = {
    "type": ["object", "null"],
    "description": (
        "What the vendor sent that no column holds: properties the schema does not declare, and "
        "values that could not be their column's type (the column is null), verbatim by name."
    ),
}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
Check = Callable[[Any], bool]


def _is_date(value: Any) -> bool:
    if not (isinstance(value, str) and ISO_DATE.fullmatch(value)):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_instant(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _column_check(node: dict[str, Any]) -> tuple[tuple[type, ...], Check | None] | None:
    """The Python types a value of this column may have, and a check of its text where the type
    alone does not say (dates, date-times); None: anything (a JSON column)."""
    kind = node.get("type", [])
    types = {kind} if isinstance(kind, str) else set(kind)
    if types & {"object", "array"}:
        return None
    if node.get("format") == "date":
        return (str,), _is_date
    if node.get("format") == "date-time":
        return (str,), _is_instant
    if "number" in types:
        return (int, float, Decimal), None
    if "integer" in types:
        return (int, Decimal), _is_whole
    if "boolean" in types:
        return (bool,), None
    if "string" in types:
        return (str,), None
    return None


def _is_whole(value: Any) -> bool:
    return type(value) is int or value == value.to_integral_value()


def with_extra_column(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with the `_sdc_extra` column every stream has."""
    return {**schema, "properties": {**schema.get("properties", {}), EXTRA: EXTRA_SCHEMA}}


class RecordShaper:
    """Shapes the records of one stream; `unknown` and `invalid` count what went to _sdc_extra."""

    def __init__(
        self,
        stream: str,
        schema: dict[str, Any],
        keys: Iterable[str],
        logger: logging.Logger,
    ) -> None:
        self.stream, self.keys, self.logger = stream, tuple(keys), logger
        properties = schema.get("properties", {})
        self.declared = frozenset(properties) | {EXTRA}
        self.checks = {
            name: check for name, node in properties.items() if (check := _column_check(node))
        }
        self.unknown: Counter[str] = Counter()
        self.invalid: Counter[str] = Counter()

    def shape(self, record: dict[str, Any]) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        for name in record.keys() - self.declared:
            if name not in self.unknown:
                self.logger.warning(
                    "%s: the vendor sent %r, which the schema does not declare: kept in %s",
                    self.stream,
                    name,
                    EXTRA,
                )
            self.unknown[name] += 1
            extra[name] = record.pop(name)
        for name, (types, check) in self.checks.items():
            value = record.get(name)
            if value is not None and (
                type(value) not in types or (check is not None and not check(value))
            ):
                self.invalid[name] += 1
                extra[name] = value
                record[name] = None
        for key in self.keys:
            if record.get(key) is None:
                raise FatalAPIError(
                    f"{self.stream}: a record without its primary key {key!r} "
                    f"(fields: {', '.join(sorted(record)[:12])})"
                )
        if extra:
            record[EXTRA] = {**(record.get(EXTRA) or {}), **extra}
        return record

    def warn_invalid(self) -> None:
        """At the end of the run: the values set to null, per field."""
        for name, count in sorted(self.invalid.items()):
            self.logger.warning(
                "%s.%s: %d value(s) could not be the column's type: null in the column, kept "
                "verbatim in %s",
                self.stream,
                name,
                count,
                EXTRA,
            )
