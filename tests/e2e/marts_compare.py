"""The analysts' marts (mrr_movements, revenue_retention, receivables_aging, renewals) against the
sandbox's truth (marts_truth), to the cent, on any warehouse: the queries are plain SQL that
DuckDB and PostgreSQL both run, through the `query` the caller gives."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

import marts_truth

from commerce_sandbox import SandboxControl

Query = Callable[[str], list[tuple]]


def cent(value: object) -> object:
    return value.quantize(marts_truth.CENT) if isinstance(value, Decimal) else value


def month_text(day: dt.date) -> str:
    return day.strftime("%Y-%m")


def assert_mrr_movements_equal_truth(query: Query, control: SandboxControl, as_of: str) -> dict:
    """MRR and its movement per vendor x customer x currency x month for Zuora, Zoom and Zoho;
    every movement appears for Zuora and Zoom. Returns the truth's movements."""
    marts = {
        (vendor, customer, currency, month_text(month)): tuple(map(cent, values))
        for vendor, customer, currency, month, *values in query(
            "SELECT vendor, customer_key, currency, month, mrr, previous_mrr, movement,"
            " movement_amount FROM marts.mrr_movements WHERE vendor != 'adobe'"
        )
    }
    spans = marts_truth.recurring_spans(control)
    movements = marts_truth.mrr_movements(marts_truth.monthly_mrr(spans, as_of))
    truth = {key: tuple(map(cent, values)) for key, values in movements.items()}
    assert {key[0] for key in truth} == {"zuora", "zoom", "zoho"}
    assert marts == truth
    seen = Counter((key[0], values[2]) for key, values in truth.items())
    for vendor in ("zuora", "zoom"):
        assert {movement for (named, movement) in seen if named == vendor} == set(
            marts_truth.MOVEMENTS
        ), seen
    return movements


RETENTION_COLUMNS = (
    "starting_mrr",
    "new_mrr",
    "expansion_mrr",
    "reactivation_mrr",
    "contraction_mrr",
    "churn_mrr",
    "ending_mrr",
    "arr",
    "retention_base_mrr",
    "retained_mrr",
    "retained_mrr_capped",
)


def assert_retention_equals_truth(query: Query, movements: dict, as_of: str) -> None:
    """The as-of month's bridge, ARR and the retention cohort's amounts per Zuora, Zoom and Zoho
    currency to the cent; NRR and GRR the percentages of those amounts."""
    month = as_of[:7]
    rows = query(
        f"SELECT vendor, currency, {', '.join(RETENTION_COLUMNS)}, net_revenue_retention,"
        " gross_revenue_retention FROM marts.revenue_retention"
        f" WHERE vendor != 'adobe' AND month = DATE '{month}-01'"
    )
    truth = marts_truth.revenue_retention(movements, month)
    marts = {
        (vendor, currency): {
            name: cent(value or Decimal(0))
            for name, value in zip(RETENTION_COLUMNS, values, strict=False)
        }
        for vendor, currency, *values in rows
    }
    assert marts == {
        key: {name: cent(Decimal(bridge.get(name, 0))) for name in RETENTION_COLUMNS}
        for key, bridge in truth.items()
    }
    assert any(bridge.get("retention_base_mrr") for bridge in truth.values())
    for _, _, *values, nrr, grr in rows:
        base, retained, capped = values[-3:]
        if base:
            assert abs(Decimal(str(nrr)) - 100 * retained / base) <= Decimal("0.005")
            assert abs(Decimal(str(grr)) - 100 * capped / base) <= Decimal("0.005")
        else:
            assert nrr is None and grr is None


def assert_aging_equals_truth(query: Query, control: SandboxControl, as_of: str) -> None:
    marts = {
        (vendor, currency, bucket): cent(amount)
        for vendor, currency, bucket, amount in query(
            "SELECT vendor, currency, bucket, sum(open_balance) FROM marts.receivables_aging"
            " GROUP BY vendor, currency, bucket"
        )
    }
    truth = {
        key: cent(amount)
        for key, amount in marts_truth.receivables_aging(control, as_of).items()
        if amount
    }
    assert {key[0] for key in truth} == {"zuora", "zoom"}
    assert marts == truth


def assert_renewals_equal_truth(query: Query, control: SandboxControl, as_of: str) -> None:
    """The renewals in the next 90 days: which subscriptions, when, their MRR, and Adobe's
    partner price at renewal."""
    marts = {
        (vendor, subscription): (renewal, cent(mrr), cent(price))
        for vendor, subscription, renewal, mrr, price in query(
            "SELECT vendor, subscription_id, renewal_date, mrr, renewal_unit_partner_price"
            " FROM marts.renewals WHERE days_until_renewal <= 90"
        )
    }
    truth = {
        key: (day, cent(mrr), cent(price))
        for key, (day, mrr, price) in marts_truth.renewals(control, as_of, 90).items()
    }
    assert truth  # which vendors renew within 90 days depends on the world's start day
    assert marts == truth


def assert_marts_equal_truth(query: Query, control: SandboxControl, as_of: str) -> None:
    movements = assert_mrr_movements_equal_truth(query, control, as_of)
    assert_retention_equals_truth(query, movements, as_of)
    assert_aging_equals_truth(query, control, as_of)
    assert_renewals_equal_truth(query, control, as_of)
