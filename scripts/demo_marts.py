"""Headline rows from the analysts' marts (transform/), printed by the demo after the incremental
run: billed and open per vendor and currency, MRR this month, Zoho commissions not reconciled."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb

HEADLINES = {
    "billed and open, per vendor and currency (no conversion)": """
        SELECT vendor, currency,
               sum(total_amount) FILTER (WHERE status NOT IN ('draft', 'cancelled', 'failed'))
                   AS billed,
               sum(open_balance_amount) AS open,
               sum(unpriced_line_count) AS unpriced_adobe_lines
        FROM marts.invoices GROUP BY ALL ORDER BY vendor, currency""",
    "MRR this month, per vendor and currency": """
        SELECT vendor, currency, sum(mrr) AS mrr, sum(new_mrr) AS new,
               sum(expansion_mrr) AS expansion, sum(contraction_mrr) AS contraction,
               sum(churned_mrr) AS churned
        FROM marts.monthly_recurring_revenue
        WHERE revenue_month = (SELECT max(revenue_month) FROM marts.monthly_recurring_revenue)
        GROUP BY ALL ORDER BY vendor, currency""",
    "Zoho commissions not reconciled": """
        SELECT reconciliation_status, count(*) AS rows,
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
    return f"{value:.2f}" if isinstance(value, Decimal) else str(value)
