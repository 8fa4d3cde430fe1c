"""The run-history page: one static HTML file (inline SVG, no scripts, nothing fetched) drawn from
the JSON run summaries in a directory, per night, tap and account (tenant): runs, rows, requests,
duration, failures, with a bar chart of the rows. The taps regenerate it after each run; by hand:

    python -m commerce_taps_common.reporting.run_history DIRECTORY
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from commerce_taps_common.files import write_atomically
from commerce_taps_common.records.tenant import DEFAULT_TENANT
from commerce_taps_common.reporting.run_summary import account_label

PAGE_NAME = "index.html"
#: The newest nights shown; older summaries stay on disk.
NIGHTS_SHOWN = 30
BAR_COLOUR = "#2f6fdf"
FAILED_COLOUR = "#d1342f"
FAILED_ROW = ' class="failed"'
BAR_HEIGHT, BAR_GAP, LABEL_WIDTH, CHART_WIDTH = 18, 6, 260, 760


@dataclass
class NightOfTap:
    night: str  # the UTC date the runs started on
    tap: str
    tenant: str  # the account (summaries written before accounts existed: the default one)
    runs: int = 0
    rows: int = 0
    requests: int = 0
    seconds: float = 0.0
    failures: int = 0


def read_summaries(directory: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """The summaries in `directory`, and the names of files that are not readable summaries."""
    summaries, unreadable = [], []
    for path in sorted(directory.glob("*.json")):
        try:
            summary = json.loads(path.read_text())
            dt.datetime.fromisoformat(summary["started_at"])
            summaries.append(summary)
        except (OSError, ValueError, KeyError, TypeError):
            unreadable.append(path.name)
    return summaries, unreadable


def nights(summaries: list[dict[str, Any]]) -> list[NightOfTap]:
    """Per night, tap and tenant, newest night first, the newest `NIGHTS_SHOWN` nights."""
    grouped: dict[tuple[str, str, str], NightOfTap] = {}
    for summary in summaries:
        day = dt.datetime.fromisoformat(summary["started_at"]).astimezone(dt.UTC).date()
        key = (day.isoformat(), summary["tap"], summary.get("tenant", DEFAULT_TENANT))
        entry = grouped.setdefault(key, NightOfTap(*key))
        entry.runs += 1
        entry.rows += summary["total"]["rows"]
        entry.requests += summary["total"]["requests"]
        entry.seconds += summary["duration_seconds"]
        entry.failures += summary["status"] == "failed"
    shown = sorted({night for night, *_ in grouped}, reverse=True)[:NIGHTS_SHOWN]
    by_night: dict[str, list[NightOfTap]] = defaultdict(list)
    for (night, *_), entry in sorted(grouped.items()):
        by_night[night].append(entry)
    return [entry for night in shown for entry in by_night[night]]


def chart(entries: list[NightOfTap]) -> str:
    """Horizontal bars of rows loaded, one per night and tap; red where a run failed."""
    most = max((entry.rows for entry in entries), default=0) or 1
    bar_room = CHART_WIDTH - LABEL_WIDTH - 90
    height = len(entries) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{CHART_WIDTH}" height="{height}" '
        f'role="img" aria-label="rows loaded per night and tap">'
    ]
    for index, entry in enumerate(entries):
        top = BAR_GAP + index * (BAR_HEIGHT + BAR_GAP)
        width = max(round(bar_room * entry.rows / most), 2)
        colour = FAILED_COLOUR if entry.failures else BAR_COLOUR
        middle = top + BAR_HEIGHT - 5
        parts += [
            f'<text x="0" y="{middle}">{escape(entry.night)} '
            f"{escape(account_label(entry.tap, entry.tenant))}</text>",
            f'<rect class="bar" x="{LABEL_WIDTH}" y="{top}" width="{width}" '
            f'height="{BAR_HEIGHT}" fill="{colour}"/>',
            f'<text x="{LABEL_WIDTH + width + 6}" y="{middle}">{entry.rows:,}</text>',
        ]
    parts.append("</svg>")
    return "\n".join(parts)


def render(summaries: list[dict[str, Any]], unreadable: list[str]) -> str:
    entries = nights(summaries)
    rows = "\n".join(
        f"<tr{FAILED_ROW if entry.failures else ''}><td>{escape(entry.night)}</td>"
        f"<td>{escape(entry.tap)}</td><td>{escape(entry.tenant)}</td><td>{entry.runs}</td>"
        f"<td>{entry.rows:,}</td>"
        f"<td>{entry.requests:,}</td><td>{entry.seconds:,.1f}</td><td>{entry.failures}</td></tr>"
        for entry in entries
    )
    errors = "".join(
        f"<li>{escape(summary['started_at'])} "
        f"{escape(account_label(summary['tap'], summary.get('tenant', DEFAULT_TENANT)))}: "
        f"{escape(str(summary.get('error')))}</li>"
        for summary in sorted(summaries, key=lambda s: s["started_at"], reverse=True)
        if summary["status"] == "failed"
    )
    notes = (
        f"<p>Not readable as run summaries: {escape(', '.join(unreadable))}</p>"
        if unreadable
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>commerce-taps run history</title>
<style>
body {{ font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }}
table {{ border-collapse: collapse; margin: 16px 0; }}
th, td {{ padding: 3px 10px; border-bottom: 1px solid #ddd; text-align: left; }}
th:nth-child(n+4), td:nth-child(n+4) {{ text-align: right; font-variant-numeric: tabular-nums; }}
tr.failed td {{ font-weight: bold; }}
svg text {{ font: 12px system-ui, sans-serif; fill: #222; }}
</style>
</head>
<body>
<h1>commerce-taps run history</h1>
<p>Runs: {len(summaries)}; per night (UTC), tap and tenant, the newest {NIGHTS_SHOWN} nights.
Bars: rows loaded per night, tap and tenant, red where a run failed (bold rows below).</p>
{chart(entries)}
<table id="history">
<thead><tr><th>night</th><th>tap</th><th>tenant</th><th>runs</th><th>rows</th><th>requests</th>
<th>seconds</th><th>failures</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
{f"<h2>Failures</h2><ul>{errors}</ul>" if errors else ""}
{notes}
</body>
</html>
"""


def write_page(directory: Path) -> Path:
    """Regenerates `directory/index.html` from the summaries in `directory`."""
    page = directory / PAGE_NAME
    write_atomically(page, render(*read_summaries(directory)))
    return page


def main() -> None:
    parser = argparse.ArgumentParser(description="Regenerate the run-history page.")
    parser.add_argument("directory", type=Path, help="the taps' run_summary_dir")
    print(write_page(parser.parse_args().directory))


if __name__ == "__main__":
    main()
