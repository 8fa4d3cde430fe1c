"""Quickstart list semantics: `page_size`, `filter[]`, `sort[]`, `fields[]`, `expand[]` and the
opaque keyset cursor (base64 of JSON, the shape of the spec's example), answered from a Table's
sorted indexes so a page costs a bisect and a join of cached bytes."""

from __future__ import annotations

import base64
import binascii
import bisect
import datetime as dt
import functools
import itertools
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from commerce_sandbox.encoding import encode
from commerce_sandbox.table import Table
from commerce_sandbox.vendors.zuora.world import stamp_text

OPERATORS = ("EQ", "NE", "LT", "GT", "SW", "IN")
ORDERED_KINDS = ("time", "date", "number", "integer")  # LT/GT apply to these (Zuora's filter guide)
TIME_FIELDS = ("updated_time", "created_time")
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 30, 99
DEFAULT_SORT = (("updated_time", True),)  # "reverse chronological", ties by id DESC


class BadRequest(Exception):
    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


@dataclass(frozen=True)
class StreamSpec:
    """What one list endpoint accepts, per Zuora's guide and the spec's parameter descriptions."""

    name: str
    filterable: dict[
        str, str
    ]  # documented filter field -> kind (text, time, date, number, integer, boolean, related)
    fields: frozenset[str]  # accepted `fields[]` values
    expandable: frozenset[str]
    embedded: frozenset[str] = frozenset()  # expansions held inside the record itself
    filter_aliases: dict[str, str] = field(
        default_factory=dict
    )  # documented filter name -> record field
    unsortable: frozenset[str] = frozenset()  # object-typed fields


@dataclass
class ListQuery:
    page_size: int
    filters: list[Filter]
    sort: tuple[tuple[str, bool], ...]  # (field, descending)
    fields: frozenset[str]
    expand: frozenset[str]
    nested_fields: dict[str, frozenset[str]]  # expansion -> `<expansion>.fields[]`
    cursor: str | None


def instant(text: str) -> float:
    """Epoch seconds of an ISO 8601 date-time with an offset or `Z` (a `+` that arrived as a
    space, unencoded in a query string, counts as `+`)."""
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "+"))
    if value.tzinfo is None:
        raise ValueError("no offset")
    return value.timestamp()


def _convert(kind: str, text: str) -> Any:
    """A filter value as the kind of its field; ValueError when it is not one."""
    if text == "null":
        return None
    if kind == "time":
        return instant(text)
    if kind == "date":
        return dt.date.fromisoformat(text).isoformat()
    if kind == "number":
        try:
            return Decimal(text)
        except InvalidOperation:
            raise ValueError(text) from None
    if kind == "integer":
        return int(text)
    if kind == "boolean":
        if text not in ("true", "false"):
            raise ValueError(text)
        return text == "true"
    return text


@dataclass
class Filter:
    field: str  # the record field (aliases resolved)
    kind: str
    operator: str
    value: Any  # one converted value, or a set of them for IN

    def matches(self, found: Any) -> bool:
        if self.kind == "related":  # the values on related records: any may match, NE none
            if self.operator == "NE":
                return all(each != self.value for each in found)
            return any(self._compare(each) for each in found)
        return self._compare(found)

    def _compare(self, found: Any) -> bool:
        match self.operator:
            case "EQ":
                return found == self.value
            case "NE":
                return found != self.value
            case "IN":
                return found in self.value
            case "SW":
                return isinstance(found, str) and found.startswith(self.value)
            case "LT":
                return found is not None and self.value is not None and found < self.value
            case "GT":
                return found is not None and self.value is not None and found > self.value
        return False


def _values(query: dict[str, list[str]], name: str) -> list[str]:
    """Every comma-separated value of a repeatable parameter."""
    return [
        part.strip() for value in query.get(name, []) for part in value.split(",") if part.strip()
    ]


def parse_filter(spec: StreamSpec, clause: str) -> Filter:
    head, colon, text = clause.partition(":")
    name, dot, operator = head.rpartition(".")
    if not colon or not dot:
        raise BadRequest("filter[]", f"invalid filter '{clause}': expected field.OPERATOR:value")
    if name not in spec.filterable:
        raise BadRequest("filter[]", f"'{name}' is not a filterable field of {spec.name}")
    if operator not in OPERATORS:
        raise BadRequest(
            "filter[]",
            f"invalid operator '{operator}' in '{clause}': use one of {', '.join(OPERATORS)}",
        )
    kind = spec.filterable[name]
    value_kind = "text" if kind == "related" else kind
    if operator in ("LT", "GT") and kind not in ORDERED_KINDS:
        raise BadRequest("filter[]", f"{operator} applies to dates and numbers, not '{name}'")
    if operator == "SW" and kind != "text":
        raise BadRequest("filter[]", f"SW applies to strings, not '{name}'")
    try:
        if operator == "IN":
            if not (text.startswith("[") and text.endswith("]")):
                raise BadRequest("filter[]", f"IN takes a list like {name}.IN:[a,b]")
            value: Any = {
                _convert(value_kind, item.strip()) for item in text[1:-1].split(",") if item.strip()
            }
        else:
            value = _convert(value_kind, text)
    except ValueError:
        raise BadRequest(
            "filter[]", f"'{text}' is not a valid {value_kind} value for '{name}'"
        ) from None
    return Filter(spec.filter_aliases.get(name, name), kind, operator, value)


