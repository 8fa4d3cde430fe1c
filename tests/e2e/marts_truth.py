"""What the marts must say, computed from the sandbox's truth in plain Python (not from the
warehouse, nor from the marts' SQL): the figures tests/e2e/test_dbt_marts.py checks to the cent."""

from __future__ import annotations

import calendar
import csv
import datetime as dt
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from commerce_sandbox import SandboxControl
from commerce_taps_common.records.tenant import DEFAULT_TENANT

CENT = Decimal("0.01")
VENDORS = ("zuora", "zoho", "zoom", "adobe")
FREQUENCY_MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}
REGIONS_SEED = Path(__file__).resolve().parents[2] / "transform/seeds/adobe_country_regions.csv"

Money = dict[tuple, Decimal]


def to_cent(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _add(totals: defaultdict, key: tuple, amount: Decimal) -> None:
    totals[key] += Decimal(amount)


def as_of_day(control: SandboxControl) -> str:
    """The day the marts' figures are as of when the taps last read the sandbox just now: the
    sandbox's own day (its clock, not the machine's, which runs weeks ahead of it)."""
    return control.now()[:10]


def open_balances(control: SandboxControl) -> Money:
    """(vendor, currency) -> the balance still owed: Zuora's posted invoices, Zoom's documents
    (credit memos owed back, negative)."""
    totals: defaultdict = defaultdict(Decimal)
    for invoice in control.truth("zuora", "invoices"):
        if invoice["state"] == "posted":
            _add(totals, ("zuora", invoice["currency"]), invoice["remaining_balance"])
    for document in control.truth("zoom", "billing_documents"):
        sign = -1 if document["document_type"] == "credit_memo" else 1
        balance = document["balance"]
        _add(totals, ("zoom", balance["currency"]), sign * balance["amount"])
    return dict(totals)


class AdobePrices:
    """Adobe partner prices by partition, month and offer, and each customer's partition."""

    def __init__(self, control: SandboxControl) -> None:
        with REGIONS_SEED.open() as seed:
            regions = {row["country"]: row["region"] for row in csv.DictReader(seed)}
        self.partitions = {
            customer["customerId"]: (
                regions.get(customer["companyProfile"]["address"]["country"]),
                customer["companyProfile"]["marketSegment"],
            )
            for customer in control.truth("adobe", "customers")
        }
        latest: dict[tuple, dict] = {}
        for row in control.truth("adobe", "price_lists"):
            key = (
                row["region"],
                row["marketSegment"],
                row["currency"],
                row["priceListType"],
                row["offerId"],
                row["priceListMonth"],
            )
            if key not in latest or row["firstOrderDate"] > latest[key]["firstOrderDate"]:
                latest[key] = row
        self.prices = {key: Decimal(row["partnerPrice"]) for key, row in latest.items()}

    @staticmethod
    def price_list_type(offer_id: str) -> str:
        return "3YC" if offer_id[10:12] in ("12", "13", "14") else "STANDARD"

    def price(self, customer_id: str, currency: str, offer_id: str, month: str) -> Decimal | None:
        region, segment = self.partitions.get(customer_id, (None, None))
        return self.prices.get(
            (region, segment, currency, self.price_list_type(offer_id), offer_id, month)
        )

    def latest_price(
        self, customer_id: str, currency: str, offer_id: str, up_to_month: str
    ) -> Decimal | None:
        region, segment = self.partitions.get(customer_id, (None, None))
        partition = (region, segment, currency, self.price_list_type(offer_id), offer_id)
        months = [key[5] for key in self.prices if key[:5] == partition and key[5] <= up_to_month]
        return self.prices[(*partition, max(months))] if months else None


def billed_by_month(control: SandboxControl) -> Money:
    """(vendor, 'YYYY-MM', currency) -> the amount billed, tax included: Zuora's posted invoices'
    items, Zoom's invoice items less its credit memos, Adobe's complete orders' lines at their
    partner price (unpriced lines count nothing), Zoho's invoiced transactions."""
    totals: defaultdict = defaultdict(Decimal)
    invoices = {invoice["id"]: invoice for invoice in control.truth("zuora", "invoices")}
    for item in control.truth("zuora", "invoice_items"):
        invoice = invoices[item["invoice_id"]]
        if invoice["state"] == "posted":
            key = ("zuora", invoice["document_date"][:7], invoice["currency"])
            _add(totals, key, item["amount"] + item["tax"])
    for invoice in control.truth("zoom", "invoices"):
        for item in invoice["invoice_items"]:
            total = item["total_amount"]
            _add(totals, ("zoom", invoice["invoice_date"][:7], total["currency"]), total["amount"])
    for document in control.truth("zoom", "billing_documents"):
        if document["document_type"] == "credit_memo":
            net = document["net_amount"]
            _add(totals, ("zoom", document["document_date"][:7], net["currency"]), -net["amount"])
    prices = AdobePrices(control)
    for order in control.truth("adobe", "orders"):
        if order["status"] != "1000":
            continue
        month = order["creationDate"][:7]
        for line in order["lineItems"]:
            currency = line.get("currencyCode") or order["currencyCode"]
            price = prices.price(
                order["customerId"], currency, line["offerId"], month.replace("-", "")
            )
            if price is not None:
                _add(totals, ("adobe", month, currency), price * line["quantity"])
    for transaction in control.truth("zoho", "transactions"):
        if transaction.get("invoice_number"):
            key = ("zoho", transaction["transaction_date"][:7], transaction["currency_code"])
            _add(totals, key, transaction["amount"])
    return dict(totals)


def active_subscriptions(control: SandboxControl, as_of: str) -> dict[tuple, tuple[int, Decimal]]:
    """(vendor, currency) -> (active subscriptions, their monthly recurring amount): Zuora's latest
    versions' contracted MRR, Zoho's next recurring amount over its months, Zoom's MRR, Adobe's
    latest partner price up to the as-of month times the quantity over 12 (unpriced: nothing)."""
    counts: Counter = Counter()
    amounts: defaultdict = defaultdict(Decimal)

    def add(vendor: str, currency: str, amount: Any) -> None:
        counts[(vendor, currency)] += 1
        amounts[(vendor, currency)] += Decimal(str(amount)) if amount is not None else 0

    for version in control.truth("zuora", "subscriptions"):
        if version["latest_version"] and version["state"] == "active":
            add("zuora", version["currency"], version["contracted_mrr"])
    for subscription in control.truth("zoho", "subscriptions"):
        if subscription["status"] == "active":
            months = FREQUENCY_MONTHS[subscription["billing_frequency"]]
            monthly = to_cent(Decimal(subscription["next_recurring_amount"]) / months)
            add("zoho", subscription["currency_code"], monthly)
    for subscription in control.truth("zoom", "subscriptions"):
        if subscription["status"] == "active":
            add("zoom", subscription["currency"], subscription["mrr"]["amount"])
    prices = AdobePrices(control)
    month = as_of[:7].replace("-", "")
    for subscription in control.truth("adobe", "subscriptions"):
        if subscription["status"] == "1000":
            price = prices.latest_price(
                subscription["customerId"],
                subscription["currencyCode"],
                subscription["offerId"],
                month,
            )
            monthly = (
                None if price is None else to_cent(price * subscription["currentQuantity"] / 12)
            )
            add("adobe", subscription["currencyCode"], monthly)
    return {key: (counts[key], amounts[key]) for key in counts}


def commissions_by_status(control: SandboxControl) -> Money:
    """Zoho commission status (lower case) -> USD total."""
    totals: defaultdict = defaultdict(Decimal)
    for commission in control.truth("zoho", "commissions"):
        _add(totals, (commission["status"].lower(),), commission["usd_commission"])
    return dict(totals)


def adobe_price_changes(
    control: SandboxControl, partition: tuple[str, str, str, str]
) -> set[tuple[str, str, str, Decimal | None, Decimal]]:
    """(month, offer, Add|Change|Delete, previous price, price) of one partition (region,
    segment, currency, type): Adobe's indicator where it gives one, else a price differing from
    the month before, or an offer's first month."""
    series: defaultdict = defaultdict(dict)
    indicators = {}
    for row in control.truth("adobe", "price_lists"):
        if (
            row["region"],
            row["marketSegment"],
            row["currency"],
            row["priceListType"],
        ) == partition:
            series[row["offerId"]][row["priceListMonth"]] = Decimal(row["partnerPrice"])
            indicators[(row["offerId"], row["priceListMonth"])] = row["acdIndicator"] or None
    changes = set()
    for offer, months in series.items():
        previous = None
        for month in sorted(months):
            price = months[month]
            kind = indicators[(offer, month)] or (
                "Add" if previous is None else "Change" if price != previous else None
            )
            if kind:
                changes.add((month, offer, kind, previous, price))
            previous = price
    return changes


# A span of recurring revenue: (vendor, customer_key, currency, amount a month, first day in
# force, first day no longer in force or None).
Span = tuple[str, str, str, Decimal, dt.date, dt.date | None]
MOVEMENTS = ("new", "expansion", "contraction", "churn", "reactivation", "unchanged")


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text[:10])


