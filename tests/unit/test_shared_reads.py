"""The shared read mechanisms in-process: time slices, record shaping, row digests, rotations and
run cadences, renamed settings."""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
from decimal import Decimal

import pytest
from singer_sdk.exceptions import FatalAPIError

from commerce_taps_common.http.concurrency import batches
from commerce_taps_common.http.slices import Span, newest_first_oldest, read_sliced
from commerce_taps_common.records.shape import EXTRA, RecordShaper
from commerce_taps_common.state import Rotation, RowDigests, RunCadence
from tap_adobe_vipmp.tap import TapAdobeVipmp
from tap_zoho_partner.tap import TapZohoPartner
from tap_zuora_quickstart.tap import TapZuoraQuickstart

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
ADOBE_CREDENTIALS = {"client_id": "id", "client_secret": "secret"}


def at_of(row):
    return row["at"]


def id_of(row):
    return row["id"]


class SlicedListing:
    """A listing of rows one per `step`, newest first, `page_size` a page, filtered by span."""

    def __init__(self, count: int, step: dt.timedelta, page_size: int, newest_first=True) -> None:
        self.rows = [{"id": n, "at": T0 + n * step} for n in range(count)]
        self.page_size, self.newest_first = page_size, newest_first
        self.pages = 0
        self.lock = threading.Lock()

    def read_page(self, span: Span, cursor):
        with self.lock:
            self.pages += 1
        inside = [
            row
            for row in self.rows
            if (span.start is None or row["at"] >= span.start)
            and (span.end is None or row["at"] < span.end)
        ]
        inside.sort(key=lambda row: row["at"], reverse=self.newest_first)
        offset = cursor or 0
        following = offset + self.page_size
        return inside[offset:following], following if following < len(inside) else None


