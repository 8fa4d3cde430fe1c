"""Edge cases of the shared mechanisms, hit directly."""

from __future__ import annotations

import time
from decimal import Decimal
from types import SimpleNamespace

import pytest

from commerce_taps_common.dates import to_utc_text
from commerce_taps_common.http.pacing import Pacer, retry_after_seconds
from commerce_taps_common.http.pagination import CursorPaginator, RepeatedCursorError
from commerce_taps_common.records.normalise import record_normaliser


def fake_response(cursor):
    return SimpleNamespace(
        parsed_body={"next_page": cursor}, request=SimpleNamespace(path_url="/v2/invoices?cursor=x")
    )


def test_cursor_paginator_stops_on_null_and_rejects_any_earlier_cursor():
    paginator = CursorPaginator(lambda response: response.parsed_body["next_page"])
    paginator.advance(fake_response("A"))
    paginator.advance(fake_response("B"))
    with pytest.raises(RepeatedCursorError):
        paginator.advance(fake_response("A"))  # A -> B -> A: a loop the SDK's check misses
    finished = CursorPaginator(lambda response: response.parsed_body["next_page"])
    finished.advance(fake_response(None))
    assert finished.finished


def test_pacer_waits_for_the_window_only_when_nearly_exhausted():
    pacer = Pacer(reserve=2)
    pacer.after_response({"ratelimit-remaining": "50", "ratelimit-reset": "30"})
    started = time.monotonic()
    pacer.before_request()
    assert time.monotonic() - started < 0.05
    pacer.after_response({"ratelimit-remaining": "1, 1;w=60", "ratelimit-reset": "0.3"})
    pacer.before_request()
    assert time.monotonic() - started >= 0.25


def test_retry_after_prefers_retry_after_then_reset_header():
    assert retry_after_seconds({"Retry-After": "7", "ratelimit-reset": "3"}) == 7
    assert retry_after_seconds({"ratelimit-reset": "3"}) == 3
    assert retry_after_seconds({}) is None


def test_date_times_become_utc_at_any_depth():
    schema = {
        "type": "object",
        "properties": {
            "updated_time": {"type": ["string", "null"], "format": "date-time"},
            "order_date": {"type": ["string", "null"], "format": "date"},
            "line_items": {
                "type": ["array", "null"],
                "items": {
                    "type": "object",
                    "properties": {
                        "created_time": {"type": ["string", "null"], "format": "date-time"}
                    },
                },
            },
        },
    }
    record = {
        "updated_time": "2023-01-31T05:22:16-08:00",
        "order_date": "2023-01-31",
        "line_items": [{"created_time": "2023-07-01T00:00:00-07:00"}],
        "amount": Decimal("1.10"),
    }
    fixed = record_normaliser(schema)(record)
    assert fixed["updated_time"] == "2023-01-31T13:22:16+00:00"
    assert fixed["line_items"][0]["created_time"] == "2023-07-01T07:00:00+00:00"
    assert fixed["order_date"] == "2023-01-31" and fixed["amount"] == Decimal("1.10")
    assert to_utc_text("2024-01-01T00:00:00Z") == "2024-01-01T00:00:00+00:00"


def test_msgspec_writer_keeps_money_digits_exact():
    import json

    from singer_sdk.contrib.msgspec import serialize_jsonl

    money = {
        "total": Decimal("0.10"),
        "tiny": Decimal("0.000000001"),
        "big": Decimal("12345678901234567890.12"),
    }
    line = bytes(serialize_jsonl(money)).decode()
    assert json.loads(line, parse_float=Decimal) == money  # exact digits (1E-9 is exact too)
    assert '"total":0.10' in line


def test_map_bounded_keeps_order_bounds_calls_in_flight_and_stops_after_an_error():
    import threading

    from commerce_taps_common.http.concurrency import map_bounded

    lock, running, peak, started = threading.Lock(), [0], [0], []

    def call(item):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
            started.append(item)
        time.sleep(0.02)
        with lock:
            running[0] -= 1
        if item == 5:
            raise RuntimeError("limit")
        return item * 10

    assert list(map_bounded(call, range(5), 3)) == [0, 10, 20, 30, 40]
    assert peak[0] <= 3
    started.clear()
    with pytest.raises(RuntimeError):
        list(map_bounded(call, range(100), 3))
    assert len(started) <= 5 + 3  # nothing more started once the error surfaced


def test_retry_after_reads_seconds_and_instants():
    import datetime as dt

    later = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert 25 <= retry_after_seconds({"Retry-After": later}) <= 31
    assert retry_after_seconds({"Retry-After": "2"}) == 2


def test_records_wait_in_the_writer_until_any_other_message_or_the_end(capsysbinary):
    from singer_sdk import singerlib as singer

    from commerce_taps_common.writer import BufferedWriter

    writer = BufferedWriter()
    for number in range(3):
        writer.write_message(singer.RecordMessage(stream="s", record={"id": number}))
    assert capsysbinary.readouterr().out == b""  # a write and a flush per record cost ~13%
    writer.write_message(singer.StateMessage(value={"bookmarks": {"s": {"id": 2}}}))
    lines = capsysbinary.readouterr().out.splitlines()
    assert [line[:16] for line in lines] == [b'{"type":"RECORD"'] * 3 + [b'{"type":"STATE",']
    writer.write_message(singer.RecordMessage(stream="s", record={"id": 3}))
    writer.flush()
    assert b'"id":3' in capsysbinary.readouterr().out