def _plus_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, the month's last day where it has no such day (as SQL's
    date + interval does)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _versioned_spans(versions: list[tuple]) -> list[tuple]:
    """(version, starts, ends or None, counts, payload) of one subscription, in any order ->
    (starts, ends, payload) of the versions that count: each in force from its start until the
    next version's start or its own end, whichever comes first."""
    ordered = sorted(versions, key=lambda version: version[0])
    spans = []
    for index, (_, starts, ends, counts, payload) in enumerate(ordered):
        following = ordered[index + 1][1] if index + 1 < len(ordered) else None
        if counts:
            until = min((day for day in (ends, following) if day is not None), default=None)
            spans.append((starts, until, payload))
    return spans


def recurring_spans(control: SandboxControl) -> list[Span]:
    """Recurring revenue over time. Contracted, from the subscription versions Zuora and Zoom
    keep: a Zuora version is in force from its creation day in UTC (the first from the
    subscription's start) while active; a Zoom version from its start, at its MRR, a cancellation
    or an expiry (`terms`) ending the one before. Derived for Zoho, which keeps no history: each
    signup or recurring charge spread evenly over its billing period."""
    spans: list[Span] = []
    zuora: defaultdict = defaultdict(list)
    for version in control.truth("zuora", "subscriptions"):
        starts = (
            _day(version["start_date"])
            if version["version"] == 1
            else dt.datetime.fromisoformat(version["created_time"]).astimezone(dt.UTC).date()
        )
        ends = _day(version["end_date"]) if version.get("end_date") else None
        zuora[version["subscription_number"]].append(
            (version["version"], starts, ends, version["state"] == "active", version)
        )
    zoom: defaultdict = defaultdict(list)
    for version in control.truth("zoom", "subscription_versions"):
        ends = _day(version["end_date"]) if version.get("end_date") else None
        counts = version["action"][0] not in ("cancel", "terms")
        zoom[version["subscription_number"]].append(
            (version["version"], _day(version["start_date"]), ends, counts, version)
        )
    zoom_customers = {
        subscription["subscription_number"]: subscription["end_customer_account"][
            "crm_account_number"
        ]
        for subscription in control.truth("zoom", "subscriptions")
    }
    for vendor, subscriptions in (("zuora", zuora), ("zoom", zoom)):
        for number, versions in subscriptions.items():
            for starts, ends, version in _versioned_spans(versions):
                if vendor == "zuora":
                    customer, amount = version["account_id"], version["contracted_mrr"]
                else:
                    customer, amount = zoom_customers[number], version["mrr"]
                key = (vendor, customer_key(vendor, customer), version["currency"])
                spans.append((*key, Decimal(amount), starts, ends))
    for charge in control.truth("zoho", "transactions"):
        months = FREQUENCY_MONTHS.get(charge["billing_frequency"])
        amount = Decimal(charge["amount"])
        if charge["transaction_type"] in ("signup", "recurring") and months and amount > 0:
            starts = _day(charge["transaction_date"])
            key = ("zoho", customer_key("zoho", charge["org_id"]), charge["currency_code"])
            spans.append((*key, to_cent(amount / months), starts, _plus_months(starts, months)))
    return spans


