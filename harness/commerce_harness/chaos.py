"""Chaos nights (`make chaos`, scripts/chaos.py): each tap's task of the nightly job, run by
`meltano run` with Meltano's real state backend, night after night against the sandbox while the
sandbox injects a random fault plan (the token endpoints included) and, on some nights, the tap,
the loader or Meltano itself is SIGKILLed at any moment of the run and the job is run again. After
every night the warehouse must equal the sandbox's truth row by row and field by field, hold no
duplicate key, and Meltano's saved state must claim no more than the warehouse holds: neither its
bookmarks nor what the streams remember beside them (row digests, known customers, tracked
drafts; after a night that ended well, the drafts and customers the source has, all of them); the
same state checks run right after every kill, before the rerun. A
night is a simulated day but seconds of the wall clock; the taps' refreshes and sweeps count runs,
not days, so they come as they would in production with nothing moved by hand.

Everything a night writes lives under `--output` (a temporary directory by default), one
`DemoPlace` per tap (commerce_harness.place): warehouse, Meltano's system database and run
directory. A tally per tap counts rows lost, duplicated or left different on any night.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import statistics
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from meltano.core.state_store.db import DBStateStoreManager
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from commerce_harness import ROOT
from commerce_harness.pipeline import BIN, LOADER
from commerce_harness.place import DemoPlace
from commerce_harness.reconcile import RESHAPES, canonical, compare_table, key_of, warehouse_rows
from commerce_harness.taps import Tap
from commerce_sandbox import SandboxControl, SandboxServer
from commerce_taps_common.config.errors import env_var

#: Seconds a tap waits for one answer; a stalled answer is held longer than this.
REQUEST_TIMEOUT_SECONDS = 2
STALL_SECONDS = REQUEST_TIMEOUT_SECONDS + 1
#: Zoho's limits scaled to test time: requests a minute (the tap paces under it), and the
#: token-refresh window the tap waits out when throttled.
ZOHO_RATE_PER_MINUTE = 60000
ZOHO_TOKEN_WINDOW_SECONDS = 4
ZOHO_THROTTLE_WAIT_SECONDS = 3
#: How long a killed job's surviving processes get to end before their group is killed.
DRAIN_SECONDS = 60
KILL_TARGETS = ("tap", "loader", "meltano")
#: Meltano's stale-job threshold (a run's heartbeat this old), with a margin.
MELTANO_STALE_SECONDS = 6 * 60

# Faults every vendor can serve: name -> the fault as the sandbox takes it (`count` and `path`
# are added per night).
COMMON_FAULTS: dict[str, dict[str, Any]] = {
    "429 with reset headers": {"kind": "429", "reset_header": True, "seconds": 1},
    "429 without headers": {"kind": "429", "reset_header": False},
    "500": {"kind": "500"},
    "502": {"kind": "502"},
    "503": {"kind": "503"},
    "stall": {"kind": "stall", "seconds": STALL_SECONDS},
    "truncate": {"kind": "truncate"},
    "expire_token": {"kind": "expire_token"},
}


@dataclass(frozen=True)
class VendorChaos:
    """What chaos means for one vendor: the path substrings of its API requests and of its token
    endpoint, its settings at rest, and its own faults (name -> settings for the night, plus
    faults to inject with them)."""

    api_path: str
    token_path: str
    baseline: dict[str, Any]
    own_faults: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]]

    def token_faults(self) -> dict[str, list[dict[str, Any]]]:
        """Faults of the token endpoint: name -> the faults to inject (`count` set per night for
        the first two). The third refuses the run's token once, mid-run, and answers the token
        request that follows with a 503: the tap fetches a token again, through a fault."""
        return {
            "token endpoint 429": [{"kind": "429", "path": self.token_path}],
            "token endpoint 503": [{"kind": "503", "path": self.token_path}],
            "token refused once, the next token 503": [
                {"kind": "expire_token", "path": self.api_path, "count": 1, "after": 1},
                {"kind": "503", "path": self.token_path, "count": 1, "after": 1},
            ],
        }


VENDOR_CHAOS = {
    "zuora": VendorChaos("/v2/", "/oauth/token", {}, {}),
    "zoho": VendorChaos(
        "/api/",
        "/oauth/v2/token",
        {
            "rate_limit_per_minute": ZOHO_RATE_PER_MINUTE,
            "tokens_per_window": 10,
            "token_window_seconds": ZOHO_TOKEN_WINDOW_SECONDS,
        },
        {
            "200_error": ({}, [{"kind": "200_error"}]),
            # One token a window, and a revoked token forces a second refresh into it.
            "token throttle": (
                {"tokens_per_window": 1, "token_window_seconds": ZOHO_THROTTLE_WAIT_SECONDS - 1},
                [{"kind": "expire_token"}],
            ),
        },
    ),
    "zoom": VendorChaos(
        "/v2/",
        "/oauth/token",
        {"expire_page_tokens": 0, "light_per_second": 80, "medium_per_second": 60},
        {
            "expired page tokens": ({"expire_page_tokens": 2}, []),
            "per-second limits": ({"light_per_second": 12, "medium_per_second": 6}, []),
        },
    ),
    "adobe": VendorChaos(
        "/v3/",
        "/ims/token/v3",
        {"internal_errors": 0, "internal_error_path": ""},
        {
            f"stored 500 on {path}": ({"internal_errors": 2, "internal_error_path": path}, [])
            for path in ("/orders", "/subscriptions", "/customers")
        },
    ),
}


@dataclass
class NightPlan:
    faults: Counter  # fault name -> times injected
    settings: dict[str, Any]
    injected: list[dict[str, Any]]
    kill: str | None  # "tap", "loader" or "meltano"
    #: The kill lands once the vendor served this many requests; None: once the tap has ended
    #: (the loader's last commit, Meltano saving the state).
    kill_after_requests: int | None

    def describe(self) -> str:
        moment = (
            f"after {self.kill_after_requests} requests"
            if self.kill_after_requests is not None
            else "once the tap ended"
        )
        kill = f"; SIGKILL {self.kill} {moment}" if self.kill else ""
        return f"faults {dict(self.faults)}, settings {self.settings}{kill}"


def plan_night(
    rng: random.Random, vendor: str, max_faults: int, kill: str | None, kill_within: int
) -> NightPlan:
    """A random fault plan of at most `max_faults` faults (each request retries 8 times, so a
    plan never exhausts one request's attempts) and, if `kill` is set, when to kill: after any
    of the first `kill_within` requests, or (a loader or Meltano, one time in four) once the tap
    has ended."""
    chaos = VENDOR_CHAOS[vendor]
    token_faults = chaos.token_faults()
    names = [*COMMON_FAULTS, *token_faults, *chaos.own_faults]
    faults: Counter = Counter()
    settings: dict[str, Any] = {}
    injected: list[dict[str, Any]] = []
    for name in rng.sample(names, rng.randint(1, min(max_faults, len(names)))):
        if name in COMMON_FAULTS:
            count = rng.randint(1, 2)
            injected.append({**COMMON_FAULTS[name], "count": count, "path": chaos.api_path})
        elif name in token_faults:
            # Twice at most where the plan does not fix the count itself.
            fixed = any("count" in fault for fault in token_faults[name])
            count = 1 if fixed else rng.randint(1, 2)
            injected += [{"count": count, **fault} for fault in token_faults[name]]
        else:
            night_settings, extra = chaos.own_faults[name]
            settings.update(night_settings)
            count = 1
            injected += [{**fault, "count": 1, "path": chaos.api_path} for fault in extra]
        faults[name] += count
        if sum(faults.values()) >= max_faults:
            break
    at_end = kill in ("loader", "meltano") and rng.random() < 0.25
    after = None if at_end else rng.randint(1, max(1, kill_within))
    return NightPlan(faults, settings, injected, kill, after)


# ---- processes ------------------------------------------------------------------------------


def group_processes(group: int) -> dict[int, list[str]]:
    """pid -> command line of every live process in process group `group` (read from /proc)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except (OSError, IndexError):
            continue  # ended while we looked
        if fields[0] != "Z" and int(fields[2]) == group:
            found[int(entry.name)] = command
    return found


def victim_pid(meltano_pid: int, victim: str, tap_name: str) -> int | None:
    """The pid of the tap's or the loader's process under this `meltano run`, or Meltano's."""
    if victim == "meltano":
        return meltano_pid
    executable = tap_name if victim == "tap" else LOADER
    for pid, command in group_processes(meltano_pid).items():
        # The plugin's console script is its interpreter's first argument (Meltano's own
        # command line names both plugins too, as bare words).
        if pid != meltano_pid and any(
            argument.endswith(f"/{executable}") for argument in command[:2]
        ):
            return pid
    return None


def drain(group: int) -> None:
    """Wait for what a kill left running (a loader still committing) to end, then kill the rest:
    the rerun must not meet a process of the killed run."""
    deadline = time.monotonic() + DRAIN_SECONDS
    while group_processes(group) and time.monotonic() < deadline:
        time.sleep(0.1)
    if group_processes(group):
        os.killpg(group, signal.SIGKILL)


# ---- one tap's nights -----------------------------------------------------------------------


@dataclass
class TapTally:
    tap: str
    nights: int = 0
    faults: Counter = field(default_factory=Counter)
    error_responses: Counter = field(default_factory=Counter)  # HTTP status -> times served
    kills: Counter = field(default_factory=Counter)
    kills_missed: int = 0  # the run ended before the kill's moment came
    failed_runs: int = 0  # runs that were not killed and still failed
    nights_failed: int = 0  # nights whose job never succeeded, reruns included
    rows_compared: int = 0
    rows_lost: int = 0
    rows_duplicated: int = 0
    rows_extra: int = 0  # in the warehouse, not in the truth
    fields_different: int = 0  # a field of a row unequal to the truth's
    state_rows_checked: int = 0  # records a bookmark covered, each checked in the warehouse
    state_overclaims: int = 0
    remembered_checked: int = 0  # ids the streams' own state named, each checked
    remembered_wrong: int = 0  # named and not held, or (after a good night) not the source's
    requests: list[int] = field(default_factory=list)  # per night, every run of it
    findings: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (
            self.nights_failed
            or self.rows_lost
            or self.rows_duplicated
            or self.rows_extra
            or self.fields_different
            or self.state_overclaims
            or self.remembered_wrong
        )


class ChaosTap:
    """One tap's nights: its sandbox, its own place, and the Meltano runs of its task."""

    def __init__(
        self,
        tap: Tap,
        sandbox: SandboxServer,
        place: DemoPlace,
        *,
        env: dict[str, str] | None = None,
        meltano_options: tuple[str, ...] = (),
    ) -> None:
        """`env` is added to the job's environment; `meltano_options` go before `run`."""
        self.tap, self.sandbox, self.place = tap, sandbox, place
        self.control: SandboxControl = sandbox.control
        self.chaos = VENDOR_CHAOS[tap.vendor]
        self.env = {**os.environ, **place.meltano_env, **self.settings_env(), **(env or {})}
        self.meltano_options = meltano_options
        self.meltano_killed_at = -float(MELTANO_STALE_SECONDS)

    def settings_env(self) -> dict[str, str]:
        env = {
            **self.tap.env(self.sandbox),
            env_var(self.tap.name, "request_timeout"): str(REQUEST_TIMEOUT_SECONDS),
        }
        if self.tap.vendor == "zoho":
            env[env_var(self.tap.name, "requests_per_minute")] = str(
                int(ZOHO_RATE_PER_MINUTE * 0.9)
            )
            env[env_var(self.tap.name, "token_throttle_wait_seconds")] = str(
                ZOHO_THROTTLE_WAIT_SECONDS
            )
        return env

    def requests_served(self) -> int:
        return sum(self.control.stats().get(self.tap.vendor, {}).values())

    def run_job(self, plan: NightPlan | None) -> tuple[int, str | None]:
        """`meltano run <tap> target-commerce-duckdb` (the nightly job's task for this tap),
        killing `plan.kill` once the vendor has served `plan.kill_after_requests` requests.
        Answers the exit code and what was killed (None: nothing).

        A SIGKILLed Meltano leaves its run recorded as running, and Meltano refuses to start the
        job again until that record's heartbeat is stale (5 minutes); nights an hour apart
        would never see it, these come seconds apart: for that while the job runs with
        `--force`, as the operator rerunning it would."""
        force = time.monotonic() - self.meltano_killed_at < MELTANO_STALE_SECONDS
        command = [
            *self.meltano_options,
            "run",
            *(["--force"] if force else []),
            self.tap.name,
            LOADER,
        ]
        with self.place.log.open("a") as log:
            log.write(f"\n$ meltano {' '.join(command)}\n")
            log.flush()
            process = subprocess.Popen(
                [str(BIN / "meltano"), *command],
                cwd=self.place.project,
                env=self.env,
                stdout=log,
                stderr=log,
                start_new_session=True,  # its own process group: the tap and loader are in it
            )
            killed = None
            tap_seen = False
            try:
                while process.poll() is None:
                    if plan and plan.kill and not killed:
                        if plan.kill_after_requests is None:  # once the tap has ended
                            tap_running = victim_pid(process.pid, "tap", self.tap.name) is not None
                            due = tap_seen and not tap_running
                            tap_seen = tap_seen or tap_running
                        else:
                            due = self.requests_served() >= plan.kill_after_requests
                        pid = victim_pid(process.pid, plan.kill, self.tap.name) if due else None
                        if pid is not None:
                            os.kill(pid, signal.SIGKILL)
                            killed = plan.kill
                            if killed == "meltano":
                                self.meltano_killed_at = time.monotonic()
                    time.sleep(0.05)
            finally:
                if process.poll() is None:
                    process.kill()
                process.wait()
                drain(process.pid)
        return process.returncode, killed

    @contextmanager
    def state_store(self) -> Iterator[DBStateStoreManager]:
        """Meltano's own state backend on this place's system database."""
        engine = create_engine(self.place.meltano_env["MELTANO_DATABASE_URI"])
        try:
            with Session(engine) as session:
                yield DBStateStoreManager(session=session)
        finally:
            engine.dispose()

    def saved_state(self) -> dict[str, Any]:
        """Meltano's state for this task, partial state merged onto the completed one as
        `meltano state get` does."""
        with self.state_store() as store:
            state = store.get(self.tap.state_id())
            return json.loads(state.json_merged()) if state else {}

    def night(self, number: int, plan: NightPlan, tally: TapTally) -> None:
        counts = {}
        if number > 1:
            counts = self.control.advance(days=1)
        self.control.reset_stats()
        self.control.configure(self.tap.vendor, **{**self.chaos.baseline, **plan.settings})
        if plan.injected:
            self.control.inject(self.tap.vendor, plan.injected)
        tally.faults.update(plan.faults)
        exit_code, killed = self.run_job(plan)
        where = f"{self.tap.name} night {number} ({plan.describe()})"
        if killed:
            tally.kills[killed] += 1
            self.check_state(tally, f"{where}, after the kill", completed=False)
        elif plan.kill:
            tally.kills_missed += 1
        runs = 1
        while exit_code != 0 and runs < 3:
            if not killed:
                tally.failed_runs += 1
                tally.findings.append(f"{where}: run {runs} failed (exit {exit_code}) unkilled")
            exit_code, killed = self.run_job(None)
            runs += 1
        tally.requests.append(self.requests_served())
        for status, count in self.control.statuses(self.tap.vendor).items():
            if status >= 400:
                tally.error_responses[status] += count
        tally.nights += 1
        if exit_code != 0:
            tally.nights_failed += 1
            tally.findings.append(f"{where}: still failing after {runs} runs; see {self.place.log}")
        self.check_tables(tally, where, counts)
        self.check_state(tally, where, completed=exit_code == 0)

    def check_tables(self, tally: TapTally, where: str, counts: dict) -> None:
        with duckdb.connect(str(self.place.warehouse), read_only=True) as connection:
            for stream, key in self.tap.keys.items():
                truth = self.control.truth(self.tap.vendor, stream)
                tally.rows_compared += len(truth)
                if not table_exists(connection, self.tap.vendor, stream):
                    tally.rows_lost += len(truth)
                    tally.findings.append(f"{where}: {self.tap.vendor}.{stream} missing")
                    continue
                diff = compare_table(
                    connection, self.tap.vendor, stream, truth, vendor=self.tap.vendor, key=key
                )
                duplicated = duplicate_keys(connection, self.tap.vendor, stream, key)
                tally.rows_lost += len(diff.missing)
                tally.rows_duplicated += duplicated
                tally.rows_extra += len(diff.extra)
                tally.fields_different += sum(
                    not item.startswith("duplicate keys") for item in diff.changed
                )
                if not diff.equal or duplicated:
                    tally.findings.append(
                        f"{where}: {diff.summary()}; {duplicated} duplicated; world {counts}"
                    )

    def check_state(self, tally: TapTally, where: str, completed: bool) -> None:
        """The bookmarks and what the streams remember (`completed`: the night's job succeeded,
        so what must be all of the source's is checked against it too)."""
        state = self.saved_state().get("singer_state", {}).get("bookmarks", {})
        self.check_remembered(tally, where, state, completed)
        with duckdb.connect(str(self.place.warehouse), read_only=True) as connection:
            for stream, key in self.tap.keys.items():
                bookmarks = list(bookmarks_of(state.get(stream, {})))
                if not bookmarks:
                    continue
                truth = [
                    RESHAPES.get((self.tap.vendor, stream), dict)(row)
                    for row in self.control.truth(self.tap.vendor, stream)
                ]
                rows = []
                if table_exists(connection, self.tap.vendor, stream):
                    rows = warehouse_rows(connection, self.tap.vendor, stream)[1]
                tally.state_rows_checked += sum(1 for _ in covered(bookmarks, truth))
                for claim in overclaims(bookmarks, truth, rows, key):
                    tally.state_overclaims += 1
                    tally.findings.append(f"{where}: state of {stream} {claim}")

    def check_remembered(
        self, tally: TapTally, where: str, state: dict[str, Any], completed: bool
    ) -> None:
        """Each id a stream's own state names is a row the warehouse holds (not deleted); after a
        completed night, those that must be all of the source's are exactly the truth's."""
        with duckdb.connect(str(self.place.warehouse), read_only=True) as connection:
            for memory in REMEMBERED.get(self.tap.vendor, ()):
                saved = state.get(memory.stream, {}).get(memory.key)
                if saved is None:
                    continue
                key = self.tap.keys[memory.stream]
                field_name = key if isinstance(key, str) else key[0]  # these keys are single
                named = {key_of({field_name: name}, key) for name in memory.ids(saved)}
                held = set()
                if table_exists(connection, self.tap.vendor, memory.stream):
                    rows = warehouse_rows(connection, self.tap.vendor, memory.stream)[1]
                    held = {key_of(row, key) for row in rows if row.get("_sdc_deleted_at") is None}
                tally.remembered_checked += len(named)
                wrong = [f"{name} not held" for name in sorted(named - held, key=str)]
                if completed and memory.all_of is not None:
                    truth = self.control.truth(self.tap.vendor, memory.stream)
                    source = {key_of(row, key) for row in truth if memory.all_of(row)}
                    wrong += [f"{name} not remembered" for name in sorted(source - named, key=str)]
                    wrong += [
                        f"{name} not the source's" for name in sorted(named - source, key=str)
                    ]
                tally.remembered_wrong += len(wrong)
                if wrong:
                    tally.findings.append(
                        f"{where}: {memory.stream} state {memory.key!r}: {', '.join(wrong[:5])}"
                        f"{' ...' if len(wrong) > 5 else ''} ({len(wrong)})"
                    )


@dataclass(frozen=True)
class Remembered:
    """What a stream keeps in its state beside its bookmark, naming rows of the stream: `ids`
    reads their keys from the saved value; `all_of`, where the memory must name every row of the
    source it selects after a run that ended well (None: a subset, e.g. what the last run read)."""

    stream: str
    key: str
    ids: Callable[[Any], Iterable[str]]
    all_of: Callable[[dict[str, Any]], bool] | None = None


def _rotation_ids(saved: dict[str, Any]) -> Iterable[str]:
    return saved.get("read", {})


REMEMBERED: dict[str, tuple[Remembered, ...]] = {
    "zuora": (
        Remembered("invoices", "draft_invoice_ids", list, lambda row: row["state"] == "draft"),
        Remembered(
            "invoice_items",
            "draft_invoice_items",
            lambda saved: [item for items in saved.values() for item in items],
        ),
    ),
    "adobe": (
        Remembered("orders", "order_digests", list),
        Remembered("customers", "known_customers", list, lambda row: True),
        Remembered("customers", "sweep", _rotation_ids),
    ),
    "zoom": (
        Remembered("subscriptions", "list_digests", list),
        Remembered("subscriptions", "sweep", _rotation_ids),
        Remembered("billing_documents", "digests", list),
        Remembered("billing_documents", "unpaid", list),
    ),
}


def table_exists(connection: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? "
            "AND table_name = ?",
            [schema, table],
        ).fetchone()
        != (0,)
    )


