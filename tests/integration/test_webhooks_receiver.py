"""commerce-webhooks on a real uvicorn (a child process on 127.0.0.1): what it acknowledges it has
committed, once per event_id; every refusal stores nothing and the tap emits nothing of it; an
unsigned url_validation gets no encryptedToken (it would be a signing oracle); an unwritable
spool answers 503 until it can be written again; the secret never reaches a log."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time

import pytest
import requests
from webhook_helpers import SECRET, post, quote_event, read_events, signed, spool_event_ids

from commerce_webhooks.process import EXECUTABLE, ReceiverProcess
from commerce_webhooks.signing import encrypted_token, signature


@pytest.fixture(scope="module")
def receiver(tmp_path_factory):
    work = tmp_path_factory.mktemp("receiver")
    with ReceiverProcess(work / "spool.db", SECRET) as running:
        yield running
    assert SECRET not in running.log.read_text()


def test_an_event_is_committed_before_its_200_and_a_repeat_is_stored_once(receiver, tmp_path):
    body = quote_event(1)
    event_id = json.loads(body)["event_id"]
    before = len(spool_event_ids(receiver.spool))
    for _ in range(2):  # Zoom redelivers when it saw no answer in time
        answer = post(receiver.webhook_url, body, signed(body))
        assert answer.status_code == 200
        # The 200 came after the commit: the row is there the moment the answer is.
        assert spool_event_ids(receiver.spool).count(event_id) == 1
    assert len(spool_event_ids(receiver.spool)) == before + 1
    with sqlite3.connect(receiver.spool) as connection:
        row = connection.execute(
            "SELECT event, event_ts, account_id, object_type, object_id, status, body "
            "FROM events WHERE event_id = ?",
            (event_id,),
        ).fetchone()
    assert row == (
        "commerce.quote_status_changed",
        "2026-01-01T00:00:00.001000+00:00",
        "acct-1",
        "quote",
        "QR-1",
        "approved",
        body.decode(),
    )


def _refused_requests():
    body = quote_event(2)
    now = time.time()
    no_id = json.dumps({"event": "commerce.order_status_changed", "payload": {}}).encode()
    no_event = json.dumps({"event_id": "e-1", "payload": {}}).encode()
    large = json.dumps({"event": "x", "event_id": "big", "pad": "a" * (1024 * 1024)}).encode()
    return [
        ("no signature", body, {"x-zm-request-timestamp": str(int(now))}, 401),
        ("wrong signature", body, {**signed(body), "x-zm-signature": "v0=" + "0" * 64}, 401),
        ("another secret", body, signed(body, secret="not-the-secret"), 401),
        ("signed for another body", body, signed(quote_event(3)), 401),
        ("replayed, 6 minutes old", body, signed(body, at=now - 360), 401),
        ("6 minutes ahead", body, signed(body, at=now + 360), 401),
        ("over 1 MiB", large, signed(large), 413),
        ("not JSON", b"event=x", signed(b"event=x"), 400),
        (
            "JSON, not UTF-8",
            body.decode().encode("utf-16"),
            signed(body.decode().encode("utf-16")),
            400,
        ),
        ("no event_id", no_id, signed(no_id), 400),
        ("no event", no_event, signed(no_event), 400),
    ]


def test_every_refusal_stores_nothing_and_the_tap_emits_nothing_of_it(tmp_path, receiver):
    before = spool_event_ids(receiver.spool)
    answers = {}
    for reason, body, headers, status in _refused_requests():
        answer = post(receiver.webhook_url, body, headers)
        assert answer.status_code == status, reason
        answers.setdefault(status, set()).add(answer.text)
    # Every signature failure answers the same words: nothing says which check failed.
    assert answers[401] == {'{"error":"unauthorized"}'}
    assert spool_event_ids(receiver.spool) == before
    emitted = {record["event_id"] for record in read_events(tmp_path, receiver.spool).records}
    assert emitted == set(before)


def test_a_signed_url_validation_is_answered_with_the_token_hmac(receiver):
    body = json.dumps(
        {"event": "endpoint.url_validation", "payload": {"plainToken": "qgg8vlvZRS6UYooatFL8Aw"}}
    ).encode()
    answer = post(receiver.webhook_url, body, signed(body))
    assert answer.status_code == 200
    assert answer.json() == {
        "plainToken": "qgg8vlvZRS6UYooatFL8Aw",
        "encryptedToken": encrypted_token(SECRET.encode(), "qgg8vlvZRS6UYooatFL8Aw"),
    }


def test_an_unsigned_url_validation_is_no_signing_oracle(receiver):
    """The answer to a validation is HMAC(secret, plainToken), the key events are signed with: a
    plainToken shaped like a signing string would hand out a valid signature for a forged event."""
    forged = quote_event(4)
    timestamp = str(int(time.time()))
    plain = f"v0:{timestamp}:{forged.decode()}"
    body = json.dumps({"event": "endpoint.url_validation", "payload": {"plainToken": plain}})
    for headers in ({}, {"x-zm-request-timestamp": timestamp, "x-zm-signature": "v0=00"}):
        answer = post(receiver.webhook_url, body.encode(), headers)
        assert answer.status_code == 401
        assert "encryptedToken" not in answer.text
        # What the oracle would have leaked: the forged event's valid signature.
        assert signature(SECRET.encode(), timestamp, forged).removeprefix("v0=") not in answer.text


def test_an_unwritable_spool_answers_503_and_the_retry_is_stored(receiver):
    body = quote_event(5)
    event_id = json.loads(body)["event_id"]
    blocker = sqlite3.connect(receiver.spool, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the spool's write lock
    try:
        assert post(receiver.webhook_url, body, signed(body)).status_code == 503
        assert requests.get(f"{receiver.url}/healthz", timeout=10).status_code == 503
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert event_id not in spool_event_ids(receiver.spool)
    assert "not writable" in receiver.log.read_text()
    assert post(receiver.webhook_url, body, signed(body)).status_code == 200  # Zoom's retry
    assert spool_event_ids(receiver.spool).count(event_id) == 1


def test_without_the_secret_it_refuses_to_start_in_one_line(tmp_path):
    result = subprocess.run(
        [EXECUTABLE, "serve", "--spool", str(tmp_path / "spool.db")],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "commerce-webhooks: ZOOM_WEBHOOK_SECRET_TOKEN is not set; set it to the Secret Token of "
        "the Zoom app (Features > Access > Secret Token)"
    ]
    assert not (tmp_path / "spool.db").exists()


def test_a_spool_that_is_not_a_database_is_refused_in_one_line(tmp_path):
    spool = tmp_path / "spool.db"
    spool.write_text("not a database")
    result = subprocess.run(
        [EXECUTABLE, "serve", "--spool", str(spool)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "ZOOM_WEBHOOK_SECRET_TOKEN": SECRET},
        timeout=60,
    )
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"commerce-webhooks: --spool {spool}: not a writable SQLite spool")
    assert SECRET not in result.stderr
