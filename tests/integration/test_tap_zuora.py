"""tap-zuora-quickstart on its own against the sandbox: bookmarks, lookback, tokens, pacing,
and the errors that must stop a run."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from commerce_harness.catalog import catalog_selecting
from commerce_harness.pipeline import BIN
from commerce_harness.taps import ZUORA


@pytest.fixture
def sandbox(sandboxes):
    return sandboxes(seed=2, scale=20)


def test_backfill_emits_truth_in_utc_and_bookmarks_the_newest_emitted(sandbox, tmp_path):
    result, records, state = ZUORA.read(tmp_path, ZUORA.config(sandbox))
    assert result.returncode == 0, result.stderr[-3000:]
    for stream in ZUORA.keys:
        truth = sandbox.control.truth("zuora", stream)
        assert {record["id"] for record in records[stream]} == {record["id"] for record in truth}
        assert all(record["updated_time"].endswith("+00:00") for record in records[stream])
        bookmark = state["bookmarks"][stream]["replication_key_value"]
        assert bookmark == max(record["updated_time"] for record in records[stream])
    assert "sandbox-zuora-secret" not in result.stderr


def test_rerun_with_state_emits_only_the_lookback(sandbox, tmp_path):
    _, _, state = ZUORA.read(tmp_path, ZUORA.config(sandbox))
    sandbox.control.reset_stats()
    result, records, _ = ZUORA.read(tmp_path, ZUORA.config(sandbox, lookback_seconds=0), state)
    assert result.returncode == 0, result.stderr[-3000:]
    assert sum(len(rows) for rows in records.values()) == 0, records
    requests = sandbox.control.stats()["zuora"]
    assert sum(count for endpoint, count in requests.items() if "oauth" in endpoint) == 1


def test_changes_after_the_clock_moves_are_emitted_and_nothing_else(sandbox, tmp_path):
    _, _, state = ZUORA.read(tmp_path, ZUORA.config(sandbox))
    before = {
        stream: {r["id"]: r["updated_time"] for r in sandbox.control.truth("zuora", stream)}
        for stream in ("invoices", "orders", "accounts")
    }
    sandbox.control.advance(days=1)
    result, records, _ = ZUORA.read(tmp_path, ZUORA.config(sandbox, lookback_seconds=0), state)
    assert result.returncode == 0, result.stderr[-3000:]
    for stream, old in before.items():
        now = {r["id"]: r["updated_time"] for r in sandbox.control.truth("zuora", stream)}
        changed = {key for key, value in now.items() if old.get(key) != value}
        emitted = {r["id"] for r in records.get(stream, []) if r.get("_sdc_deleted_at") is None}
        assert emitted == changed, stream


def test_token_is_renewed_before_expiry_and_after_an_early_401(sandbox, tmp_path):
    sandbox.control.configure("zuora", token_ttl_seconds=3, latency_ms=20)  # renewed every 1.5 s
    sandbox.control.inject("zuora", [{"kind": "expire_token", "count": 1, "path": "/v2/orders"}])
    # Pages one after another: the run must outlast the short TTL a few times.
    config = ZUORA.config(sandbox, page_size=10, max_concurrency=1)
    result, records, _ = ZUORA.read(tmp_path, config)
    assert result.returncode == 0, result.stderr[-3000:]
    tokens = sum(
        count for endpoint, count in sandbox.control.stats()["zuora"].items() if "oauth" in endpoint
    )
    assert tokens >= 3  # the first, one after the 401, one or more on the short TTL
    assert len(records["orders"]) == len(sandbox.control.truth("zuora", "orders"))


def test_pacing_keeps_a_run_under_the_rate_limit(sandboxes, tmp_path):
    sandbox = sandboxes(seed=2, scale=4)
    # 12 requests per 5-second window (time scaled down from a minute).
    sandbox.control.configure("zuora", rate_limit_per_minute=12, rate_window_seconds=5)
    result, records, _ = ZUORA.read(tmp_path, ZUORA.config(sandbox, page_size=20), timeout=400)
    assert result.returncode == 0, result.stderr[-3000:]
    stats = sandbox.control.stats()["zuora"]
    assert sum(stats.values()) > 12  # the run needed more than one window
    assert 429 not in sandbox.control.statuses("zuora") and "Backing off" not in result.stderr


class _StubZuora(BaseHTTPRequestHandler):
    """A server misbehaving in ways the sandbox never does."""

    def log_message(self, *args):
        pass

    def _send(self, status, body):
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self._send(200, {"access_token": "t", "token_type": "bearer", "expires_in": 3599})

    def do_GET(self):
        if self.path.startswith("/v2/accounts"):  # a cursor loop: A -> B -> A
            cursor = "B" if "cursor=A" in self.path else "A"
            self._send(
                200,
                {
                    "next_page": cursor,
                    "data": [{"id": cursor, "updated_time": "2024-01-01T00:00:00-08:00"}],
                },
            )
        else:
            self._send(
                400,
                {
                    "type": "bad_request",
                    "retryable": False,
                    "errors": [
                        {
                            "code": "invalid_parameter",
                            "parameter": "filter[]",
                            "message": "unknown field updated_time",
                        }
                    ],
                },
            )


@pytest.fixture
def stub_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StubZuora)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def error_reading_one_stream(api_url, tmp_path, stream):
    catalog = catalog_selecting(str(BIN / ZUORA.name), {stream})
    (tmp_path / "catalog.json").write_text(json.dumps(catalog))
    config = {"api_url": api_url, "client_id": "x", "client_secret": "y"}
    result = ZUORA.run_tap(
        tmp_path, config, "--catalog", str(tmp_path / "catalog.json"), timeout=60
    )
    return ZUORA.error_line(result.returncode, result.stderr)


def test_a_repeating_cursor_is_an_error_not_a_loop(stub_url, tmp_path):
    assert "already returned" in error_reading_one_stream(stub_url, tmp_path, "accounts")


def test_a_4xx_fails_the_run_naming_the_endpoint_and_zuoras_text(stub_url, tmp_path):
    line = error_reading_one_stream(stub_url, tmp_path, "invoices")
    assert "GET /v2/invoices" in line and "unknown field updated_time" in line