def duplicate_keys(
    connection: duckdb.DuckDBPyConnection, schema: str, table: str, key: str | tuple[str, ...]
) -> int:
    """Rows beyond the first of each key (soft-deleted rows included)."""
    rows = warehouse_rows(connection, schema, table)[1]
    return len(rows) - len({key_of(row, key) for row in rows})


def bookmarks_of(entry: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str, Any]]:
    """(partition context, replication key, value) of each bookmark a stream's state holds."""
    for bookmark in [entry, *entry.get("partitions", [])]:
        if bookmark.get("replication_key") and bookmark.get("replication_key_value") is not None:
            yield (
                bookmark.get("context", {}),
                bookmark["replication_key"],
                bookmark["replication_key_value"],
            )


def at_or_before(value: Any, bookmark: Any) -> bool:
    """Whether a record's replication-key value is covered by `bookmark`. A date bookmark covers
    only the days before it (the taps read whole days, the bookmark's own again: a run cut short
    inside a day has saved that day); a timestamp bookmark covers a date strictly before its day."""
    value, bookmark = canonical(value), canonical(bookmark)
    is_day = isinstance(bookmark, dt.date) and not isinstance(bookmark, dt.datetime)
    if is_day or isinstance(value, dt.datetime) != isinstance(bookmark, dt.datetime):
        day = value.date() if isinstance(value, dt.datetime) else value
        bookmark_day = bookmark.date() if isinstance(bookmark, dt.datetime) else bookmark
        return day < bookmark_day
    return value <= bookmark


