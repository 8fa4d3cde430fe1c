"""Zuora's quirks, in process: hosts by data center or base URL, filter timestamps with a numeric
offset and only GT/LT comparisons, the error body, and the draft invoices Zuora hard-deletes
without any listing saying so."""

from __future__ import annotations

import datetime as dt

import pytest

from commerce_taps_common.http.slices import Span
from tap_zuora_quickstart.client import DraftInvoices, host_url, tombstone, zuora_timestamp
from tap_zuora_quickstart.tap import TapZuoraQuickstart

CONFIG = {"api_url": "http://127.0.0.1:9/zuora", "client_id": "client", "client_secret": "secret"}
T = dt.datetime(2024, 3, 1, 12, 0, 5, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def tap():
    return TapZuoraQuickstart(config=CONFIG, parse_env_config=False)


@pytest.mark.parametrize(
    ("config", "host"),
    [
        ({"data_center": "eu-production"}, "https://rest.eu.zuora.com"),
        ({"api_url": "https://rest.test.zuora.com/v2/"}, "https://rest.test.zuora.com"),
        (
            {"api_url": "http://127.0.0.1:9/zuora", "data_center": "us-test"},
            "http://127.0.0.1:9/zuora",
        ),
    ],
    ids=["data-center", "base-url-with-v2", "base-url-wins"],
)
def test_the_host_comes_from_base_url_else_the_data_center(config, host):
    assert host_url(config) == host


def test_filter_timestamps_are_utc_with_a_numeric_offset_never_z():
    pacific = dt.timezone(dt.timedelta(hours=-8))
    assert zuora_timestamp(T.astimezone(pacific)) == "2024-03-01T12:00:05+00:00"


def test_a_span_becomes_gt_and_lt_clauses_because_zuora_documents_no_ge(tap):
    invoices = tap.streams["invoices"]
    bounded = invoices.updated_in(Span(T, T + dt.timedelta(hours=1)))["filter[]"]
    assert bounded == [
        "updated_time.GT:2024-03-01T12:00:04+00:00",  # GT a second before: the start is included
        "updated_time.LT:2024-03-01T13:00:05+00:00",
    ]
    assert invoices.updated_in(Span(T, None))["filter[]"] == (
        "updated_time.GT:2024-03-01T12:00:04+00:00"
    )
    assert "filter[]" not in invoices.updated_in(Span(None, None))


def test_the_error_body_reads_as_its_type_and_each_error(tap):
    body = {
        "type": "bad_request",
        "retryable": False,
        "errors": [{"code": "invalid_parameter", "parameter": "filter[]", "message": "bad field"}],
    }
    text = tap.streams["invoices"].vendor_error_text(body)
    assert text == "bad_request; invalid_parameter filter[] bad field"


class ZuoraInvoices:
    """What Zuora's invoice listing answers DraftInvoices (held in memory), and what it was asked:
    the tracking's decisions are the unit here; the end-to-end tests read the real listing."""

    def __init__(self, drafts: set[str], posted: set[str]) -> None:
        self.drafts, self.posted = drafts, posted
        self.asked: list[str] = []

    def list_ids(self, path: str, clause: str) -> set[str]:
        assert (path, clause) == ("/invoices", "state.EQ:draft")
        self.asked.append("drafts")
        return set(self.drafts)

    def existing_ids(self, path: str, ids) -> set[str]:
        self.asked.append(f"ids {sorted(ids)}")
        return set(ids) & (self.drafts | self.posted)


def test_a_tracked_draft_neither_draft_nor_listed_any_more_was_deleted():
    zuora = ZuoraInvoices(drafts={"D1", "D4"}, posted={"D2"})  # D2 was posted, D3 deleted
    drafts = DraftInvoices()
    assert drafts.deleted(zuora, {"D1", "D2", "D3"}) == {"D3"}
    # The second stream of the run (invoice items) asks again: no request is repeated.
    assert drafts.deleted(zuora, {"D2", "D3", "D4"}) == {"D3"}
    assert zuora.asked == ["drafts", "ids ['D2', 'D3']"]


def test_a_draft_created_during_the_run_counts_as_current():
    zuora = ZuoraInvoices(drafts=set(), posted=set())
    drafts = DraftInvoices()
    assert drafts.current(zuora) == set()
    drafts.note_draft("D9")  # emitted by invoices after the listing was read
    assert drafts.deleted(zuora, {"D9"}) == set()
    assert zuora.asked == ["drafts"]


def test_a_tombstone_is_the_key_and_the_delete_instant_and_never_moves_the_bookmark():
    row = tombstone("D3")
    assert row["id"] == "D3" and row["updated_time"] is None
    assert dt.datetime.fromisoformat(row["_sdc_deleted_at"]) <= dt.datetime.now(dt.UTC)
