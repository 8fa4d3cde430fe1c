"""The analysts' report: one static HTML file drawn from the marts of a warehouse (transform/): the
MRR bridge month by month, ARR per vendor over time, receivables by aging bucket, and the
renewals of the next 90 days with their price change; each chart with its table. The charts are
SVG drawn here, in Python: the page has no script and fetches nothing, so it works offline.

    .venv/bin/python scripts/marts_report.py                       # the demo's warehouse
    .venv/bin/python scripts/marts_report.py --warehouse warehouse/commerce.duckdb --output r.html
    .venv/bin/python scripts/marts_report.py --postgres            # COMMERCE_POSTGRES_* settings

Amounts stay in their own currency (one chart per currency), as in the marts.
"""

from __future__ import annotations

import argparse
import html
import os
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
Query = Callable[[str], list[tuple]]
BRIDGE_MONTHS = 12
ARR_MONTHS = 24
RENEWAL_DAYS = 90
MOVEMENTS = ("new", "expansion", "reactivation", "contraction", "churn")
COLOURS = {
    "new": "#2e7d32",
    "expansion": "#66bb6a",
    "reactivation": "#26a69a",
    "contraction": "#ef9a9a",
    "churn": "#c62828",
    "ending": "#90a4ae",
}
VENDOR_COLOURS = {"zuora": "#1565c0", "zoom": "#6a1b9a", "adobe": "#d84315", "zoho": "#f9a825"}
BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")
BUCKET_COLOURS = dict(
    zip(BUCKETS, ("#90a4ae", "#ffcc80", "#ffa726", "#ef6c00", "#b71c1c"), strict=True)
)
WIDTH, HEIGHT, PAD = 860, 240, 48


def bridge_rows(query: Query) -> list[tuple]:
    """(currency, month, starting, new, expansion, reactivation, contraction, churn, ending) of
    the last BRIDGE_MONTHS months of each currency, every vendor added up."""
    rows = query(
        "SELECT currency, month, sum(starting_mrr), sum(new_mrr), sum(expansion_mrr),"
        " sum(reactivation_mrr), sum(contraction_mrr), sum(churn_mrr), sum(ending_mrr)"
        " FROM marts.revenue_retention GROUP BY currency, month ORDER BY currency, month"
    )
    return last_months(rows, BRIDGE_MONTHS)


def arr_rows(query: Query) -> list[tuple]:
    """(currency, month, vendor, ARR) of the last ARR_MONTHS months of each currency."""
    rows = query(
        "SELECT currency, month, vendor, sum(arr) FROM marts.revenue_retention"
        " GROUP BY currency, month, vendor ORDER BY currency, month, vendor"
    )
    return last_months(rows, ARR_MONTHS)


def aging_rows(query: Query) -> list[tuple]:
    """(vendor, currency, bucket, documents, open balance)."""
    rows = query(
        "SELECT vendor, currency, bucket, count(*), sum(open_balance)"
        " FROM marts.receivables_aging GROUP BY vendor, currency, bucket"
    )
    return sorted(rows, key=lambda row: (row[0], row[1], BUCKETS.index(row[2])))


def renewal_rows(query: Query) -> list[tuple]:
    """The renewals of the next RENEWAL_DAYS days: (renewal date, vendor, customer, product,
    currency, MRR, ARR, unit price now, unit price at renewal, change, change %)."""
    return query(
        "SELECT renewal_date, vendor, customer_name, product_name, currency, mrr, arr,"
        " unit_partner_price, renewal_unit_partner_price, unit_price_change,"
        " price_change_percent FROM marts.renewals"
        f" WHERE days_until_renewal <= {RENEWAL_DAYS}"
        " ORDER BY renewal_date, vendor, subscription_id"
    )


def last_months(rows: list[tuple], months: int) -> list[tuple]:
    """The rows (month second) of the last `months` months of any currency."""
    recent = sorted({row[1] for row in rows})[-months:]
    return [row for row in rows if row[1] in recent]


