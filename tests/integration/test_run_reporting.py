"""Runs you can follow, end to end: the summary a tap logs and writes at the end of a run (counted
against what the sandbox served), the SDK's repeated lines said once, and the run-history page
rendered by headless Chromium (the progress cadence and the summary's accounting are unit tests in
tests/unit/test_run_reporting_units.py)."""

from __future__ import annotations

import json
import shutil
import struct
import zlib
from pathlib import Path

import pytest

from commerce_harness.browser import chromium
from commerce_harness.taps import ZOOM, ZUORA
from commerce_taps_common.reporting.run_history import BAR_COLOUR, FAILED_COLOUR, write_page


def log_lines(stderr: str, text: str) -> list[str]:
    return [line for line in stderr.splitlines() if text in line]


@pytest.fixture(scope="module")
def zuora_runs(module_sandboxes, tmp_path_factory):
    """A Zuora run with a 503 and a 429 on the way, and one against a closed port, both
    summarised in the same directory."""
    sandbox = module_sandboxes(seed=5, scale=10)
    work = tmp_path_factory.mktemp("zuora-runs")
    runs = work / "runs"
    (work / "good").mkdir()
    (work / "failed").mkdir()
    sandbox.control.inject(
        "zuora",
        [
            {"kind": "503", "path": "/v2/invoices"},
            {"kind": "429", "path": "/v2/invoices", "seconds": 1},
        ],
    )
    served_before = ZUORA.requests_served(sandbox)
    good = ZUORA.read(work / "good", ZUORA.config(sandbox, run_summary_dir=str(runs)))
    served = {
        endpoint: count - served_before.get(endpoint, 0)
        for endpoint, count in ZUORA.requests_served(sandbox).items()
    }
    failed = ZUORA.run_tap(
        work / "failed",
        ZUORA.config(sandbox, api_url="http://127.0.0.1:9/zuora", run_summary_dir=str(runs)),
    )
    return good, served, failed, runs


def summaries(runs: Path) -> list[dict]:
    return [json.loads(path.read_text()) for path in sorted(runs.glob("*.json"))]


def succeeded(runs: Path) -> list[dict]:
    return [summary for summary in summaries(runs) if summary["status"] == "succeeded"]


def test_the_summary_matches_what_the_tap_sent_and_the_sandbox_served(zuora_runs):
    good, served, _, runs = zuora_runs
    assert good.result.returncode == 0, good.result.stderr[-2000:]
    (summary,) = succeeded(runs)
    assert {stream: tally["rows"] for stream, tally in summary["streams"].items()} == {
        stream: len(rows) for stream, rows in good.records.items()
    }
    api_requests = sum(count for endpoint, count in served.items() if "oauth" not in endpoint)
    assert summary["total"]["requests"] == api_requests
    total = summary["total"]
    assert total["retries_by_cause"] == {"HTTP 429": 1, "HTTP 503": 1}
    assert total["http_429"] == 1 and total["limit_wait_seconds"] >= 1
    assert total["requests"] == total["pages"] + 2  # each failed attempt, sent again
    # The same table in the log, one line per stream and a total.
    table = log_lines(good.result.stderr, "| summary ")
    assert "tap-zuora-quickstart: succeeded in" in table[0]
    assert [line.split("| summary ")[1].split()[0] for line in table[2:]] == [
        *sorted(good.records),
        "total",
    ]


def test_the_log_says_things_once(zuora_runs):
    good, *_ = zuora_runs
    stderr = good.result.stderr
    assert not log_lines(stderr, "METRIC")
    assert len(log_lines(stderr, "Stream is assumed to be unsorted")) == 1
    assert len(log_lines(stderr, "Beginning sync of")) == len(good.records)


def test_the_loader_logs_no_metric_lines_either(module_sandboxes, tmp_path):
    sandbox = module_sandboxes(seed=5, scale=10)
    run = ZUORA.run_pipeline(tmp_path / "run", ZUORA.config(sandbox), tmp_path).check()
    assert "METRIC" not in run.tap_log + run.target_log