def covered(
    bookmarks: list[tuple[dict[str, Any], str, Any]], truth: list[dict[str, Any]]
) -> Iterator[tuple[dict[str, Any], str, Any]]:
    """(record, replication key, bookmark value) for each truth record of a bookmark's
    partition whose replication key is at or before the bookmark."""
    for context, replication_key, value in bookmarks:
        for record in truth:
            if any(record.get(name) != wanted for name, wanted in context.items()):
                continue
            if record.get(replication_key) is not None and at_or_before(
                record[replication_key], value
            ):
                yield record, replication_key, value


def overclaims(
    bookmarks: list[tuple[dict[str, Any], str, Any]],
    truth: list[dict[str, Any]],
    rows: list[dict[str, Any]],
    key: str | tuple[str, ...],
) -> Iterator[str]:
    """What a bookmark claims and the warehouse does not hold: each record it covers must be in
    the warehouse with that same replication-key value (the version the bookmark says was
    loaded). Fields that change without moving the replication key are the next run's
    look-back's, not the state's."""
    held = {key_of(row, key): row for row in rows if row.get("_sdc_deleted_at") is None}
    for record, replication_key, value in covered(bookmarks, truth):
        row = held.get(key_of(record, key))
        if row is None:
            yield f"{replication_key} {value!r}: {key_of(record, key)} missing"
        elif canonical(row.get(replication_key)) != canonical(record[replication_key]):
            yield (
                f"{replication_key} {value!r}: {key_of(record, key)} held at "
                f"{row.get(replication_key)!r}, the source has {record[replication_key]!r}"
            )