# ---- drawing --------------------------------------------------------------------------------
def amount(value: object) -> str:
    return "" if value is None else f"{Decimal(str(value)):,.2f}"


def cell(value: object) -> str:
    """A table cell; numbers right-aligned with their exact value in data-value (the report's
    test reads it)."""
    if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
        shown = f"{value:,}" if isinstance(value, int) else amount(value)
        exact = str(value) if isinstance(value, int) else str(Decimal(str(value)))
        return f'<td class="num" data-value="{exact}">{shown}</td>'
    if value is None:
        return '<td class="num" data-value=""></td>'
    return f"<td>{html.escape(str(value))}</td>"


def table(table_id: str, header: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    head = "".join(f"<th>{html.escape(name)}</th>" for name in header)
    body = "".join("<tr>" + "".join(cell(value) for value in row) + "</tr>" for row in rows)
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def svg(content: str, height: int = HEIGHT) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}"'
        f' viewBox="0 0 {WIDTH} {height}" role="img">{content}</svg>'
    )


def rect(x: float, y: float, width: float, height: float, colour: str, title: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0.5):.1f}"'
        f' height="{max(height, 0.5):.1f}" fill="{colour}"><title>{html.escape(title)}</title>'
        "</rect>"
    )


def text(x: float, y: float, words: str, anchor: str = "middle", size: int = 10) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}">'
        f"{html.escape(words)}</text>"
    )


def axis(top: float, labels: list[str], slot: float) -> str:
    lines = f'<line x1="{PAD}" y1="{top}" x2="{WIDTH - 10}" y2="{top}" stroke="#607d8b"/>'
    return lines + "".join(
        text(PAD + slot * (index + 0.5), top + 14, label) for index, label in enumerate(labels)
    )


def legend(entries: Iterable[tuple[str, str]], y: float) -> str:
    parts, x = [], PAD
    for name, colour in entries:
        parts.append(rect(x, y - 9, 10, 10, colour, name) + text(x + 14, y, name, "start"))
        x += 24 + 7 * len(name)
    return "".join(parts)


def per_currency(
    rows: list[tuple], chart: Callable[[list[tuple]], str], name: str, header: tuple[str, ...]
) -> list[str]:
    """A chart and its table per currency (each row's first value), the month (its second)
    written as YYYY-MM."""
    sections = []
    for currency in sorted({row[0] for row in rows}):
        own = [row for row in rows if row[0] == currency]
        sections.append(f"<h3>{currency}</h3>{chart(own)}")
        sections.append(
            table(f"{name}-{currency}", header, ((f"{row[1]:%Y-%m}", *row[2:]) for row in own))
        )
    return sections


def bridge_chart(rows: list[tuple]) -> str:
    """A waterfall per month: from the month's starting MRR, the gains stacked up, then the
    losses down to the ending MRR (grey)."""
    top = max((max(row[2], row[8]) + row[3] + row[4] + row[5] for row in rows), default=1) or 1
    plot = HEIGHT - 50
    scale = plot / float(top)
    slot = (WIDTH - PAD - 10) / max(len(rows), 1)
    parts = []
    for index, (_, month, start, *moves, ending) in enumerate(rows):
        x = PAD + slot * index + slot * 0.15
        width = slot * 0.7 / 2
        parts.append(
            rect(
                x,
                10 + plot - float(ending) * scale,
                width,
                float(ending) * scale,
                COLOURS["ending"],
                f"{month:%Y-%m} ending {amount(ending)}",
            )
        )
        level = float(start)
        for name, value in zip(MOVEMENTS, moves, strict=True):
            value = float(value)
            if not value:
                continue
            if name in ("contraction", "churn"):
                low, high, level = level - value, level, level - value
            else:
                low, high, level = level, level + value, level + value
            parts.append(
                rect(
                    x + width,
                    10 + plot - high * scale,
                    width,
                    (high - low) * scale,
                    COLOURS[name],
                    f"{month:%Y-%m} {name} {amount(value)}",
                )
            )
    parts.append(axis(10 + plot, [f"{row[1]:%y-%m}" for row in rows], slot))
    parts.append(legend(((name, COLOURS[name]) for name in (*MOVEMENTS, "ending")), HEIGHT - 6))
    return svg("".join(parts))