def parse_query(spec: StreamSpec, query: dict[str, list[str]]) -> ListQuery:
    raw_size = (query.get("page_size") or [str(DEFAULT_PAGE_SIZE)])[-1]
    if not raw_size.isdigit() or not 1 <= int(raw_size) <= MAX_PAGE_SIZE:
        raise BadRequest(
            "page_size",
            f"page_size must be an integer between 1 and {MAX_PAGE_SIZE}, got '{raw_size}'",
        )
    expand = frozenset(_values(query, "expand[]"))
    if unknown := expand - spec.expandable:
        raise BadRequest(
            "expand[]",
            f"cannot expand {', '.join(sorted(unknown))} on {spec.name}; "
            f"expandable: {', '.join(sorted(spec.expandable))}",
        )
    fields = frozenset(_values(query, "fields[]"))
    if unknown := fields - spec.fields:
        raise BadRequest(
            "fields[]", f"unknown field(s) {', '.join(sorted(unknown))} for {spec.name}"
        )
    sort = []
    for clause in _values(query, "sort[]"):
        name, _, direction = clause.rpartition(".")
        if (
            name not in spec.fields
            or name in spec.unsortable
            or direction.lower() not in ("asc", "desc")
        ):
            raise BadRequest(
                "sort[]", f"invalid sort '{clause}': expected <field>.asc or <field>.desc"
            )
        sort.append((name, direction.lower() == "desc"))
    nested = {
        key: frozenset(_values(query, f"{key}.fields[]"))
        for key in expand
        if query.get(f"{key}.fields[]")
    }
    return ListQuery(
        page_size=int(raw_size),
        filters=[parse_filter(spec, clause) for clause in query.get("filter[]", [])],
        sort=tuple(sort) or DEFAULT_SORT,
        fields=fields,
        expand=expand,
        nested_fields=nested,
        cursor=(query.get("cursor") or [None])[-1] or None,
    )


# ---- ordering and cursors -------------------------------------------------------------------
@functools.total_ordering
class Descending:
    """A key part compared the other way round (sorts mixing asc and desc)."""

    __slots__ = ("part",)

    def __init__(self, part: Any) -> None:
        self.part = part

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Descending) and self.part == other.part

    def __lt__(self, other: Descending) -> bool:
        return other.part < self.part


def _cursor_name(field_name: str) -> str:
    # The spec's example cursor names the default keys "UpdatedDate" and "Id".
    special = {"updated_time": "UpdatedDate", "created_time": "CreatedDate", "id": "Id"}
    return special.get(field_name) or "".join(word.capitalize() for word in field_name.split("_"))


