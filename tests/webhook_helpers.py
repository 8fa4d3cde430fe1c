"""What the webhook tests share: signed requests, the receiver as a process, and the tap's
webhook_events stream alone (no credentials) into a real DuckDB."""

from __future__ import annotations

import contextlib
import functools
import json
import sqlite3
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any, NamedTuple

import requests

from commerce_harness import pipeline
from commerce_harness.catalog import catalog_selecting
from commerce_webhooks.signing import signature

SECRET = "zoom-webhook-secret-never-logged"
TAP = "tap-zoom-commerce"


def quote_event(index: int, event_id: str | None = None) -> bytes:
    return json.dumps(
        {
            "event": "commerce.quote_status_changed",
            "event_ts": 1767225600000 + index,
            "event_id": event_id or str(uuid.uuid4()),
            "payload": {
                "account_id": "acct-1",
                "quote": {"quote_reference_id": f"QR-{index}", "status": "approved"},
            },
        }
    ).encode()


def signed(body: bytes, secret: str = SECRET, at: float | None = None) -> dict[str, str]:
    timestamp = str(int(time.time() if at is None else at))
    return {
        "content-type": "application/json",
        "x-zm-request-timestamp": timestamp,
        "x-zm-signature": signature(secret.encode(), timestamp, body),
    }


def post(url: str, body: bytes, headers: dict[str, str]) -> requests.Response:
    return requests.post(url, data=body, headers=headers, timeout=10)


def spool_event_ids(spool: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(spool)) as connection:
        return [row[0] for row in connection.execute("SELECT event_id FROM events")]


class EventsRead(NamedTuple):
    records: list[dict[str, Any]]
    state: dict[str, Any] | None
    singer: str  # the tap's output, for the loader
    log: str


@functools.cache
def _events_catalog() -> str:
    return json.dumps(catalog_selecting(str(pipeline.BIN / TAP), {"webhook_events"}))


def read_events(workdir: Path, spool: Path, state: dict | None = None) -> EventsRead:
    """tap-zoom-commerce with only webhook_events selected and no API credentials."""
    workdir.mkdir(parents=True, exist_ok=True)
    catalog = workdir / "catalog.json"
    catalog.write_text(_events_catalog())
    args = ["--catalog", str(catalog)]
    if state:
        (workdir / "state.json").write_text(json.dumps(state))
        args += ["--state", str(workdir / "state.json")]
    # start_date as Meltano passes it (inherited from tap-zoom-commerce): not a sequence number.
    config = {"webhook_spool": str(spool), "start_date": "2020-01-01"}
    result = pipeline.run_tap(workdir, TAP, config, *args)
    assert result.returncode == 0, result.stderr[-3000:]
    messages = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    records = [m["record"] for m in messages if m["type"] == "RECORD"]
    states = [m["value"] for m in messages if m["type"] == "STATE"]
    return EventsRead(records, states[-1] if states else None, result.stdout, result.stderr)


def load(workdir: Path, read: EventsRead, warehouse_dir: Path) -> None:
    """The tap's Singer output into target-commerce-duckdb (schema zoom)."""
    config = workdir / "target.json"
    config.write_text(json.dumps(pipeline.target_config(warehouse_dir, "zoom")))
    result = subprocess.run(
        [str(pipeline.BIN / "target-commerce-duckdb"), "--config", str(config)],
        input=read.singer,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def warehouse_diff(sandbox: Any, warehouse_dir: Path):
    import duckdb

    from commerce_harness.reconcile import compare_table

    with duckdb.connect(str(warehouse_dir / "warehouse.duckdb"), read_only=True) as connection:
        return compare_table(
            connection,
            "zoom",
            "webhook_events",
            sandbox.control.truth("zoom", "webhook_events"),
            vendor="zoom",
            key="event_id",
        )
