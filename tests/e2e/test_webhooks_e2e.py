"""End to end: the sandbox's Zoom delivers its webhooks (signed, validated first, retried on its
schedule in simulated time) to commerce-webhooks on a real uvicorn; tap-zoom-commerce's
webhook_events, alone and without credentials, loads the spool into DuckDB, which equals the
sandbox's truth of delivered events, row by row. The receiver is SIGKILLed mid-delivery and
restarted: Zoom's retries fill the gap, every event exactly once. A stopped receiver costs a
3-second timeout and a retry, not a duplicate. The tap reads the spool while the receiver writes
it."""

from __future__ import annotations

import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from webhook_helpers import (
    SECRET,
    load,
    post,
    quote_event,
    read_events,
    signed,
    spool_event_ids,
    warehouse_diff,
)

from commerce_sandbox import SandboxServer
from commerce_sandbox.clock import Clock
from commerce_sandbox.vendors import VENDORS
from commerce_webhooks.process import ReceiverProcess


@pytest.fixture
def receiver(tmp_path):
    with ReceiverProcess(tmp_path / "spool.db", SECRET) as running:
        yield running


def deliveries(sandbox):
    return sandbox.control.truth("zoom", "webhook_deliveries")


def test_delivered_events_land_in_the_warehouse_equal_to_truth_with_no_api_request(
    tmp_path, receiver
):
    with SandboxServer(seed=13, scale=300) as sandbox:
        receiver.subscribe(sandbox.control)
        sandbox.control.reset_stats()
        state = None
        for days in (3, 5):
            sandbox.control.advance(days=days)
            read = read_events(tmp_path / f"after-{days}", receiver.spool, state)
            load(tmp_path / f"after-{days}", read, tmp_path)
            diff = warehouse_diff(sandbox, tmp_path)
            assert diff.equal, diff.summary()
            state = read.state
        sent = deliveries(sandbox)
        assert len(sent) > 100 and all(event["delivered"] for event in sent)
        assert {event["event"] for event in sent} == {
            "commerce.order_status_changed",
            "commerce.quote_status_changed",
            "commerce.deal_registration_status_changed",
            "commerce.account_status_changed",
        }
        # The second run read only what arrived after the first run's bookmark.
        assert 0 < len(read.records) < len(sent)
        assert sandbox.control.stats()["zoom"] == {}  # the tap asked the API nothing


def test_receiver_killed_mid_delivery_zoom_retries_fill_the_gap_exactly_once(tmp_path, receiver):
    with SandboxServer(seed=14, scale=500) as sandbox:
        receiver.subscribe(sandbox.control)
        advancing = threading.Thread(target=sandbox.control.advance, kwargs={"days": 30})
        advancing.start()
        deadline = time.monotonic() + 60
        while len(spool_event_ids(receiver.spool)) < 100 and time.monotonic() < deadline:
            time.sleep(0.005)
        receiver.kill()
        advancing.join()
        missed = [event for event in deliveries(sandbox) if not event["delivered"]]
        assert len(missed) > 100 and all(event["attempts"] == 1 for event in missed)
        receiver.start()
        sandbox.control.advance(seconds=4 * 60)  # Zoom's first retry is 5 minutes later
        assert not any(event["delivered"] for event in deliveries(sandbox) if event in missed)
        sandbox.control.advance(seconds=60)
        sent = deliveries(sandbox)
        assert all(event["delivered"] for event in sent)
        stored = spool_event_ids(receiver.spool)
        assert sorted(stored) == sorted(event["event_id"] for event in sent)  # each once
        read = read_events(tmp_path / "run", receiver.spool)
        load(tmp_path / "run", read, tmp_path)
        diff = warehouse_diff(sandbox, tmp_path)
        assert diff.equal and diff.warehouse_rows == len(sent), diff.summary()


