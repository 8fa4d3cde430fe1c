"""The loaders' benchmark stream: a Singer SCHEMA, `count` RECORD messages and STATE messages of a
30-field invoice stream with nested arrays and objects, the shape of a commerce API's invoices
(ids; money as JSON numbers with multipleOf 0.01 and as `x-singer.decimal` strings; dates;
date-times with UTC offsets; line items, payments and addresses nested; custom fields sometimes
empty). Record `index` is a pure function of `index`: the stream is the same on every run, any
stretch of it can be written alone (`start`), and `expected_row(index)` is what a warehouse must
hold for it. Written line by line: constant memory at any count.

Usage: benchmarks/nested_stream.py --records 200000 [--start 0] [--state-every 10000] [OUT]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import IO, Any

import msgspec

STREAM = "invoices"
KEY = "id"
STATE_EVERY = 10_000
EPOCH = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
OFFSETS = (
    dt.timedelta(0),
    dt.timedelta(hours=5, minutes=30),
    dt.timedelta(hours=-8),
    dt.timedelta(hours=12, minutes=45),
)
STATUSES = ("Draft", "Posted", "Posted", "Posted", "Canceled")
CURRENCIES = ("USD", "EUR", "JPY", "GBP", "INR")
COUNTRIES = ("US", "DE", "JP", "GB", "IN", "NZ")
TAGS = ("renewal", "upgrade", "partner", "enterprise", "trial", "annual", "monthly")

_money = {"type": ["number", "null"], "multipleOf": 0.01}
_decimal = {"type": ["string", "null"], "format": "x-singer.decimal"}
_string = {"type": ["string", "null"]}
_integer = {"type": ["integer", "null"]}
_boolean = {"type": ["boolean", "null"]}
_date = {"type": ["string", "null"], "format": "date"}
_date_time = {"type": ["string", "null"], "format": "date-time"}
_address = {
    "type": ["object", "null"],
    "properties": {
        name: _string for name in ("name", "line1", "line2", "city", "postal_code", "country")
    },
}
PROPERTIES: dict[str, dict[str, Any]] = {
    "id": {"type": "string"},
    "invoice_number": _string,
    "account_id": _string,
    "account_number": _string,
    "status": _string,
    "currency": _string,
    "amount": _money,
    "balance": _money,
    "tax_amount": _money,
    "amount_without_tax": _decimal,
    "discount_amount": _decimal,
    "exchange_rate": _decimal,
    "invoice_date": _date,
    "due_date": _date,
    "posted_date": _date,
    "created_at": _date_time,
    "updated_at": _date_time,
    "posted_at": _date_time,
    "sequence": _integer,
    "payment_term_days": _integer,
    "item_count": _integer,
    "auto_pay": _boolean,
    "reversed": _boolean,
    "comments": _string,
    "bill_to": _address,
    "sold_to": _address,
    "items": {
        "type": ["array", "null"],
        "items": {
            "type": "object",
            "properties": {
                "id": _string,
                "sku": _string,
                "quantity": _integer,
                "unit_price": _money,
                "amount": _decimal,
                "service_start": _date,
                "service_end": _date,
                "taxes": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"code": _string, "rate": _decimal, "amount": _money},
                    },
                },
            },
        },
    },
    "payments": {
        "type": ["array", "null"],
        "items": {
            "type": "object",
            "properties": {"id": _string, "amount": _money, "applied_at": _date_time},
        },
    },
    "tags": {"type": ["array", "null"], "items": {"type": "string"}},
    "custom_fields": {"type": ["object", "null"], "properties": {}},
}
assert len(PROPERTIES) == 30
SCHEMA_MESSAGE = {
    "type": "SCHEMA",
    "stream": STREAM,
    "schema": {"type": "object", "properties": PROPERTIES},
    "key_properties": [KEY],
    "bookmark_properties": ["updated_at"],
}

# Decimals are written as JSON numbers with their exact digits (12.50 stays 12.50).
_encoder = msgspec.json.Encoder(decimal_format="number")


def _cents(seed: int, most: int) -> Decimal:
    return Decimal(seed % most).scaleb(-2)


def _instant(seconds: int, offset_choice: int, fraction: bool) -> str:
    """An instant written in one of several offsets, some with microseconds."""
    offset = OFFSETS[offset_choice % len(OFFSETS)]
    local = (EPOCH + dt.timedelta(seconds=seconds)).astimezone(dt.timezone(offset))
    if fraction:
        local = local.replace(microsecond=(seconds * 7919) % 1_000_000)
    text = local.isoformat()
    return text.replace("+00:00", "Z") if offset_choice % 8 == 0 else text


def record(index: int) -> dict[str, Any]:
    """Record `index` as the tap sends it (money as Decimals, written as JSON numbers)."""
    mix = (index * 2654435761) % 4294967296  # a cheap deterministic scramble of the index
    day = (EPOCH + dt.timedelta(days=index % 700)).date()
    items = [
        {
            "id": f"ITEM-{index}-{line}",
            "sku": f"SKU-{(mix >> line) % 500:04d}",
            "quantity": 1 + (mix >> (line + 3)) % 40,
            "unit_price": _cents(mix >> line, 1_000_00),
            "amount": str(_cents((mix >> line) * 7, 10_000_000_00)),
            "service_start": day.isoformat(),
            "service_end": (day + dt.timedelta(days=30 + line)).isoformat(),
            "taxes": [
                {"code": "VAT", "rate": "0.190000", "amount": _cents(mix >> (line + 1), 50_000)}
            ]
            if line % 2 == 0
            else [],
        }
        for line in range(1 + mix % 4)
    ]
    amount = _cents(mix, 100_000_000_00) + Decimal("0.01")
    tax = _cents(mix >> 3, 10_000_00)
    status = STATUSES[mix % len(STATUSES)]
    posted = status == "Posted"
    return {
        "id": f"INV-{index:09d}",
        "invoice_number": f"N{index:010d}",
        "account_id": f"ACC-{mix % 50_000:06d}",
        "account_number": f"A{mix % 50_000:08d}",
        "status": status,
        "currency": CURRENCIES[index % len(CURRENCIES)],
        "amount": amount,
        "balance": amount if mix % 3 else Decimal("0.00"),
        "tax_amount": tax,
        "amount_without_tax": str(amount - tax),
        "discount_amount": str(_cents(mix >> 5, 1_000_00)) if mix % 5 else None,
        "exchange_rate": f"{1 + (mix % 999_999) / 1_000_000:.6f}",
        "invoice_date": day.isoformat(),
        "due_date": (day + dt.timedelta(days=30)).isoformat(),
        "posted_date": (day + dt.timedelta(days=1)).isoformat() if posted else None,
        "created_at": _instant(index * 37, mix, fraction=False),
        "updated_at": _instant(index * 37 + mix % 86_400, mix >> 2, fraction=True),
        "posted_at": _instant(index * 37 + 3_600, mix >> 4, fraction=False) if posted else None,
        "sequence": index,
        "payment_term_days": (15, 30, 45, 60)[mix % 4],
        "item_count": len(items),
        "auto_pay": mix % 2 == 0,
        "reversed": False if mix % 11 else True,
        "comments": None if mix % 4 else f'Quote Q-{mix % 9973}: "net" terms, café ✓\\n',
        "bill_to": _address_of(index, mix),
        "sold_to": _address_of(index, mix >> 1) if mix % 6 else None,
        "items": items,
        "payments": [
            {
                "id": f"PAY-{index}-{number}",
                "amount": _cents(mix >> number, 100_000_00),
                "applied_at": _instant(index * 37 + 86_400 * (number + 1), mix >> number, True),
            }
            for number in range(mix % 3)
        ],
        "tags": [TAGS[(mix >> shift) % len(TAGS)] for shift in range(mix % 4)],
        "custom_fields": {}
        if mix % 3 == 0
        else {"Region__c": COUNTRIES[mix % 6], "Tier__c": mix % 5},
    }


def _address_of(index: int, mix: int) -> dict[str, Any]:
    return {
        "name": f"Customer {mix % 50_000}",
        "line1": f"{index % 9999} Market St",
        "line2": None if mix % 2 else f"Suite {mix % 900}",
        "city": ("Springfield", "München", "東京", "London", "Pune", "Nelson")[mix % 6],
        "postal_code": f"{mix % 99999:05d}",
        "country": COUNTRIES[mix % 6],
    }


def state(position: int) -> dict[str, Any]:
    """The STATE sent after the first `position` records: a rerun from it sends record
    `position` onwards."""
    return {"type": "STATE", "value": {"bookmarks": {STREAM: {"position": position}}}}


def messages(count: int, start: int = 0, state_every: int = STATE_EVERY) -> Iterator[bytes]:
    """The stream's lines: SCHEMA, records start..count-1, a STATE every `state_every` records
    and at the end."""
    encode = _encoder.encode
    yield encode(SCHEMA_MESSAGE) + b"\n"
    head = b'{"type":"RECORD","stream":"' + STREAM.encode() + b'","record":'
    for index in range(start, count):
        yield head + encode(record(index)) + b"}\n"
        if (index + 1) % state_every == 0:
            yield encode(state(index + 1)) + b"\n"
    if count % state_every:
        yield encode(state(count)) + b"\n"


def write(out: IO[bytes], count: int, start: int = 0, state_every: int = STATE_EVERY) -> None:
    out.writelines(messages(count, start, state_every))


# How each typed top-level property is stored: the record's text parsed into its value.
_PARSERS = {
    "date": dt.date.fromisoformat,
    "date-time": dt.datetime.fromisoformat,
    "x-singer.decimal": Decimal,
}
_TYPED = {name: _PARSERS[node["format"]] for name, node in PROPERTIES.items() if node.get("format")}
_decoder = msgspec.json.Decoder(float_hook=Decimal)


def expected_row(index: int) -> dict[str, Any]:
    """Record `index` as a warehouse holds it: money as exact Decimals, dates as dates,
    date-times as aware datetimes (the same instant whatever the offset), nested values as the
    JSON they were (their numbers as Decimals)."""
    row = _decoder.decode(_encoder.encode(record(index)))
    for name, parse in _TYPED.items():
        if row[name] is not None:
            row[name] = parse(row[name])
    return row


def expected_rows(count: int, start: int = 0) -> Iterator[dict[str, Any]]:
    return (expected_row(index) for index in range(start, count))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000, help="records in the stream")
    parser.add_argument("--start", type=int, default=0, help="first record written")
    parser.add_argument("--state-every", type=int, default=STATE_EVERY)
    parser.add_argument("out", nargs="?", help="file to write (default: standard output)")
    arguments = parser.parse_args()
    if arguments.out:
        with open(arguments.out, "wb", buffering=1 << 20) as out:
            write(out, arguments.records, arguments.start, arguments.state_every)
    else:
        write(sys.stdout.buffer, arguments.records, arguments.start, arguments.state_every)


if __name__ == "__main__":
    main()


def report_runs(
    count: int,
    runs: dict[str, tuple[float, int, int]],
    ours: str,
    results: dict[str, Any],
    ratios: dict[str, float],
) -> None:
    """Print the loaders' runs on `count` records (label -> seconds, peak MiB, rows stored) and
    add them, and `ours` against each other one, to `results` and `ratios`."""
    width = max(len(label) for label in runs) + 2
    print(f"\n{count:,} nested invoices (benchmarks/nested_stream.py), one run each")
    print(f"{'loader':<{width}} {'records/s':>10} {'peak MiB':>9} {'rows':>9}")
    for label, (seconds, memory, rows) in runs.items():
        rate = count / seconds
        print(f"{label:<{width}} {rate:>10,.0f} {memory:>9} {rows:>9}")
        results[f"{label}, {count} records"] = {
            "records": count,
            "seconds": round(seconds, 2),
            "loader_peak_mib": memory,
            "rows_stored": rows,
            "records_per_second": round(rate),
        }
    for label, (seconds, _, _) in runs.items():
        if label != ours:
            ratio = seconds / runs[ours][0]  # our records/s over theirs
            ratios[f"{ours} / {label}, {count} records"] = round(ratio, 3)
            print(f"{ours} / {label}: {ratio:.2f}x")


def command_line(suite: Callable[[list[int], int], Any], description: str, upstream: str) -> None:
    """A loaders' benchmark run from its command line: --records and --upstream-up-to."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--records", type=int, nargs="+", default=[200_000, 1_000_000])
    parser.add_argument(
        "--upstream-up-to",
        type=int,
        default=sys.maxsize,
        help=f"run {upstream} only on streams this long or shorter (it is slow)",
    )
    arguments = parser.parse_args()
    suite(arguments.records, arguments.upstream_up_to)
