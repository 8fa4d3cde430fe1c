"""The spool: one SQLite file in WAL mode (stdlib, one file, readers never block the writer). The
receiver appends committed events; the tap's `webhook_events` stream reads them by sequence number.

Commits are durable (`synchronous=FULL`: the WAL is fsynced before COMMIT returns). One connection
writes, so sequence numbers are handed out in commit order and a reader that has seen sequence N
has seen everything before it: a bookmark on the sequence never skips an event."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import astuple, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

TABLE = """
CREATE TABLE IF NOT EXISTS events (
    sequence INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, even if old rows are pruned
    event_id TEXT NOT NULL UNIQUE,
    event TEXT NOT NULL,
    event_ts TEXT,  -- ISO-8601 UTC, from Zoom's event_ts (milliseconds since the epoch)
    account_id TEXT,
    object_type TEXT,
    object_id TEXT,
    status TEXT,
    body TEXT NOT NULL,  -- the raw request body, as signed
    received_at TEXT NOT NULL  -- ISO-8601 UTC, the receiver's clock at commit
)"""
COLUMNS = (
    "event_id",
    "event",
    "event_ts",
    "account_id",
    "object_type",
    "object_id",
    "status",
    "body",
    "received_at",
)
INSERT = (
    f"INSERT OR IGNORE INTO events ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
)
# Each object's id, by the payload key that holds the object: the key of the polled stream where
# one exists (orders, quotes, accounts); deal registrations by their number, which every deal
# registration has (create_reference_id only those made through the API).
OBJECT_IDS = {
    "order": "order_reference_id",
    "quote": "quote_reference_id",
    "deal_registration": "deal_reg_number",
    "account": "crm_account_number",
}
# A writer waits this long for a lock someone else holds, then the request is answered 503:
# well inside Zoom's 3 seconds, so Zoom sees a 5xx (and retries), not a timeout.
BUSY_TIMEOUT_SECONDS = 1.0
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _instant_of_millis(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    try:
        return (EPOCH + dt.timedelta(milliseconds=value)).isoformat()
    except OverflowError:
        return None


@dataclass(frozen=True)
class SpoolRow:
    event_id: str
    event: str
    event_ts: str | None
    account_id: str | None
    object_type: str | None
    object_id: str | None
    status: str | None
    body: str

    @classmethod
    def of(cls, body: bytes, event: dict[str, Any]) -> SpoolRow:
        """The stored fields of a verified event (`event` is `body` parsed, with `event` and
        `event_id` present)."""
        payload = event.get("payload")
        payload = payload if isinstance(payload, dict) else {}
        object_type = next((key for key, value in payload.items() if isinstance(value, dict)), None)
        subject = payload.get(object_type, {}) if object_type else {}
        id_field = OBJECT_IDS.get(object_type or "")
        return cls(
            event_id=event["event_id"],
            event=event["event"],
            event_ts=_instant_of_millis(event.get("event_ts")),
            account_id=_text(payload.get("account_id")),
            object_type=object_type,
            object_id=_text(subject.get(id_field)) if id_field else None,
            status=_text(subject.get("status")),
            body=body.decode(),
        )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def connect(path: Path, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    return sqlite3.connect(
        path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_SECONDS
    )


class Spool:
    """The writing side. Opened once by the receiver; then used from one thread at a time."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._connection = connect(path)
        mode = self._connection.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode != "wal":
            raise sqlite3.OperationalError(f"the file does not take WAL mode (journal mode {mode})")
        self._connection.execute("PRAGMA synchronous=FULL")
        self._connection.execute(TABLE)

    def append(self, rows: list[SpoolRow]) -> None:
        """Commit `rows` in one transaction (a repeated event_id is kept once); returns once the
        commit is on disk."""
        received_at = dt.datetime.now(dt.UTC).isoformat()
        connection = self._connection
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany(INSERT, [(*astuple(row), received_at) for row in rows])
            connection.execute("COMMIT")
        except sqlite3.Error:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise

    def probe(self) -> None:
        """Raise sqlite3.Error unless a write transaction can start now."""
        self._connection.execute("BEGIN IMMEDIATE")
        self._connection.execute("ROLLBACK")

    def close(self) -> None:
        self._connection.close()


def read_events(path: Path, after: int) -> Iterator[dict[str, Any]]:
    """Every event committed after sequence `after`, in sequence order, as the tap emits it: the
    body's payload parsed (numbers exact), the raw body left in the spool. One read transaction,
    so the rows are one consistent snapshot, whatever the receiver commits meanwhile."""
    connection = connect(path, read_only=True)
    try:
        query = connection.execute(
            "SELECT sequence, event_id, event, event_ts, account_id, object_type, object_id, "
            "status, body, received_at FROM events WHERE sequence > ? ORDER BY sequence",
            (after,),
        )
        names = [column[0] for column in query.description]
        for values in query:
            record = dict(zip(names, values, strict=True))
            body = json.loads(record.pop("body"), parse_float=Decimal)
            record["payload"] = body.get("payload")
            yield record
    finally:
        connection.close()
