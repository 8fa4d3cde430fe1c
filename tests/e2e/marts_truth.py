"""What the marts must say, computed from the sandbox's truth in plain Python (not from the
warehouse, nor from the marts' SQL): the figures tests/e2e/test_dbt_marts.py checks to the cent."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from commerce_sandbox import SandboxControl

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
