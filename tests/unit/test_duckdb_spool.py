"""The DuckDB loader's spool, in process: what a record becomes on its way to `read_json`."""

from __future__ import annotations

import json

import msgspec
import pytest

from target_commerce_duckdb.spool import EXTRACTED_AT, TABLE_VERSION, RecordSpool


def spooled(tmp_path, record: bytes, extracted: bytes = b"", version: int | None = None) -> dict:
    spool = RecordSpool(str(tmp_path), ["lines", "extra"], True, columns=["id", "total"])
    spool.append(record, msgspec.Raw(extracted), version)
    with open(spool.close(), "rb") as file:
        (line,) = file.read().splitlines()
    return json.loads(line)


def test_a_nested_value_travels_in_its_place_as_its_exact_text(tmp_path):
    record = b'{"id":"I-1","total":1.50,"lines":[{"amount":12345678901234567890.12},{"q":1.50}]}'
    line = spooled(tmp_path, record, b'"2026-12-07T10:00:00+05:30"', 7)
    assert line == {
        "id": "I-1",
        "total": 1.50,
        "lines": '[{"amount":12345678901234567890.12},{"q":1.50}]',  # not re-printed
        EXTRACTED_AT: "2026-12-07T10:00:00+05:30",
        TABLE_VERSION: 7,
    }


def test_missing_and_null_stay_apart_and_unread_keys_are_left_out(tmp_path):
    line = spooled(tmp_path, b'{"id":"I-2","extra":null,"unread":{"a":1}}')
    assert line == {"id": "I-2", "extra": None}  # no total, no lines: both NULL in DuckDB


def test_a_record_that_is_not_an_object_is_refused(tmp_path):
    with pytest.raises(ValueError, match="not a JSON object"):
        spooled(tmp_path, b'["I-3"]')