def arr_chart(rows: list[tuple]) -> str:
    """ARR per vendor: one line each over the months."""
    months = sorted({row[1] for row in rows})
    top = float(max((row[3] for row in rows), default=1) or 1)
    plot = HEIGHT - 50
    slot = (WIDTH - PAD - 10) / max(len(months), 1)
    series: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for _, month, vendor, arr in rows:
        x = PAD + slot * (months.index(month) + 0.5)
        series[vendor].append((x, 10 + plot - float(arr) / top * plot))
    parts = [
        f'<polyline fill="none" stroke="{VENDOR_COLOURS.get(vendor, "#000")}" stroke-width="2"'
        f' points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in points)}"/>'
        for vendor, points in sorted(series.items())
    ]
    parts.append(text(PAD - 4, 14, amount(top), "end", 9))
    parts.append(axis(10 + plot, [f"{month:%y-%m}" for month in months], slot))
    parts.append(
        legend(((vendor, VENDOR_COLOURS[vendor]) for vendor in sorted(series)), HEIGHT - 6)
    )
    return svg("".join(parts))


def bars_chart(groups: list[tuple[str, list[tuple[str, Decimal, str]]]]) -> str:
    """Stacked horizontal bars: one per group (label, [(part, amount, colour)])."""
    height = 30 + 26 * len(groups)
    top = (
        max(
            (sum(float(part[1]) for part in parts if part[1] > 0) for _, parts in groups), default=1
        )
        or 1
    )
    parts_svg = []
    for index, (label, parts) in enumerate(groups):
        y, x = 10 + 26 * index, 150.0
        parts_svg.append(text(144, y + 13, label, "end"))
        for name, value, colour in parts:
            width = max(float(value), 0) / top * (WIDTH - 170)
            parts_svg.append(rect(x, y, width, 18, colour, f"{label} {name} {amount(value)}"))
            x += width
    return svg("".join(parts_svg), height)


# ---- the page ---------------------------------------------------------------------------------
STYLE = """
body { font: 13px/1.4 system-ui, sans-serif; margin: 24px; color: #263238; max-width: 900px; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; } h3 { font-size: 14px; }
table { border-collapse: collapse; margin: 8px 0 16px; }
th, td { border-bottom: 1px solid #cfd8dc; padding: 2px 8px; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
p.note { color: #546e7a; }
"""


