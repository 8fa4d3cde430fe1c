"""Chaos nights, the short version of `make chaos`: three nights per tap through `meltano run`
(the nightly job's task, Meltano's state backend) against the sandbox, random faults every night
(the token endpoints' included), a SIGKILL of the tap, the loader or Meltano on the last night at
the latest, and after every night and every kill the warehouse equal to the truth and the state
(bookmarks, and what the streams remember beside them) claiming no more than the warehouse
holds. Plus the state check itself, on hand-made cases, so it is known to bite."""

from __future__ import annotations

import pytest

from commerce_harness import chaos
from commerce_harness.taps import TAPS

NIGHTS = 3


@pytest.mark.slow
def test_three_chaos_nights_per_tap_lose_and_duplicate_nothing(tmp_path):
    tallies = chaos.run_taps(
        list(TAPS),
        NIGHTS,
        jobs=len(TAPS),
        seed=7,
        scale=5,
        output=tmp_path,
        kill_probability=0,  # the last night kills: one kill per tap
        max_faults=2,
        log=print,
    )
    print(chaos.table(tallies))
    # Zuora's drafts, Zoom's digests and open documents, Adobe's known customers and digests.
    assert sum(tally.remembered_checked for tally in tallies) > 0
    for tally in tallies:
        findings = "\n".join(tally.findings)
        assert tally.nights == NIGHTS
        assert sum(tally.kills.values()) == 1, findings
        assert tally.rows_compared > 0 and sum(tally.faults.values()) >= NIGHTS
        assert tally.state_rows_checked > 0  # the bookmarks covered rows, all found held
        assert tally.failed_runs == 0, findings
        assert tally.clean, findings


def test_state_check_flags_a_bookmark_beyond_the_warehouse():
    truth = [
        {"id": "a", "updated": "2026-01-01T10:00:00-08:00"},
        {"id": "b", "updated": "2026-01-02T10:00:00Z"},
        {"id": "c", "updated": "2026-01-03T10:00:00Z"},
    ]
    held_a = {"id": "a", "updated": "2026-01-01T18:00:00+00:00", "_sdc_deleted_at": None}
    stale_b = {"id": "b", "updated": "2026-01-01T00:00:00+00:00", "_sdc_deleted_at": None}
    bookmark = [({}, "updated", "2026-01-02T10:00:00+00:00")]

    assert list(chaos.overclaims(bookmark, truth, [held_a, {**stale_b, **truth[1]}], "id")) == []
    assert [
        claim.split(": ", 1)[1] for claim in chaos.overclaims(bookmark, truth, [held_a], "id")
    ] == ["('b',) missing"]
    (stale,) = chaos.overclaims(bookmark, truth, [held_a, stale_b], "id")
    assert "('b',) held at '2026-01-01T00:00:00+00:00'" in stale
    # A date bookmark covers the days before it only; a partition's bookmark, its own records.
    assert list(chaos.overclaims([({}, "updated", "2026-01-02")], truth, [held_a], "id")) == []
    # A date bookmark against dates: its own day is read again, so only the days before count.
    days = [{"id": "a", "day": "2026-01-01"}, {"id": "b", "day": "2026-01-02"}]
    assert list(chaos.overclaims([({}, "day", "2026-01-02")], days, [days[0]], "id")) == []
    assert list(chaos.overclaims([({}, "day", "2026-01-03")], days, [days[0]], "id"))
    assert list(chaos.overclaims([({"id": "c"}, "updated", "2026-02-01")], truth, [held_a], "id"))
