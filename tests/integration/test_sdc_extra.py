"""Nothing the vendor sends is dropped: the sandbox adds a field no schema declares and a value its
column cannot hold to every row of one listing (the `surprise` fault); each tap keeps both,
verbatim, in the row's `_sdc_extra` JSON column, with the bad value's column null."""

from __future__ import annotations

import json
import re

import duckdb
import pytest

from commerce_harness.taps import ADOBE, ZOHO, ZOOM, ZUORA, fast_zoho

SURPRISES = [
    # tap, sandbox path, stream, its key, the field made bad and the value that cannot be its type
    (ZUORA, "/v2/invoices", "invoices", "id", "total", "N/A"),
    (ZOHO, "/transactions", "transactions", "transaction_id", "amount", "N/A"),
    (ZOOM, "/billing_documents", "billing_documents", "document_number", "due_date", "0000-00-00"),
    (ADOBE, "/subscriptions", "subscriptions", "subscriptionId", "renewalDate", "0000-00-00"),
]


@pytest.mark.parametrize(
    ("tap", "path", "stream", "key", "field", "bad"), SURPRISES, ids=lambda value: str(value)
)
def test_unknown_fields_and_bad_values_land_in_sdc_extra(
    sandboxes, tmp_path, tap, path, stream, key, field, bad
):
    sandbox = sandboxes(seed=41, scale=8)
    fast_zoho(sandbox)
    surprise = {"vendor_added": {"tier": "gold", "points": 7}}
    sandbox.control.inject(
        tap.vendor,
        # Enough answers that some carry rows (Zoom reads its windows at once, some empty).
        [{"kind": "surprise", "path": path, "count": 20, "extra": surprise, "bad": {field: bad}}],
    )
    run = tap.run_pipeline(tmp_path / "run", tap.config(sandbox), tmp_path).check()
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as connection:
        rows = connection.execute(
            f'SELECT "{key}", "{field}", _sdc_extra FROM {tap.vendor}."{stream}"'
            " WHERE _sdc_extra IS NOT NULL"
        ).fetchall()
    assert rows, "the surprised rows did not reach the warehouse"
    for _, value, extra in rows:
        extra = json.loads(extra) if isinstance(extra, str) else extra
        assert extra == {**surprise, field: bad}
        assert value is None
    assert run.tap_log.count("'vendor_added', which the schema does not declare") == 1
    # Counted per record read (Zoom reads an unpaid document in more than one listing).
    warned = re.search(
        rf"{stream}\.{field}: (\d+) value\(s\) could not be the column's type", run.tap_log
    )
    assert warned and int(warned.group(1)) >= len(rows), run.tap_log[-2000:]