def render(query: Query, title: str) -> str:
    bridge, arr, aging, renewals = (
        bridge_rows(query),
        arr_rows(query),
        aging_rows(query),
        renewal_rows(query),
    )
    sections = [f"<h1>{html.escape(title)}</h1>"]
    sections.append(
        '<p class="note">Amounts in their own currency (never converted). MRR is the recurring'
        " amount in force at each month's end (marts.mrr_movements); the last month is each"
        " vendor's as-of month, measured on its as-of day.</p>"
    )
    sections.append("<h2>MRR bridge, month by month</h2>")
    sections += per_currency(
        bridge, bridge_chart, "bridge", ("month", "starting", *MOVEMENTS, "ending")
    )
    sections.append("<h2>ARR per vendor</h2>")
    sections += per_currency(arr, arr_chart, "arr", ("month", "vendor", "ARR"))
    sections.append("<h2>Receivables by aging bucket</h2>")
    sections.append(
        '<p class="note">Open Zuora and Zoom documents (Adobe and Zoho give no balances), by days'
        " past due at the vendor's as-of day; unused credit memos count negative.</p>"
    )
    groups: dict[str, list] = defaultdict(list)
    for vendor, currency, bucket, _, balance in aging:
        groups[f"{vendor} {currency}"].append((bucket, balance, BUCKET_COLOURS[bucket]))
    sections.append(bars_chart(sorted(groups.items())))
    buckets = legend(((bucket, BUCKET_COLOURS[bucket]) for bucket in BUCKETS), 12)
    sections.append(f'<svg width="{WIDTH}" height="18">{buckets}</svg>')
    sections.append(
        table("aging", ("vendor", "currency", "bucket", "documents", "open balance"), aging)
    )
    sections.append(f"<h2>Renewals in the next {RENEWAL_DAYS} days</h2>")
    sections.append(
        '<p class="note">ARR renewing per vendor and currency; Adobe with its partner price per'
        " licence and year now and in the price list in force in the renewal month.</p>"
    )
    renewing: dict[tuple, Decimal] = defaultdict(Decimal)
    for row in renewals:
        renewing[(row[1], row[4])] += row[6]
    sections.append(
        bars_chart(
            [
                (f"{vendor} {currency}", [("ARR", total, VENDOR_COLOURS.get(vendor, "#000"))])
                for (vendor, currency), total in sorted(renewing.items())
            ]
        )
    )
    sections.append(
        table(
            "renewals",
            (
                "renewal",
                "vendor",
                "customer",
                "product",
                "currency",
                "MRR",
                "ARR",
                "unit price now",
                "unit price at renewal",
                "change",
                "change %",
            ),
            ((row[0].isoformat(), *row[1:]) for row in renewals),
        )
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
        + "".join(sections)
        + "</body></html>"
    )


def duckdb_query(path: Path) -> Query:
    import duckdb

    def query(sql: str) -> list[tuple]:
        with duckdb.connect(str(path), read_only=True) as connection:
            return connection.execute(sql).fetchall()

    return query


def postgres_query() -> Query:
    import psycopg

    settings = {
        "host": os.environ.get("COMMERCE_POSTGRES_HOST", "127.0.0.1"),
        "port": os.environ.get("COMMERCE_POSTGRES_PORT", "5432"),
        "user": os.environ.get("COMMERCE_POSTGRES_USER", "postgres"),
        "password": os.environ.get("COMMERCE_POSTGRES_PASSWORD", ""),
        "dbname": os.environ.get("COMMERCE_POSTGRES_DATABASE", "warehouse"),
    }

    def query(sql: str) -> list[tuple]:
        with psycopg.connect(**settings) as connection:
            return connection.execute(sql).fetchall()

    return query


def write_report(query: Query, output: Path) -> Path:
    output.parent.mkdir(parents=True, exist_ok=True)
    ((as_of,),) = query("SELECT max(as_of) FROM marts.vendor_freshness")
    title = f"Recurring revenue, receivables and renewals, as of {as_of:%Y-%m-%d}"
    output.write_text(render(query, title))
    return output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=Path(os.environ.get("COMMERCE_WAREHOUSE", ROOT / "output/demo/warehouse.duckdb")),
        help="the DuckDB warehouse (default COMMERCE_WAREHOUSE, else the demo's)",
    )
    parser.add_argument(
        "--postgres", action="store_true", help="read the PostgreSQL warehouse instead"
    )
    parser.add_argument("--output", type=Path, help="the HTML file (default: beside the warehouse)")
    arguments = parser.parse_args()
    if arguments.postgres:
        query, output = postgres_query(), arguments.output or Path("report.html")
    else:
        if not arguments.warehouse.exists():
            sys.exit(
                f"marts_report: no warehouse at {arguments.warehouse}: set --warehouse (or"
                " COMMERCE_WAREHOUSE) to a DuckDB file the nightly job built"
            )
        query = duckdb_query(arguments.warehouse)
        output = arguments.output or arguments.warehouse.with_name("report.html")
    print(f"marts_report: {write_report(query, output)}")


if __name__ == "__main__":
    main()