def test_zoom_validates_first_retries_on_its_schedule_then_gives_up_and_never_retries_a_4xx(
    tmp_path, receiver
):
    with SandboxServer(seed=15, scale=300) as sandbox:
        sandbox.control.configure(
            "zoom", webhook_url=receiver.webhook_url, webhook_secret="a-wrong-secret"
        )
        sandbox.control.advance(days=2)
        # The receiver refused the validation (wrong signature): no event was sent.
        assert spool_event_ids(receiver.spool) == []
        assert {event["outcome"] for event in deliveries(sandbox)} == {
            "endpoint failed url_validation; retry due"
        }
        receiver.subscribe(sandbox.control)  # the right secret: validated, then delivered
        sandbox.control.advance(seconds=5 * 60)
        assert all(event["delivered"] for event in deliveries(sandbox))
        receiver.kill()
        sandbox.control.advance(days=1)  # network errors from here on
        failing = {e["event_id"] for e in deliveries(sandbox) if not e["delivered"]}
        assert failing
        for minutes, attempts in ((5, 2), (20, 3), (60, 4)):
            sandbox.control.advance(seconds=minutes * 60 - 1)
            assert {e["attempts"] for e in deliveries(sandbox) if e["event_id"] in failing} == {
                attempts - 1
            }
            sandbox.control.advance(seconds=1)
            assert {e["attempts"] for e in deliveries(sandbox) if e["event_id"] in failing} == {
                attempts
            }
        assert all(
            "gave up after 4 attempts" in e["outcome"]
            for e in deliveries(sandbox)
            if e["event_id"] in failing
        )
        # Another day down, so some events are mid-schedule when the receiver comes back (whether
        # the 85 minutes above made any depends on the start day: attempts are checked per event).
        sandbox.control.advance(days=1)
        before = {e["event_id"]: e["attempts"] for e in deliveries(sandbox)}
        retrying = {e["event_id"] for e in deliveries(sandbox) if "retry due" in e["outcome"]}
        assert retrying
        # A 4xx is final: the receiver, back on its port with another secret, answers 401 to first
        # attempts and retries alike (the endpoint's validation is still fresh: Zoom revalidates
        # every 72 hours), and that attempt is the last.
        receiver.secret = "rotated-secret"
        receiver.start()
        sandbox.control.advance(seconds=18 * 3600)
        refused = {
            e["event_id"]: (e["attempts"], e["outcome"])
            for e in deliveries(sandbox)
            if "HTTP 401" in e["outcome"]
        }
        assert retrying <= refused.keys()
        assert all(attempts == before.get(id_, 0) + 1 for id_, (attempts, _) in refused.items())
        sandbox.control.advance(seconds=2 * 3600)  # past Zoom's longest retry delay
        later = {e["event_id"]: (e["attempts"], e["outcome"]) for e in deliveries(sandbox)}
        assert {id_: later[id_] for id_ in refused} == refused
        truth = {event["event_id"] for event in sandbox.control.truth("zoom", "webhook_events")}
        assert truth == set(spool_event_ids(receiver.spool))


def test_the_tap_reads_the_spool_while_the_receiver_writes_it_skipping_nothing(tmp_path, receiver):
    total, senders = 3000, 8
    bodies = [quote_event(index) for index in range(total)]

    def send(share):
        for body in share:
            assert post(receiver.webhook_url, body, signed(body)).status_code == 200

    emitted, state, run = [], None, 0
    with ThreadPoolExecutor(senders) as pool:
        sending = [pool.submit(send, bodies[index::senders]) for index in range(senders)]
        while not all(future.done() for future in sending) or run == 0:
            read = read_events(tmp_path / f"run-{run}", receiver.spool, state)
            assert "locked" not in read.log
            emitted += read.records
            state, run = read.state or state, run + 1
        for future in sending:
            future.result()
    read = read_events(tmp_path / "last", receiver.spool, state)
    emitted += read.records
    assert run >= 2  # at least one run overlapped the writes
    sequences = [record["sequence"] for record in emitted]
    assert sequences == list(range(1, total + 1))  # in order, none skipped, none twice
    assert len({record["event_id"] for record in emitted}) == total


def test_the_sandbox_generates_the_same_events_for_the_same_seed():
    def events(seed):
        zoom = VENDORS["zoom"](seed, 100, Clock())
        zoom.advance(zoom.clock.now, zoom.clock.now + 20 * 86400)
        return [
            (e["event_id"], e["object_id"], e["status"]) for e in zoom.truth("webhook_deliveries")
        ]

    assert events(7) == events(7) != events(8)
    assert len(events(7)) > 10


def test_a_receiver_that_does_not_answer_in_3_seconds_gets_the_event_again_and_keeps_one(
    tmp_path, receiver
):
    def next_events(sandbox):
        before = len(deliveries(sandbox))
        while len(deliveries(sandbox)) == before:
            sandbox.control.advance(seconds=3600)
        return deliveries(sandbox)[before:]

    with SandboxServer(seed=16, scale=300) as sandbox:
        receiver.subscribe(sandbox.control)
        assert all(event["delivered"] for event in next_events(sandbox))  # validated
        receiver.process.send_signal(signal.SIGSTOP)  # accepts connections, answers nothing
        try:
            late = next_events(sandbox)[0]
        finally:
            receiver.process.send_signal(signal.SIGCONT)
        assert not late["delivered"] and "Timeout" in late["outcome"], late
        sandbox.control.advance(seconds=5 * 60)
        assert all(event["delivered"] for event in deliveries(sandbox))
        # The timed-out request was committed once the receiver resumed; the retry was a repeat.
        assert spool_event_ids(receiver.spool).count(late["event_id"]) == 1