def customer_key(vendor: str, customer: str) -> str:
    """The marts' customer_key of the default account's customer."""
    return f"{vendor}:{DEFAULT_TENANT}:{customer}"


def monthly_mrr(spans: list[Span], as_of: str) -> Money:
    """(vendor, customer_key, currency, 'YYYY-MM') -> the recurring revenue in force on the
    month's last day (the as-of day in the as-of month), from each customer's first span's month
    through the as-of month."""
    as_of_day = _day(as_of)
    first: dict[tuple, dt.date] = {}
    for *key, _, starts, _ in spans:
        first[tuple(key)] = min(first.get(tuple(key), starts), starts)
    totals: Money = {}
    for key, starts in first.items():
        month = starts.replace(day=1)
        while month <= as_of_day:
            measured = min(_plus_months(month, 1) - dt.timedelta(days=1), as_of_day)
            totals[(*key, month.strftime("%Y-%m"))] = sum(
                (
                    amount
                    for *span_key, amount, span_starts, span_ends in spans
                    if tuple(span_key) == key
                    and span_starts <= measured
                    and (span_ends is None or span_ends > measured)
                ),
                Decimal(0),
            )
            month = _plus_months(month, 1)
    return totals


def mrr_movements(mrr: Money) -> dict[tuple, tuple[Decimal, Decimal, str, Decimal]]:
    """(vendor, customer_key, currency, 'YYYY-MM') -> (mrr, previous mrr, movement, amount) on
    each customer's months from its first with MRR through the month after its last (the churn
    month), within the months `mrr` has: new the first, reactivation a return from zero."""
    series: defaultdict = defaultdict(list)
    for (*key, month), amount in sorted(mrr.items()):
        series[tuple(key)].append((month, amount))
    movements = {}
    for key, months in series.items():
        earning = [index for index, (_, amount) in enumerate(months) if amount]
        if not earning:
            continue
        previous = Decimal(0)
        for index in range(earning[0], min(earning[-1] + 1, len(months) - 1) + 1):
            month, amount = months[index]
            if index == earning[0]:
                movement = "new"
            elif amount and not previous:
                movement = "reactivation"
            elif previous and not amount:
                movement = "churn"
            else:
                movement = (
                    "expansion"
                    if amount > previous
                    else "contraction"
                    if amount < previous
                    else "unchanged"
                )
            movements[(*key, month)] = (amount, previous, movement, amount - previous)
            previous = amount
    return movements