def run_nights(
    tap: Tap,
    nights: int,
    *,
    seed: int,
    scale: int,
    output: Path,
    kill_probability: float,
    max_faults: int,
    log=print,
) -> TapTally:
    """`nights` nights of one tap. Night 1 is the backfill, unharmed but for its faults; a later
    night kills with `kill_probability`, and the last night kills if no kill has landed yet."""
    rng = random.Random(f"{seed}:{tap.name}")
    tally = TapTally(tap.name)
    place = DemoPlace(ROOT, output / tap.vendor)
    place.reset()
    with SandboxServer(seed=seed, scale=scale) as sandbox:
        chaos = ChaosTap(tap, sandbox, place)
        for number in range(1, nights + 1):
            kill = None
            if number > 1 and (
                rng.random() < kill_probability or (number == nights and not tally.kills)
            ):
                kill = rng.choice(KILL_TARGETS)
            # Kill within the fewest requests a night after the backfill has needed (at its last,
            # the run may be writing its state; before one, an eighth of the backfill's), or once
            # the tap has ended.
            within = min(tally.requests[1:], default=max(tally.requests, default=8) // 8)
            plan = plan_night(rng, tap.vendor, max_faults, kill, within)
            started = time.monotonic()
            chaos.night(number, plan, tally)
            log(
                f"chaos: {tap.name} night {number}: {plan.describe()}: {tally.requests[-1]} "
                f"requests, {time.monotonic() - started:.0f} s"
            )
    return tally


def table(tallies: list[TapTally]) -> str:
    """The chaos table: one column per tap."""
    fault_names = sorted({name for tally in tallies for name in tally.faults})
    statuses = sorted({status for tally in tallies for status in tally.error_responses})

    def requests(tally: TapTally) -> str:
        if not tally.requests:
            return "-"
        return (
            f"{min(tally.requests)}/{statistics.median(tally.requests):.0f}/{max(tally.requests)}"
        )

    lines: list[tuple[str, list[str]]] = [
        ("nights", [str(t.nights) for t in tallies]),
        *((f"fault: {name}", [str(t.faults[name]) for t in tallies]) for name in fault_names),
        *(
            (f"HTTP {status} served", [str(t.error_responses[status]) for t in tallies])
            for status in statuses
        ),
        *(
            (f"SIGKILL {target}", [str(t.kills[target]) for t in tallies])
            for target in KILL_TARGETS
        ),
        ("kills missed (run ended first)", [str(t.kills_missed) for t in tallies]),
        ("runs failed unkilled", [str(t.failed_runs) for t in tallies]),
        ("nights the job never succeeded", [str(t.nights_failed) for t in tallies]),
        ("rows compared", [str(t.rows_compared) for t in tallies]),
        ("rows lost", [str(t.rows_lost) for t in tallies]),
        ("rows duplicated", [str(t.rows_duplicated) for t in tallies]),
        ("rows extra", [str(t.rows_extra) for t in tallies]),
        ("fields different", [str(t.fields_different) for t in tallies]),
        ("rows covered by bookmarks, checked", [str(t.state_rows_checked) for t in tallies]),
        ("state claims beyond warehouse", [str(t.state_overclaims) for t in tallies]),
        ("ids the streams' state named, checked", [str(t.remembered_checked) for t in tallies]),
        ("named ids wrong", [str(t.remembered_wrong) for t in tallies]),
        ("requests/night min/median/max", [requests(t) for t in tallies]),
    ]
    width = max(len(label) for label, _ in lines)
    columns = [
        max(len(t.tap), *(len(values[i]) for _, values in lines)) for i, t in enumerate(tallies)
    ]
    header = (
        " " * width
        + "  "
        + "  ".join(t.tap.rjust(w) for t, w in zip(tallies, columns, strict=True))
    )
    body = [
        label.ljust(width)
        + "  "
        + "  ".join(v.rjust(w) for v, w in zip(values, columns, strict=True))
        for label, values in lines
    ]
    return "\n".join([header, *body])


def run_taps(taps: list[Tap], nights: int, *, jobs: int, **options: Any) -> list[TapTally]:
    """`run_nights` for each tap, `jobs` taps at a time (each has its own sandbox and place; a
    night spends much of its time waiting out back-offs and stalls), tallies in `taps`' order."""
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(lambda tap: run_nights(tap, nights, **options), taps))
