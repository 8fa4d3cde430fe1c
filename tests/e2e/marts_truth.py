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
    partner price (returns negative; unpriced lines count nothing), Zoho's invoiced
    transactions."""
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
                sign = -1 if order["orderType"] == "RETURN" else 1  # a return is credited
                _add(totals, ("adobe", month, currency), sign * price * line["quantity"])
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
    subscription's start) while active, an expired one until its end date; a Zoom version from
    its start, at its MRR, a cancellation or an expiry (`terms`) ending the one before. Derived
    for Zoho (zoho_spans)."""
    spans: list[Span] = []
    zuora: defaultdict = defaultdict(list)
    for version in control.truth("zuora", "subscriptions"):
        starts = (
            _day(version["start_date"])
            if version["version"] == 1
            else dt.datetime.fromisoformat(version["created_time"]).astimezone(dt.UTC).date()
        )
        ends = _day(version["end_date"]) if version.get("end_date") else None
        counts = version["state"] in ("active", "expired")
        zuora[version["subscription_number"]].append(
            (version["version"], starts, ends, counts, version)
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
    return spans + zoho_spans(control)


def zoho_spans(control: SandboxControl) -> list[Span]:
    """Zoho keeps no subscription history, only transactions: a signup or recurring charge is in
    force over its billing period at its amount over the period's months, until the next upgrade
    or cancellation if sooner; an upgrade from its day at the next recurring charge's amount (the
    charge's before it if none came); an active subscription's last one runs on at its next
    recurring amount."""
    changes: defaultdict = defaultdict(list)
    for transaction in control.truth("zoho", "transactions"):
        kind = transaction["transaction_type"]
        if (kind in ("signup", "recurring") and transaction["amount"] > 0) or kind in (
            "upgrade",
            "cancel",
        ):
            changes[transaction["subscription_id"]].append(transaction)
    subscriptions = {row["subscription_id"]: row for row in control.truth("zoho", "subscriptions")}
    spans: list[Span] = []
    for subscription_id, rows in changes.items():
        rows.sort(key=lambda row: (row["transaction_date"], row["transaction_id"]))
        subscription = subscriptions.get(subscription_id)
        active = subscription is not None and subscription["status"] == "active"
        charges = [row for row in rows if row["transaction_type"] in ("signup", "recurring")]
        charged = 0
        for index, row in enumerate(rows):
            kind = row["transaction_type"]
            charged += kind in ("signup", "recurring")
            if kind == "cancel" or not charged:
                continue
            months = FREQUENCY_MONTHS[row["billing_frequency"]]
            starts = _day(row["transaction_date"])
            following = _day(rows[index + 1]["transaction_date"]) if index + 1 < len(rows) else None
            ends: dt.date | None
            if following is None and active:
                assert subscription is not None
                amount, ends = Decimal(subscription["next_recurring_amount"]), None
            elif kind == "upgrade":
                charge = charges[charged] if charged < len(charges) else charges[charged - 1]
                amount, ends = Decimal(charge["amount"]), following
            else:
                period_end = _plus_months(starts, months)
                amount = Decimal(row["amount"])
                ends = period_end if following is None else min(following, period_end)
            key = ("zoho", customer_key("zoho", row["org_id"]), row["currency_code"])
            spans.append((*key, to_cent(amount / months), starts, ends))
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


def _month_before(month: str, months: int) -> str:
    return _plus_months(dt.date.fromisoformat(month + "-01"), -months).strftime("%Y-%m")


def revenue_retention(movements: dict, month: str) -> dict[tuple, dict[str, Any]]:
    """(vendor, currency) -> the month's bridge (starting, new, expansion, reactivation,
    contraction and churn as positive amounts, ending, ARR) and the trailing twelve months'
    retention cohort: the MRR twelve months before of the customers who had some then, what they
    bring in the month (0 when gone), and the same capped at their MRR then."""
    bridges: dict[tuple, dict[str, Any]] = {}
    for (vendor, _, currency, row_month), (mrr, previous, movement, amount) in movements.items():
        if row_month != month:
            continue
        bridge = bridges.setdefault((vendor, currency), defaultdict(Decimal))
        bridge["starting_mrr"] += previous
        bridge["ending_mrr"] += mrr
        if movement != "unchanged":
            bridge[f"{movement}_mrr"] += abs(amount)
    for bridge in bridges.values():
        bridge["arr"] = 12 * bridge["ending_mrr"]
    base_month = _month_before(month, 12)
    for (vendor, customer, currency, row_month), (mrr, *_) in movements.items():
        if row_month != base_month or not mrr or (vendor, currency) not in bridges:
            continue
        now = movements.get((vendor, customer, currency, month), (Decimal(0),))[0]
        bridge = bridges[(vendor, currency)]
        bridge["retention_base_mrr"] += mrr
        bridge["retained_mrr"] += now
        bridge["retained_mrr_capped"] += min(now, mrr)
    return bridges


def aging_bucket(due_date: str | None, as_of: str) -> str:
    days = (_day(as_of) - _day(due_date)).days if due_date else 0
    if days <= 0:
        return "current"
    return "1-30" if days <= 30 else "31-60" if days <= 60 else "61-90" if days <= 90 else "90+"


def receivables_aging(control: SandboxControl, as_of: str) -> Money:
    """(vendor, currency, bucket) -> the open balance of Zuora's posted invoices and Zoom's unpaid
    documents (credit memos negative), by days past due at the as-of day."""
    totals: defaultdict = defaultdict(Decimal)
    for invoice in control.truth("zuora", "invoices"):
        if invoice["state"] == "posted" and invoice["remaining_balance"]:
            key = ("zuora", invoice["currency"], aging_bucket(invoice["due_date"], as_of))
            _add(totals, key, invoice["remaining_balance"])
    for document in control.truth("zoom", "billing_documents"):
        balance = document["balance"]
        if document["payment_status"] == "Unpaid" and balance["amount"]:
            sign = -1 if document["document_type"] == "credit_memo" else 1
            key = ("zoom", balance["currency"], aging_bucket(document.get("due_date"), as_of))
            _add(totals, key, sign * balance["amount"])
    return dict(totals)


def renewals(control: SandboxControl, as_of: str, days: int) -> dict[tuple, tuple]:
    """(vendor, subscription id) -> (renewal day, MRR, Adobe's partner price at renewal or None)
    of the active subscriptions renewing within `days` after the as-of day: Zuora's termed ones
    at the current term's end, Zoom's at the end date, Adobe's at renewalDate (priced from the
    latest price list month up to the renewal's), Zoho's at the next recurring date."""
    first, last = _day(as_of), _day(as_of) + dt.timedelta(days=days)
    found: dict[tuple, tuple] = {}

    def add(vendor: str, key: str, day: str | None, mrr: Any, price: Any = None) -> None:
        if day and first <= _day(day) <= last:
            found[(vendor, key)] = (_day(day), to_cent(Decimal(str(mrr))), price)

    for version in control.truth("zuora", "subscriptions"):
        term = version["current_term"]
        if version["latest_version"] and version["state"] == "active" and term["type"] == "termed":
            number, mrr = version["subscription_number"], version["contracted_mrr"]
            add("zuora", number, term["end_date"], mrr)
    for subscription in control.truth("zoom", "subscriptions"):
        if subscription["status"] == "active":
            add(
                "zoom",
                subscription["subscription_number"],
                subscription["end_date"],
                subscription["mrr"]["amount"],
            )
    for subscription in control.truth("zoho", "subscriptions"):
        if subscription["status"] == "active":
            months = FREQUENCY_MONTHS[subscription["billing_frequency"]]
            add(
                "zoho",
                subscription["subscription_id"],
                subscription["next_recurring_date"],
                Decimal(subscription["next_recurring_amount"]) / months,
            )
    prices = AdobePrices(control)
    now_month = as_of[:7].replace("-", "")
    for subscription in control.truth("adobe", "subscriptions"):
        if subscription["status"] != "1000":
            continue
        args = (subscription["customerId"], subscription["currencyCode"], subscription["offerId"])
        price = prices.latest_price(*args, now_month) or Decimal(0)
        at_renewal = prices.latest_price(*args, subscription["renewalDate"][:7].replace("-", ""))
        add(
            "adobe",
            subscription["subscriptionId"],
            subscription["renewalDate"],
            price * subscription["currentQuantity"] / 12,
            at_renewal,
        )
    return found
