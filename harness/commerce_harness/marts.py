"""Headline rows from the analysts' marts (transform/), printed by the demo after the incremental
run: each vendor's as-of day and last complete load, billed and open per vendor and currency, MRR
in each vendor's as-of month, Zoho commissions not reconciled; each row says its as-of day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb

HEADLINES = {
    "as of, per vendor (the day of its last complete load)": """
        SELECT vendor, as_of, last_complete_load_at, stalest_table
        FROM marts.vendor_freshness ORDER BY vendor""",
    "billed and open, per vendor and currency (no conversion)": """
        SELECT vendor, as_of, currency,
               sum(total_amount) FILTER (WHERE status NOT IN ('draft', 'cancelled', 'failed'))
                   AS billed,
               sum(open_balance_amount) AS open,
               sum(unpriced_line_count) AS unpriced_adobe_lines
        FROM marts.invoices GROUP BY ALL ORDER BY vendor, currency""",
    "MRR in the as-of month, per vendor and currency": """
        SELECT vendor, as_of, currency, sum(mrr) AS mrr,
               sum(movement_amount) FILTER (WHERE movement = 'new') AS new,
               sum(movement_amount) FILTER (WHERE movement = 'reactivation') AS reactivation,
               sum(movement_amount) FILTER (WHERE movement = 'expansion') AS expansion,
               -sum(movement_amount) FILTER (WHERE movement = 'contraction') AS contraction,
               -sum(movement_amount) FILTER (WHERE movement = 'churn') AS churn
        FROM marts.mrr_movements
        WHERE month = date_trunc('month', as_of)
        GROUP BY ALL ORDER BY vendor, currency""",
    "Zoho commissions not reconciled": """
        SELECT as_of, reconciliation_status, count(*) AS rows,
               sum(transaction_amount_usd) AS transactions_usd,
               sum(commission_amount) AS commissions_usd
        FROM marts.zoho_commission_reconciliation
        WHERE reconciliation_status NOT IN ('matched', 'no_commission_expected')
        GROUP BY ALL ORDER BY reconciliation_status""",
}


def print_headlines(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        for title, query in HEADLINES.items():
            relation = connection.sql(query)
            rows = relation.fetchall()
            print(f"\n== marts: {title}")
            print("   " + "  ".join(f"{name:>16}" for name in relation.columns))
            for row in rows or [("(none)",)]:
                print("   " + "  ".join(f"{_text(value):>16}" for value in row))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return f"{value:.2f}" if isinstance(value, Decimal) else str(value)