@pytest.mark.parametrize("workers", [1, 4, 8])
@pytest.mark.parametrize("step", [dt.timedelta(seconds=7), dt.timedelta(milliseconds=250)])
def test_sliced_read_returns_every_row_once_with_few_extra_pages(workers, step):
    listing = SlicedListing(count=5000, step=step, page_size=99)
    rows = list(read_sliced(listing.read_page, Span(T0, None), at_of, id_of, workers))
    assert sorted(row["id"] for row in rows) == list(range(5000))  # each once
    sequential_pages = -(-5000 // 99)
    # Each split adds at most a partial page and re-reads the rows of one second.
    assert listing.pages <= sequential_pages * 1.25


def test_a_listing_not_newest_first_is_never_split():
    listing = SlicedListing(3000, dt.timedelta(seconds=7), 99, newest_first=False)
    rows = list(read_sliced(listing.read_page, Span(T0, None), at_of, id_of, 4))
    assert sorted(row["id"] for row in rows) == list(range(3000))
    assert listing.pages == -(-3000 // 99)  # followed its cursor: nothing read twice


def test_a_failing_page_stops_the_read():
    listing = SlicedListing(3000, dt.timedelta(seconds=7), 99)

    def read_page(span, cursor):
        if listing.pages == 5:
            raise FatalAPIError("boom")
        return listing.read_page(span, cursor)

    with pytest.raises(FatalAPIError):
        list(read_sliced(read_page, Span(T0, None), at_of, id_of, 4))
    assert listing.pages <= 5 + 4  # no page started after the error but those in flight


def test_newest_first_needs_two_distinct_instants_in_order():
    at = [{"at": T0 + dt.timedelta(seconds=s)} for s in (3, 2, 2, 1)]
    assert newest_first_oldest(at, lambda row: row["at"]) == T0 + dt.timedelta(seconds=1)
    assert newest_first_oldest(at[::-1], lambda row: row["at"]) is None
    assert newest_first_oldest(at[1:3], lambda row: row["at"]) is None


def test_span_halves_keep_the_whole_second_of_the_oldest_row():
    span = Span(T0, None)
    first, second = span.halves(T0 + dt.timedelta(hours=1, microseconds=500))
    assert first.start == T0 and first.end == second.start
    assert second.end == T0 + dt.timedelta(hours=1, seconds=1)
    assert span.halves(T0 + dt.timedelta(minutes=1)) is None
    assert Span(None, None).halves(T0) is None


SCHEMA = {
    "properties": {
        "id": {"type": ["string"]},
        "amount": {"type": ["number", "null"]},
        "seats": {"type": ["integer", "null"]},
        "day": {"type": ["string", "null"], "format": "date"},
        "at": {"type": ["string", "null"], "format": "date-time"},
        "paid": {"type": ["boolean", "null"]},
        "lines": {"type": ["array", "null"]},
    }
}


def test_shaper_keeps_unknown_fields_and_bad_values_in_sdc_extra(caplog):
    shaper = RecordShaper("invoices", SCHEMA, ("id",), logging.getLogger("test"))
    with caplog.at_level(logging.WARNING):
        first = shaper.shape(
            {
                "id": "1",
                "amount": "N/A",
                "day": "0000-00-00",
                "seats": Decimal("3"),
                "at": "2024-01-01T00:00:00Z",
                "paid": True,
                "lines": [1],
                "surprise": {"a": 1},
            }
        )
        second = shaper.shape({"id": "2", "surprise": 2, "day": "2024-02-30"})
    assert first == {
        "id": "1",
        "amount": None,
        "day": None,
        "seats": Decimal("3"),
        "at": "2024-01-01T00:00:00Z",
        "paid": True,
        "lines": [1],
        EXTRA: {"surprise": {"a": 1}, "amount": "N/A", "day": "0000-00-00"},
    }
    assert second == {"id": "2", "day": None, EXTRA: {"surprise": 2, "day": "2024-02-30"}}
    assert caplog.text.count("'surprise'") == 1  # said once per stream and run
    assert shaper.invalid == {"amount": 1, "day": 2} and shaper.unknown == {"surprise": 2}
    shaper.warn_invalid()
    assert "invoices.day: 2 value(s)" in caplog.text


def test_shaper_passes_a_conforming_record_unchanged():
    shaper = RecordShaper("s", SCHEMA, ("id",), logging.getLogger("test"))
    record = {"id": "1", "amount": Decimal("1.10"), "seats": 2, "paid": False, "at": None}
    assert shaper.shape(dict(record)) == record


def test_a_record_without_its_key_fails_naming_stream_and_key():
    shaper = RecordShaper("orders", SCHEMA, ("id",), logging.getLogger("test"))
    with pytest.raises(FatalAPIError, match="orders: a record without its primary key 'id'"):
        shaper.shape({"amount": 1})


def test_row_digests_say_what_changed_and_keep_this_run():
    state = {"d": {}}
    digests = RowDigests(state, "d")
    assert digests.changed("a", {"x": 1}) and digests.changed("b", {"x": 2})
    digests.save()
    again = RowDigests(state, "d")
    assert not again.changed("a", {"x": 1}) and again.changed("b", {"x": 3})
    again.save()
    assert set(state["d"]) == {"a", "b"}


def one_run(state, ids, anyway=(), runs=3, budget=100, warned=None):
    """One completed run of a rotation: what it read."""
    rotation = Rotation(state, "sweep", runs, budget, (warned if warned is not None else []).append)
    read = rotation.pick(ids, anyway)
    rotation.save()
    return read


def test_a_rotation_reads_its_share_beyond_the_changed_and_everyone_within_its_runs():
    state: dict = {}
    ids = [f"c{number:02d}" for number in range(10)]
    assert one_run(state, ids, anyway=ids) == ids  # the first run: all new
    seen: set[str] = set()
    for _ in range(3):
        read = one_run(state, ids, anyway=["c05"])
        assert len(set(read) - {"c05"}) == 4  # ceil(10 / 3)
        seen |= set(read)
    assert seen == set(ids)


@pytest.mark.parametrize("runs", [1, 2, 3, 7])
def test_no_item_waits_more_than_its_runs_as_items_come_and_change(runs):
    """Items arrive (read in their first run), some are read anyway (changed), a few leave: no
    item present for `runs` consecutive runs goes unread through them."""
    rng = random.Random(runs)
    state: dict = {}
    ids: list[str] = []
    last_read: dict[str, int] = {}
    for run in range(1, 60):
        new = [f"n{run}-{index}" for index in range(rng.randint(0, 4))]
        ids = [item for item in ids if rng.random() > 0.02] + new
        changed = rng.sample(ids, min(len(ids), rng.randint(0, 3)))
        for item in one_run(state, ids, anyway={*new, *changed}, runs=runs):
            last_read[item] = run
        assert all(run - last_read[item] < runs for item in ids), run


def test_a_budget_bounds_the_reads_says_so_and_still_goes_round():
    state: dict = {}
    ids = [f"c{number:02d}" for number in range(10)]
    one_run(state, ids, anyway=ids)
    warned: list[int] = []
    seen: set[str] = set()
    for _ in range(3):
        read = one_run(state, ids, runs=1, budget=4, warned=warned)
        assert len(read) == 4
        seen |= set(read)
    assert seen == set(ids) and warned[0] == 6


def test_a_run_that_did_not_complete_moves_no_rotation():
    state: dict = {}
    ids = ["a", "b", "c", "d"]
    one_run(state, ids, anyway=ids)
    first = Rotation(state, "sweep", 2, 100, print).pick(ids, ())  # never saved: the run died
    assert one_run(state, ids, runs=2) == first == ["a", "b"]
    assert one_run(state, ids, runs=2) == ["c", "d"]


def test_a_run_cadence_is_due_on_the_first_run_and_once_every_runs():
    state: dict = {}
    due = []
    for _ in range(7):
        cadence = RunCadence(state, "runs_since", 3)
        due.append(cadence.due)
        cadence.save()
    assert due == [True, False, False, True, False, False, True]


def test_a_renamed_setting_is_read_as_its_new_name_with_one_warning(caplog):
    with caplog.at_level(logging.WARNING):
        tap = TapAdobeVipmp(config={**ADOBE_CREDENTIALS, "customer_detail_refresh": 3})
    assert tap.config["customer_sweep_runs"] == 3 and "customer_detail_refresh" not in tap.config
    assert caplog.text.count("customer_detail_refresh is deprecated") == 1
    caplog.clear()
    both = {**ADOBE_CREDENTIALS, "customer_detail_refresh": 3, "customer_sweep_runs": 5}
    with caplog.at_level(logging.WARNING):
        assert TapAdobeVipmp(config=both).config["customer_sweep_runs"] == 5
    assert "deprecated and ignored" in caplog.text


@pytest.mark.parametrize(
    ("tap_class", "config", "old", "new"),
    [
        (TapZuoraQuickstart, {"client_id": "i", "client_secret": "s"}, "base_url", "api_url"),
        (
            TapZuoraQuickstart,
            {**ADOBE_CREDENTIALS, "data_center": "us-test"},
            "lookback",
            "lookback_seconds",
        ),
        (
            TapZohoPartner,
            {"client_id": "i", "client_secret": "s", "refresh_token": "r"},
            "base_url",
            "api_url",
        ),
        (
            TapZohoPartner,
            {"client_id": "i", "client_secret": "s", "refresh_token": "r"},
            "per_page",
            "page_size",
        ),
    ],
)
def test_one_name_per_idea_across_the_taps_old_names_still_read(
    caplog, tap_class, config, old, new
):
    """api_url (the API root), lookback_<unit>, page_size: the names the other taps use."""
    value = "http://127.0.0.1:9/x" if new == "api_url" else 7
    extra = {"data_center": "eu"} if tap_class is TapZohoPartner and new != "api_url" else {}
    extra |= {"accounts_url": "http://127.0.0.1:9/a"} if new == "api_url" else {}
    with caplog.at_level(logging.WARNING):
        tap = tap_class(config={**config, **extra, old: value})
    assert tap.config[new] == value and old not in tap.config
    assert caplog.text.count(f"{old} is deprecated") == 1


def test_batches():
    assert list(batches(range(5), 2)) == [[0, 1], [2, 3], [4]]
