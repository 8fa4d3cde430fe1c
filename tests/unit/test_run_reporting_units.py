"""In-process checks of what makes runs followable and errors actionable: the progress cadence,
the summary's accounting (per account), the retry causes, the file checks before the SDK reads a
file, which setting a failing URL came from, and which connection errors count as "nothing
answers"."""

from __future__ import annotations

import json
import logging

import pytest
import requests
from singer_sdk.exceptions import RetriableAPIError

from commerce_taps_common.config.cli import file_problems
from commerce_taps_common.config.errors import env_var
from commerce_taps_common.http.unreachable import setting_for_url, unreachable_reason
from commerce_taps_common.reporting.progress import ProgressLog
from commerce_taps_common.reporting.run_history import write_page
from commerce_taps_common.reporting.run_hooks import retry_cause
from commerce_taps_common.reporting.run_summary import RunSummary


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_progress_lines_come_at_most_every_interval_per_stream(caplog):
    clock = FakeClock()
    summary = RunSummary("tap-test", clock=clock)
    progress = ProgressLog(summary, logging.getLogger("tap-test"), interval=15, clock=clock)
    caplog.set_level(logging.INFO, logger="tap-test")
    for moment, stream in [(0, "a"), (5, "b"), (14.9, "a"), (15, "a"), (16, "a"), (20, "b")]:
        clock.now = moment
        summary.request(stream, waited_seconds=0.5)
        summary.count(stream, rows=10, pages=1)
        progress.tick(stream)
    assert [record.getMessage() for record in caplog.records] == [
        "progress a: 30 rows, 3 pages, 3 requests, 0 retries, 1.5 s waiting for limits",
        "progress b: 20 rows, 2 pages, 2 requests, 0 retries, 1.0 s waiting for limits",
    ]


def test_summary_counts_retries_by_cause_and_429_waits_as_limit_waits():
    summary = RunSummary("tap-test")
    summary.request("invoices", waited_seconds=0.25)
    summary.retry("invoices", "HTTP 429", 3.0)
    summary.retry("invoices", "HTTP 503", 1.5)
    summary.retry("invoices", "HTTP 503", 2.0)
    summary.count("invoices", rows=7, pages=2)
    summary.finish(None)
    assert summary.as_json()["streams"]["invoices"] == {
        "rows": 7,
        "pages": 2,
        "requests": 1,
        "retries": 3,
        "retries_by_cause": {"HTTP 429": 1, "HTTP 503": 2},
        "http_429": 1,
        "limit_wait_seconds": 3.25,
        "backoff_seconds": 3.5,
    }
    table = summary.table()
    assert table[0].startswith("tap-test: succeeded in ")
    assert table[2].split()[:7] == ["invoices", "7", "2", "1", "3", "1", "3.2"]
    assert table[2].endswith("HTTP 429: 1, HTTP 503: 2")


def response(status: int) -> requests.Response:
    answer = requests.Response()
    answer.status_code = status
    return answer


@pytest.mark.parametrize(
    ("error", "cause"),
    [
        (RetriableAPIError("slow down", response(429)), "HTTP 429"),
        (RetriableAPIError("down", response(503)), "HTTP 503"),
        (RetriableAPIError("cut short", response(200)), "invalid body"),
        (requests.exceptions.ReadTimeout(), "ReadTimeout"),
        (requests.exceptions.ChunkedEncodingError(), "ChunkedEncodingError"),
    ],
)
def test_retry_causes(error, cause):
    assert retry_cause(error) == cause


def connect_error(url: str) -> requests.ConnectionError:
    try:
        requests.get(url, timeout=5)
    except requests.ConnectionError as error:
        return error
    raise AssertionError(f"{url} answered")


def test_refused_and_unresolved_hosts_are_unreachable_timeouts_are_not():
    assert unreachable_reason(connect_error("http://127.0.0.1:9/")) == "connection refused"
    unknown = connect_error("http://commerce-sandbox.invalid/")
    assert unreachable_reason(unknown) == "host name not found"
    assert unreachable_reason(requests.exceptions.ConnectTimeout()) is None
    assert unreachable_reason(requests.exceptions.ReadTimeout()) is None
    assert unreachable_reason(RetriableAPIError("down", response(503))) is None


def test_the_setting_a_url_came_from_is_its_longest_prefix():
    config = {
        "api_url": "http://127.0.0.1:8765/zoom/v2",
        "oauth_url": "http://127.0.0.1:8765/zoom/oauth/token",
        "client_id": "http://127.0.0.1:8765",  # not a setting that holds the URL's root
        "page_size": 30,
    }
    assert setting_for_url(config, "http://127.0.0.1:8765/zoom/oauth/token") == "oauth_url"
    assert setting_for_url(config, "http://127.0.0.1:8765/zoom/v2/commerce/accounts") == "api_url"
    assert setting_for_url({"data_center": "eu"}, "https://store.zoho.eu/x") == "data_center"
    assert env_var("tap-zoom-commerce", "oauth_url") == "TAP_ZOOM_COMMERCE_OAUTH_URL"


def test_file_options_are_checked_before_the_sdk_reads_them(tmp_path):
    good, bad, listed = tmp_path / "good.json", tmp_path / "bad.json", tmp_path / "list.json"
    good.write_text(json.dumps({"client_id": "x"}))
    bad.write_text('{"a": 1,\n "b": }')
    listed.write_text("[1]")
    missing = tmp_path / "missing.json"
    assert file_problems(["--config", str(good), f"--state={good}", "--config", "ENV"]) == []
    assert file_problems(["--config", str(bad)]) == [
        f"--config {bad}: not valid JSON at line 2 column 7"
    ]
    assert file_problems([f"--catalog={missing}", "--properties", str(listed)]) == [
        f"--catalog {missing}: no such file",
        f"--properties {listed}: holds a list, not an object",
    ]
    assert file_problems(["--state", str(tmp_path)]) == [
        f"--state {tmp_path}: is a directory, not a JSON file"
    ]
    assert file_problems(["--about", "--format", "json"]) == []


def test_each_account_has_its_summary_file_and_its_row_on_the_history_page(tmp_path):
    """Two accounts of one tap the same night: a summary file each (the default account's named
    as before), and a row each on the history page, the failed one apart."""
    for tenant, error in (("default", None), ("emea", RuntimeError("refused"))):
        summary = RunSummary("tap-test", tenant)
        summary.count("orders", rows=3 if error is None else 0)
        summary.finish(error)
        summary.write(tmp_path)
        assert summary.table()[0].startswith(
            "tap-test: " if tenant == "default" else "tap-test (tenant emea): "
        )
    names = sorted(path.name.split("-", 1)[1] for path in tmp_path.glob("*.json"))
    assert names == ["tap-test-emea.json", "tap-test.json"]
    page = write_page(tmp_path).read_text()
    rows = page.split("<tbody>")[1].split("</tbody>")[0].strip().splitlines()
    assert len(rows) == 2
    assert "<td>tap-test</td><td>default</td><td>1</td><td>3</td>" in rows[0]
    assert rows[1].startswith('<tr class="failed">')
    assert "<td>tap-test</td><td>emea</td><td>1</td><td>0</td>" in rows[1]
    assert "tap-test (tenant emea): RuntimeError: refused" in page