class Ordering:
    """One sort order over a table: every record's key, ascending, and whether to walk it
    backwards (all keys descending). Keys are (part, ..., id) with a part (is-set, value), so
    nulls sort first; the default order uses the table's bare (updated epoch, id) index."""

    def __init__(self, table: Table, sort: tuple[tuple[str, bool], ...]) -> None:
        self.table, self.sort = table, sort
        directions = {descending for _, descending in sort}
        self.reverse = directions == {True}
        self.mixed = len(directions) > 1
        self.id_descending = sort[-1][1]
        self.is_default_index = len(sort) == 1 and sort[0][0] == "updated_time"
        self.keys = (
            table.by_update()
            if self.is_default_index
            else sorted(self.key(record_id) for record_id in table.records)
        )

    def _part(self, value: Any, descending: bool) -> Any:
        part = (value is not None, value)
        return Descending(part) if self.mixed and descending else part

    def key(self, record_id: str) -> tuple:
        if self.is_default_index:
            return (self.table.stamps[record_id], record_id)
        record = self.table.records[record_id]
        parts = [
            self._part(self.sort_value(record_id, record, name), descending)
            for name, descending in self.sort
        ]
        return (*parts, Descending(record_id) if self.mixed and self.id_descending else record_id)

    def sort_value(self, record_id: str, record: dict, name: str) -> Any:
        if name == "updated_time":
            return self.table.stamps[record_id]
        value = record.get(name)
        return int(instant(value)) if name in TIME_FIELDS and value else value

    def walk(
        self, keys: list[tuple], after: tuple | None, low: int = 0, high: int | None = None
    ) -> range:
        """Indexes into `keys` in walking order, from just after `after` (a cursor's key),
        within keys[low:high]."""
        high = len(keys) if high is None else high
        if self.reverse:
            if after is not None:
                high = min(high, bisect.bisect_left(keys, after))
            return range(high - 1, low - 1, -1)
        if after is not None:
            low = max(low, bisect.bisect_right(keys, after))
        return range(low, high)

    def update_bounds(self, filters: list[Filter]) -> tuple[int, int, list[Filter]]:
        """Index bounds implied by `updated_time` GT/LT filters (on the default index only), and
        the filters left to test record by record."""
        low, high, rest = 0, len(self.keys), []
        for each in filters:
            if not (
                self.is_default_index
                and each.field == "updated_time"
                and each.value is not None
                and each.operator in ("GT", "LT")
            ):
                rest.append(each)
            elif each.operator == "GT":
                low = max(low, bisect.bisect_left(self.keys, (math.floor(each.value) + 1,)))
            else:
                high = min(high, bisect.bisect_left(self.keys, (math.ceil(each.value),)))
        return low, high, rest

    def encode_cursor(self, record_id: str) -> str:
        record = self.table.records[record_id]
        keyset = []
        for name, descending in (*self.sort, ("id", self.id_descending)):
            value = record_id if name == "id" else self.sort_value(record_id, record, name)
            if name in TIME_FIELDS and value is not None:
                value = stamp_text(value)
            keyset.append(
                {
                    "orderBy": {
                        "field": _cursor_name(name),
                        "order": "DESC" if descending else "ASC",
                    },
                    "value": value,
                }
            )
        return base64.b64encode(encode(keyset)).decode()

    def decode_cursor(self, cursor: str) -> tuple:
        expected = [
            (_cursor_name(name), "DESC" if descending else "ASC")
            for name, descending in (*self.sort, ("id", self.id_descending))
        ]
        try:
            keyset = json.loads(base64.b64decode(cursor, validate=True), parse_float=Decimal)
            if [
                (entry["orderBy"]["field"], entry["orderBy"]["order"]) for entry in keyset
            ] != expected:
                raise ValueError("the cursor belongs to another sort order")
            values = [entry["value"] for entry in keyset]
            for index, (name, _) in enumerate(self.sort):
                if name in TIME_FIELDS and values[index] is not None:
                    values[index] = int(instant(values[index]))
        except (ValueError, KeyError, TypeError, binascii.Error):
            raise BadRequest(
                "cursor",
                "invalid cursor: pass next_page from the previous page unchanged, "
                "with the same other parameters",
            ) from None
        *parts, record_id = values
        if self.is_default_index:
            return (parts[0], record_id)
        return (
            *(
                self._part(value, descending)
                for value, (_, descending) in zip(parts, self.sort, strict=True)
            ),
            Descending(record_id) if self.mixed and self.id_descending else record_id,
        )


def list_page(
    table: Table,
    ordering: Ordering,
    query: ListQuery,
    value_of: Callable[[Filter, str, dict], Any],
    render: Callable[[list[str]], list[bytes]],
) -> bytes:
    """One page as encoded JSON: `{"next_page": cursor|null, "data": [...]}`."""
    after = ordering.decode_cursor(query.cursor) if query.cursor else None
    id_filter = next(
        (each for each in query.filters if each.field == "id" and each.operator in ("EQ", "IN")),
        None,
    )
    filters = query.filters
    if id_filter is not None:  # a handful of ids: look them up rather than scan
        wanted = id_filter.value if id_filter.operator == "IN" else {id_filter.value}
        keys = sorted(ordering.key(key) for key in wanted if key in table.records)
        indexes = ordering.walk(keys, after)
    else:
        keys = ordering.keys
        low, high, filters = ordering.update_bounds(filters)
        indexes = ordering.walk(keys, after, low, high)
    wanted_count = query.page_size + 1  # one more than a page tells whether there is a next one
    if filters:
        records = table.records
        ids = (_id_of(keys[index]) for index in indexes)
        page = list(
            itertools.islice(
                (
                    key
                    for key in ids
                    if all(each.matches(value_of(each, key, records[key])) for each in filters)
                ),
                wanted_count,
            )
        )
    elif ordering.mixed:
        page = [_id_of(keys[index]) for index in indexes[:wanted_count]]
    else:
        page = [keys[index][-1] for index in indexes[:wanted_count]]
    next_page = (
        ordering.encode_cursor(page[query.page_size - 1]) if len(page) > query.page_size else None
    )
    data = b",".join(render(page[: query.page_size]))
    return b'{"next_page":' + encode(next_page) + b',"data":[' + data + b"]}"


def _id_of(key: tuple) -> str:
    last = key[-1]
    return last.part if isinstance(last, Descending) else last