def test_a_child_stream_sends_its_schema_and_says_it_began_once(module_sandboxes, tmp_path):
    sandbox = module_sandboxes(seed=5, scale=10)
    result = ZOOM.run_tap(tmp_path, ZOOM.config(sandbox))
    assert result.returncode == 0, result.stderr[-2000:]
    messages = [json.loads(line) for line in result.stdout.splitlines()]
    invoices = [message for message in messages if message.get("stream") == "invoices"]
    assert sum(message["type"] == "RECORD" for message in invoices) > 1  # several contexts
    assert sum(message["type"] == "SCHEMA" for message in invoices) == 1
    assert len(log_lines(result.stderr, "Beginning sync of 'invoices'")) == 1


def test_a_run_the_daily_limit_stops_is_stopped_not_failed(sandboxes, tmp_path):
    sandbox = sandboxes(seed=6, scale=2)
    sandbox.control.configure("zoom", daily_limit=20)
    runs = tmp_path / "runs"
    result = ZOOM.run_tap(tmp_path, ZOOM.config(sandbox, run_summary_dir=str(runs)))
    assert result.returncode == 0, result.stderr[-2000:]
    (summary,) = summaries(runs)
    assert summary["status"] == "stopped" and "DailyLimitReached" in summary["error"]
    assert "<td>0</td></tr>" in write_page(runs).read_text()  # no failure that night


def png_pixels(path: Path) -> set[tuple[int, int, int]]:
    """The distinct RGB colours of an 8-bit RGB or RGBA, non-interlaced PNG (as Chromium writes
    its screenshots)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = {}, 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        chunks.setdefault(kind, []).append(data[offset + 8 : offset + 8 + length])
        offset += 12 + length
    width, height, depth, colour_type, _, _, interlace = struct.unpack(
        ">IIBBBBB", chunks[b"IHDR"][0]
    )
    assert depth == 8 and colour_type in (2, 6) and interlace == 0
    channels = 3 if colour_type == 2 else 4
    raw = zlib.decompress(b"".join(chunks[b"IDAT"]))
    stride = width * channels
    previous = bytearray(stride)
    colours = set()
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                estimate = left + up - corner
                pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - corner)
                nearest = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + nearest) & 0xFF
        colours.update((line[i], line[i + 1], line[i + 2]) for i in range(0, stride, channels))
        previous = line
    return colours


def rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def screenshot_colours(tmp_path: Path, page: Path) -> set[tuple[int, int, int]]:
    shot = tmp_path / f"{page.parent.name}.png"
    result = chromium(tmp_path, f"--screenshot={shot}", page.as_uri())
    assert result.returncode == 0 and shot.exists(), result.stderr[-2000:]
    return png_pixels(shot)


def test_the_history_page_renders_chart_and_numbers_in_chromium(zuora_runs, tmp_path):
    good, _, failed, runs = zuora_runs
    assert failed.returncode == 2
    (failure,) = [summary for summary in summaries(runs) if summary["status"] == "failed"]
    assert "cannot connect" in failure["error"]
    (success,) = succeeded(runs)
    rows = success["total"]["rows"]
    assert rows == sum(len(records) for records in good.records.values())

    page = write_page(runs)
    dom = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    cells = dom.stdout.split('<table id="history">')[1]
    night, requests = success["started_at"][:10], success["total"]["requests"]
    # Both runs of the night: rows and requests of the one that loaded, one failure.
    assert (
        f"<td>{night}</td><td>tap-zuora-quickstart</td><td>default</td><td>2</td><td>{rows:,}</td>"
        f"<td>{requests:,}</td>"
    ) in cells
    assert cells.split("</tr>")[1].endswith("<td>1</td>")
    assert dom.stdout.count('class="bar"') == 1
    colours = screenshot_colours(tmp_path, page)
    # The colours are the bars' alone (no text has them).
    assert rgb(FAILED_COLOUR) in colours and rgb(BAR_COLOUR) not in colours  # a run failed

    # The same night without the failed run: the bar in the colour of success.
    good_only = tmp_path / "good-only"
    good_only.mkdir()
    for path in runs.glob("*.json"):
        if json.loads(path.read_text())["status"] == "succeeded":
            shutil.copy(path, good_only)
    colours = screenshot_colours(tmp_path, write_page(good_only))
    assert rgb(BAR_COLOUR) in colours and rgb(FAILED_COLOUR) not in colours
