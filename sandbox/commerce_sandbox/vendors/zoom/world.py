"""The Zoom Commerce world of one partner: end-customer accounts, a catalog of offers priced in
three currencies, orders (sale and trial) that create and amend subscriptions, monthly invoices
paid some days later, credit memos when a subscription is cancelled, quotes and deal
registrations moving through their statuses, trials, customers who cancel and buy again months
later. Records are kept clean, with the spec's field names and types (dates as `YYYY-MM-DD`,
money as Decimal); the vendor module puts them on the wire.

Like every world here it is an event queue run by the simulated clock from HISTORY_DAYS before the
clock's start, so history and the days after it are made the same way.
Per customer (scale 1): about 1.3 subscriptions, 12 invoices, 2 orders, 1 quote, 0.5 deal
registrations.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from commerce_sandbox.events import EventWorld
from commerce_sandbox.money import cents

DAY = 86400
HISTORY_DAYS = 500
STREAMS = (
    "accounts",
    "subscriptions",
    "subscription_versions",
    "billing_documents",
    "invoices",
    "orders",
    "quotes",
    "deal_registrations",
    "trials",
)
PARTNER = {
    "zoom_account_number": "9100000001",
    "crm_account_number": "A-9100001",
    "account_name": "Acme Reseller",
}
# Zoom Up partner program levels, which Zoom's changelog of 2026-11-19 adds as `partner_level`
# and `sub_reseller_partner_level` without listing their values (the program's levels are
# assessed yearly, the first in October 2026). Every third customer is sold through a
# sub-reseller; `partner_level` on an account is its selling partner's.
PARTNER_LEVEL = "Performance"
SUB_RESELLERS = (
    {"account_name": "Northwind Sub-Reseller", "partner_level": "Sales"},
    {"account_name": "Contoso Sub-Reseller", "partner_level": "Enrolled"},
)
# Zoom's universal product hierarchy (2026-10-12), per offer category: portfolio, family, line.
HIERARCHY = {
    "Base Product": ("Zoom Workplace", "Collaboration", "Meetings"),
    "Add-on Product": ("Zoom Workplace", "Collaboration", "Add-ons"),
    "Standalone Product": ("Zoom Workplace", "Spaces", "Rooms"),
    "Others": ("Zoom Platform", "Marketplace", "Apps"),
}
# offer id, name, type, category, sku, monthly price USD
OFFERS = (
    ("OF-1001", "Zoom One Pro", "plan", "Base Product", "ZOP-PRO", Decimal("13.33")),
    ("OF-1002", "Zoom One Business", "plan", "Base Product", "ZOP-BUS", Decimal("18.33")),
    ("OF-1003", "Zoom One Business Plus", "plan", "Base Product", "ZOP-BPL", Decimal("22.49")),
    ("OF-2001", "Large Meetings 500", "addon", "Add-on Product", "ZLM-500", Decimal("50.00")),
    ("OF-2002", "Cloud Recording 1TB", "addon", "Add-on Product", "ZCR-1TB", Decimal("40.00")),
    ("OF-3001", "Zoom Rooms", "standalone", "Standalone Product", "ZR-ROOM", Decimal("49.00")),
    ("OF-4001", "Zoom Phone Metered", "configurable", "Base Product", "ZP-MET", Decimal("10.00")),
    ("OF-5001", "Partner App Connector", "isv", "Others", "ISV-CONN", Decimal("5.00")),
)
CURRENCIES = {"USD": Decimal("1"), "EUR": Decimal("0.93"), "GBP": Decimal("0.79")}
COUNTRIES = {"USD": "US", "EUR": "DE", "GBP": "GB"}
NEW_CUSTOMERS_PER_CUSTOMER_DAY = 0.003
AMEND_PER_SUBSCRIPTION_MONTH = 0.08
CANCEL_PER_SUBSCRIPTION_MONTH = 0.02
COMEBACK_SHARE = 0.3  # of the subscriptions cancelled or expired: the customer buys again later
QUOTES_PER_CUSTOMER_MONTH = 0.08
DEAL_REGS_PER_CUSTOMER_MONTH = 0.04
PAID_AFTER_DAYS = (3, 40)


def day(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).date().isoformat()


def add_months(text: str, months: int) -> str:
    date = dt.date.fromisoformat(text)
    month = date.month - 1 + months
    return date.replace(
        year=date.year + month // 12, month=month % 12 + 1, day=min(date.day, 28)
    ).isoformat()


def money(amount: Decimal, currency: str) -> dict[str, Any]:
    return {"amount": cents(amount), "currency": currency}


def price_list_id(offer_id: str, currency: str, period: str) -> str:
    return f"PL-{offer_id[3:]}-{currency}-{period[0]}"


def offer_price(offer: tuple, currency: str, period: str) -> Decimal:
    monthly = offer[5] * CURRENCIES[currency]
    return cents(monthly * 12 * Decimal("0.9") if period == "Annual" else monthly)


def catalog() -> list[dict]:
    """Every offer with its price lists (monthly and annual) in every currency."""
    offers = []
    for offer in OFFERS:
        price_lists = [
            {
                "price_list_id": price_list_id(offer[0], currency, period),
                "price_list_name": f"{offer[1]} {period} {currency}",
                "billing_period": period,
                "status": "Active",
                "start_date": "2024-01-01",
                "prices": [
                    {
                        # One charge priced in every currency (as Zuora, Zoom's billing
                        # system, prices a rate plan charge): its id is the same in each.
                        "price_list_charge_id": f"PLC-{offer[0][3:]}-{period[0]}",
                        "partner_sku_code": f"{offer[4]}-{period[0]}-{currency}",
                        "charge_type": "Recurring",
                        "charge_model": "Per Unit Pricing",
                        "name": f"{offer[1]} licence",
                        "uom": "License",
                        "amount": offer_price(offer, currency, period),
                        "currency": currency,
                        "country": COUNTRIES[currency],
                        "min_unit_quantity": 1,
                        "status": "Active",
                        "start_date": "2024-01-01",
                    }
                ],
            }
            for currency in CURRENCIES
            for period in ("Month", "Annual")
        ]
        offers.append(
            {
                "offer_id": offer[0],
                "offer_name": offer[1],
                "offer_desc": f"{offer[1]} for business",
                "offer_type": offer[2],
                "z_product_category": offer[3],
                "zoom_universal_hierarchy": dict(
                    zip(("portfolio", "family", "product_line"), HIERARCHY[offer[3]], strict=True)
                ),
                "sku": offer[4],
                "status": "Active",
                "start_date": "2024-01-01",
                "offer_products": [
                    {
                        "product_id": f"P-{offer[0][3:]}",
                        "product_name": offer[1],
                        "sku": offer[4],
                        "product_type": "add-on" if offer[2] == "addon" else "base",
                        "price_list": price_lists,
                    }
                ],
            }
        )
    return offers


@dataclass
class Customer:
    number: int
    currency: str
    account: dict
    scripted: bool = False  # the guarantees' customer: no random cancel, change or comeback

    @property
    def sub_reseller(self) -> dict | None:
        return SUB_RESELLERS[self.number // 3 % 2] if self.number % 3 == 0 else None

    @property
    def sub_reseller_partner_level(self) -> str | None:
        return self.sub_reseller["partner_level"] if self.sub_reseller else None


class ZoomWorld(EventWorld):
    streams = STREAMS

    def __init__(self, seed: int, scale: int, now: float) -> None:
        super().__init__("zoom", seed, scale)
        self.order_details: dict[str, dict] = {}  # order reference id -> the order detail
        self.quote_buyouts: dict[str, bool] = {}  # quote reference id -> competitive_buyout
        self.customers: list[Customer] = []
        # Called with (instant, stream, key, record) on every change (the sandbox's webhooks).
        self.status_listener: Callable[[float, str, str, dict], None] | None = None
        self.catalog = catalog()
        self._numbers = itertools.count(100001)
        start = now - HISTORY_DAYS * DAY
        for _ in range(self.scale):
            self._schedule(self.rng.uniform(start, now - DAY), "customer", None)
        self._schedule(start + DAY / 3, "daily", None)
        # Whatever the start day, seed and scale, one customer arrives weeks before the start with
        # a trial, a quote and a deal registration: every stream has rows (Zoom.stream_keys).
        self._schedule(now - self.rng.uniform(25, 28) * DAY, "customer", True)
        # And one customer buys about 240 days before the start, takes fewer seats 40 days later,
        # cancels 80 days after buying, comes back 70 days after that and takes more seats 40 days
        # later: a contraction, a churn, a reactivation and an expansion in every world's history
        # (a month's end between each, and before the start).
        self._schedule(now - self.rng.uniform(238, 242) * DAY, "lapsing_customer", None)
        # And one customer arrives during the first day after the start: its account's and
        # order's statuses are webhooks (webhooks.EVENTS) on the day the demo receives them.
        self._schedule(now + self.rng.uniform(0.3, 0.7) * DAY, "customer", None)
        self.advance(start, now)

    def _number(self) -> int:
        return next(self._numbers)

    def _put(self, stream: str, key: str, record: dict, created: bool) -> None:
        self.records[stream][key] = record
        self._count(stream, "created" if created else "changed")
        if self.status_listener is not None:
            self.status_listener(self.now, stream, key, record)

    # ---- events ---------------------------------------------------------------------------
    def _on_daily(self, at: float, _: Any) -> None:
        rate = self.scale * NEW_CUSTOMERS_PER_CUSTOMER_DAY
        for _ in range(int(rate) + (self.rng.random() < rate % 1)):
            self._schedule(at + self.rng.uniform(0, DAY), "customer", None)
        for customer in self.customers:
            if self.rng.random() < QUOTES_PER_CUSTOMER_MONTH / 30:
                self._quote(at, customer)
            if self.rng.random() < DEAL_REGS_PER_CUSTOMER_MONTH / 30:
                self._deal_registration(at, customer)
        for subscription in list(self.records["subscriptions"].values()):
            if subscription["status"] != "active" or self.customer_of(subscription).scripted:
                continue
            if self.rng.random() < CANCEL_PER_SUBSCRIPTION_MONTH / 30:
                self._order(
                    at, self.customer_of(subscription), "sale", "Amend", subscription, cancel=True
                )
            elif self.rng.random() < AMEND_PER_SUBSCRIPTION_MONTH / 30:
                self._order(at, self.customer_of(subscription), "sale", "Amend", subscription)
        self._schedule(at + DAY, "daily", None)

    def _on_customer(self, at: float, every_kind: bool | None) -> None:
        number = len(self.customers) + 1
        currency = self.rng.choices(list(CURRENCIES), weights=(6, 3, 2))[0]
        crm = f"A-{7000000 + number}"
        account = {
            "create_reference_id": f"CR-{number:06d}",
            "crm_account_number": crm,
            "account_name": f"Customer {number} GmbH"
            if currency == "EUR"
            else f"Customer {number} Inc.",
            "zoom_account_number": str(3000000000 + number * 7),
            "zoom_account_numbers": [3000000000 + number * 7],
            "account_type": "Customer",
            "country": COUNTRIES[currency],
            "currency": currency,
            "website": f"https://customer{number}.example",
            "status": "success",
        }
        customer = Customer(number, currency, account)
        account["partner_level"] = customer.sub_reseller_partner_level or PARTNER_LEVEL
        self.customers.append(customer)
        self._put("accounts", crm, account, created=True)
        if every_kind or self.rng.random() < 0.2:  # a trial first, then the sale
            self._order(at, customer, "trial", "New", None)
        if every_kind:
            self._quote(at, customer)
            self._deal_registration(at, customer)
        self._order(at + self.rng.uniform(0, 5) * DAY, customer, "sale", "New", None)

    def _on_lapsing_customer(self, at: float, _: Any) -> None:
        self._on_customer(at, None)
        self.customers[-1].scripted = True
        self._schedule(at + 40 * DAY, "reseat", (self.customers[-1], False))
        self._schedule(at + 80 * DAY, "lapse", self.customers[-1])

    def _on_reseat(self, at: float, change: tuple[Customer, bool]) -> None:
        """The customer's first active subscription: twice the seats of its first line, or half."""
        customer, grows = change
        subscription = next(
            (
                row
                for row in self.records["subscriptions"].values()
                if row["status"] == "active" and self.customer_of(row) is customer
            ),
            None,
        )
        if subscription is None:  # cancelled already (at random)
            return
        line = subscription["subscription_lines"][0]
        offer = next(offer for offer in OFFERS if offer[0] == line["offer_id"])
        quantity = line["quantity"] * 2 if grows else max(1, line["quantity"] // 2)
        self._order(at, customer, "sale", "Amend", subscription, change=(offer, quantity))

    def _on_lapse(self, at: float, customer: Customer) -> None:
        """Every active subscription of the customer is cancelled; it buys again 70 days later."""
        for subscription in list(self.records["subscriptions"].values()):
            if subscription["status"] == "active" and self.customer_of(subscription) is customer:
                self._order(at, customer, "sale", "Amend", subscription, cancel=True)
        self._schedule(at + 70 * DAY, "comeback", customer)
        self._schedule(at + 110 * DAY, "reseat", (customer, True))

    def _on_comeback(self, at: float, customer: Customer) -> None:
        self._order(at, customer, "sale", "New", None)

    def _maybe_come_back(self, at: float, subscription: dict) -> None:
        if not self.customer_of(subscription).scripted and self.rng.random() < COMEBACK_SHARE:
            comeback = at + self.rng.uniform(45, 150) * DAY
            self._schedule(comeback, "comeback", self.customer_of(subscription))

    def customer_of(self, subscription: dict) -> Customer:
        return self.customers[
            int(subscription["end_customer_account"]["crm_account_number"][2:]) - 7000001
        ]

    def _account_ref(self, customer: Customer) -> dict:
        return {
            key: customer.account[key]
            for key in ("zoom_account_number", "crm_account_number", "account_name")
        }

    def _order(
        self,
        at: float,
        customer: Customer,
        order_type: str,
        transaction: str,
        subscription: dict | None,
        cancel: bool = False,
        change: tuple[tuple, int] | None = None,  # (offer, quantity) instead of chosen at random
    ) -> None:
        number = self._number()
        reference = f"OR-{number}"
        today = day(at)
        if change is None:
            offer = self.rng.choice(OFFERS[:3] if transaction == "New" else OFFERS)
            quantity = self.rng.randint(5, 200) if not cancel else 0
        else:
            offer, quantity = change
        period = self.rng.choice(("Month", "Annual"))
        amount = offer_price(offer, customer.currency, period) * max(quantity, 1)
        order = {
            "order_reference_id": reference,
            "order_number": f"O-{number}",
            "status": "submitted",
            "order_type": order_type,
            "transaction_type": transaction,
            "invoice_owner_crm_account_number": PARTNER["crm_account_number"],
            "invoice_owner_name": PARTNER["account_name"],
            "end_customer_account_name": customer.account["account_name"],
            "end_customer_account_number": customer.account["zoom_account_number"],
            "end_customer_crm_account_number": customer.account["crm_account_number"],
            "creation_date": today,
            "effective_date": today,
            "updated_date": today,
            "net_amount": money(amount, customer.currency),
            "tcv": money(amount * 12, customer.currency),
            "trade_screening": False,
            "sub_reseller_partner_level": customer.sub_reseller_partner_level,
        }
        target = {
            "subscription_number": subscription["subscription_number"] if subscription else "",
            "end_customer_account": self._account_ref(customer),
            "currency": customer.currency,
            "offers": [
                {
                    "offer_id": offer[0],
                    "offer_name": offer[1],
                    "sku": offer[4],
                    "quantity": quantity,
                    "offer_price_list_id": price_list_id(offer[0], customer.currency, period),
                }
            ],
        }
        self.order_details[reference] = {
            "header": {
                "order_reference_id": reference,
                "order_type": order_type,
                "transaction_type": transaction,
                "status": "submitted",
                "order_number": order["order_number"],
                "order_date": today,
                "trade_screening": False,
                "order_metrics": {
                    "tcv": cents(amount * 12),
                    "mrr": cents(amount),
                    "total_net_amount": cents(amount),
                },
            },
            "create_subscription": [target] if transaction == "New" else [],
            "amend_subscriptions": [target] if transaction == "Amend" else [],
            "errors": [],
            "warnings": [],
        }
        self._put("orders", reference, order, created=True)
        self._schedule(
            at + self.rng.uniform(0.2, 1.5) * DAY,
            "order_complete",
            (reference, customer, offer, quantity, period, cancel),
        )

    def _on_order_complete(self, at: float, work: tuple) -> None:
        reference, customer, offer, quantity, period, cancel = work
        order = self.records["orders"][reference]
        detail = self.order_details[reference]
        order["status"] = detail["header"]["status"] = "completed"
        order["updated_date"] = day(at)
        if order["order_type"] == "trial":
            trial = {
                "trial_id": f"TR-{reference[3:]}",
                "subscription_owner": self._account_ref(customer),
                "invoice_owner": dict(PARTNER),
                "sub_reseller_partner_level": customer.sub_reseller_partner_level,
            }
            self._put("trials", trial["trial_id"], trial, created=True)
        elif order["transaction_type"] == "New":
            number = f"A-{self._number()}"
            detail["create_subscription"][0]["subscription_number"] = number
            self._new_subscription(at, number, customer, offer, quantity, period, order)
        else:
            number = detail["amend_subscriptions"][0]["subscription_number"]
            self._amend(at, number, offer, quantity, period, cancel)
        self._put("orders", reference, order, created=False)

    def _line(self, offer: tuple, currency: str, quantity: int, period: str, start: str) -> dict:
        unit = offer_price(offer, currency, period)
        return {
            "offer_id": offer[0],
            "offer_name": offer[1],
            "offer_type": offer[2],
            "sku": offer[4],
            "offer_price_list_id": price_list_id(offer[0], currency, period),
            "offer_price_list_name": f"{offer[1]} {period} {currency}",
            "quantity": quantity,
            "start_date": start,
            "status": "active",
            "charges": [
                {
                    "charge_model": "Per Unit Pricing",
                    "charge_type": "Recurring",
                    "charge_id": f"CH-{self._number()}",
                    "partner_sku_code": f"{offer[4]}-{period[0]}-{currency}",
                    "sale_price": money(unit, currency),
                    "net_price": money(unit * Decimal("0.8"), currency),
                    "net_amount": money(unit * Decimal("0.8") * quantity, currency),
                }
            ],
        }

    def _monthly(self, subscription: dict) -> Decimal:
        total = Decimal(0)
        for line in subscription["subscription_lines"]:
            if line["status"] == "active":
                amount = line["charges"][0]["net_amount"]["amount"]
                total += (
                    amount / 12 if line["offer_price_list_name"].split()[-2] == "Annual" else amount
                )
        return cents(total)

    def _new_subscription(
        self,
        at: float,
        number: str,
        customer: Customer,
        offer: tuple,
        quantity: int,
        period: str,
        order: dict,
    ) -> None:
        start = day(at)
        months = self.rng.choice((12, 12, 24, 36))
        term = {
            "term_type": "TERMED",
            "period_type": "Month",
            "term_period": months,
            "start_date": start,
            "end_date": add_months(start, months),
        }
        subscription = {
            "subscription_number": number,
            "status": "active",
            "payment_term": "Net30",
            "currency": customer.currency,
            "service_start_date": start,
            "free_months_included": False,
            "end_customer_account": self._account_ref(customer),
            "invoice_owner_account": dict(PARTNER),
            "agreement_dates": {"contract_effective_date": start, "service_activation_date": start},
            "initial_term": dict(term),
            "current_term": dict(term),
            "renewal_term": {"term_type": "TERMED", "period_type": "Month", "term_period": 12},
            "auto_renew": self.rng.random() < 0.7,
            "start_date": start,
            "end_date": term["end_date"],
            "invoice_separately": False,
            "sold_to_contact": {
                "crm_contact_number": f"C-{customer.number:06d}",
                "first_name": "Alex",
                "last_name": f"Buyer{customer.number}",
                "email": f"it@customer{customer.number}.example",
            },
            "subscription_lines": [self._line(offer, customer.currency, quantity, period, start)],
            "created_date": start,
            "updated_date": start,
            # The price list the subscription was sold from (2026-05-04): its first line's.
            "subscription_price_list_id": price_list_id(offer[0], customer.currency, period),
            "partner_level": PARTNER_LEVEL,
        }
        self._set_mrr(subscription)
        self._put("subscriptions", number, subscription, created=True)
        self.records["subscription_versions"][number] = {
            "subscription_number": number,
            "status": "active",
            "start_date": start,
            "end_date": term["end_date"],
            "subscription_versions": [],
        }
        self._version(number, ["create_subscription"], start)
        self._schedule(at + 0.5 * DAY, "bill", number)
        self._schedule(
            dt.datetime.fromisoformat(term["end_date"]).replace(tzinfo=dt.UTC).timestamp()
            + DAY / 4,
            "term_end",
            number,
        )

    def _set_mrr(self, subscription: dict) -> None:
        mrr = self._monthly(subscription)
        subscription["contracted_mrr"] = mrr
        subscription["mrr"] = money(mrr, subscription["currency"])

    def _version(self, number: str, action: list[str], start: str) -> None:
        subscription = self.records["subscriptions"][number]
        history = self.records["subscription_versions"][number]
        for version in history["subscription_versions"]:
            version["latest_version"] = False
        count = len(history["subscription_versions"]) + 1
        history["subscription_versions"].append(
            {
                "sequence": count,
                "version": count,
                "latest_version": True,
                "action": action,
                "start_date": start,
                "end_date": subscription["end_date"],
                "mrr": subscription["contracted_mrr"],
                "currency": subscription["currency"],
            }
        )
        history.update(
            status="active" if subscription["status"] == "active" else "expired",
            end_date=subscription["end_date"],
        )
        self._put("subscription_versions", number, history, created=count == 1)

    def _amend(
        self, at: float, number: str, offer: tuple, quantity: int, period: str, cancel: bool
    ) -> None:
        subscription = self.records["subscriptions"][number]
        if subscription["status"] != "active":
            return
        today = day(at)
        if cancel:
            subscription["status"] = "cancelled"
            subscription["end_date"] = today
            for line in subscription["subscription_lines"]:
                line.update(status="cancelled", end_date=today)
            action = ["cancel"]
            self._credit_memo(at, subscription)
            self._maybe_come_back(at, subscription)
        else:
            existing = next(
                (
                    line
                    for line in subscription["subscription_lines"]
                    if line["offer_id"] == offer[0]
                ),
                None,
            )
            if existing:
                existing["quantity"] = quantity
                existing["charges"][0]["net_amount"] = money(
                    existing["charges"][0]["net_price"]["amount"] * quantity,
                    subscription["currency"],
                )
                action = ["update_subscription_plan"]
            else:
                subscription["subscription_lines"].append(
                    self._line(offer, subscription["currency"], quantity, period, today)
                )
                action = ["add_subscription_plan"]
        self._set_mrr(subscription)
        subscription["updated_date"] = today
        self._put("subscriptions", number, subscription, created=False)
        self._version(number, action, today)

    def _on_term_end(self, at: float, number: str) -> None:
        subscription = self.records["subscriptions"][number]
        if subscription["status"] != "active":
            return
        today = day(at)
        if subscription["auto_renew"]:
            term = {
                **subscription["current_term"],
                "term_period": 12,
                "start_date": subscription["end_date"],
                "end_date": add_months(subscription["end_date"], 12),
            }
            subscription.update(current_term=term, end_date=term["end_date"], updated_date=today)
            self._put("subscriptions", number, subscription, created=False)
            self._version(number, ["renew"], today)
            self._schedule(at + 365 * DAY, "term_end", number)
        else:
            subscription.update(status="expired", updated_date=today)
            self._put("subscriptions", number, subscription, created=False)
            self._version(number, ["terms"], today)
            self._maybe_come_back(at, subscription)

    def _on_bill(self, at: float, number: str) -> None:
        subscription = self.records["subscriptions"][number]
        if subscription["status"] != "active":
            return
        customer = self.customer_of(subscription)
        document = f"INV{self._number():08d}"
        today = day(at)
        items = [
            {
                "end_customer_account": self._account_ref(customer),
                "charge_name": f"{line['offer_name']} licence",
                "charge_type": "Recurring",
                "offer_name": line["offer_name"],
                "offer_price_list_name": line["offer_price_list_name"],
                "offer_price_list_id": line["offer_price_list_id"],
                "start_date": today,
                "end_date": add_months(today, 1),
                "subscription_number": number,
                "partner_sku_code": line["charges"][0]["partner_sku_code"],
                "quantity": line["quantity"],
                "tax_amount": money(Decimal(0), subscription["currency"]),
                "total_amount": money(self._line_month(line), subscription["currency"]),
            }
            for line in subscription["subscription_lines"]
            if line["status"] == "active"
        ]
        total = sum((item["total_amount"]["amount"] for item in items), Decimal(0))
        invoice = {
            "invoice_number": document,
            "invoice_date": today,
            # The day whose charges the bill run took (Zoom bills each subscription on its day).
            "target_date": today,
            "customer_name": [customer.account["account_name"]],
            "invoice_owner_account": dict(PARTNER),
            "due_date": add_months(today, 1),
            "payment_status": "Unpaid",
            "balance": money(total, subscription["currency"]),
            "net_amount": money(total, subscription["currency"]),
            "billing_description": f"Subscription {number}",
            "posted_date": today,
            "total_tax_amount": money(Decimal(0), subscription["currency"]),
            "invoice_items": items,
        }
        self._put("invoices", document, invoice, created=True)
        self._document(document, "invoice", invoice, customer, created=True)
        self._schedule(at + self.rng.uniform(*PAID_AFTER_DAYS) * DAY, "paid", document)
        self._schedule(
            dt.datetime.fromisoformat(add_months(today, 1)).replace(tzinfo=dt.UTC).timestamp()
            + 0.5 * DAY,
            "bill",
            number,
        )

    @staticmethod
    def _line_month(line: dict) -> Decimal:
        amount = line["charges"][0]["net_amount"]["amount"]
        return cents(
            amount / 12 if line["offer_price_list_name"].split()[-2] == "Annual" else amount
        )

    def _document(
        self, number: str, kind: str, source: dict, customer: Customer, created: bool
    ) -> None:
        date = source.get("invoice_date") or source["document_date"]
        self._put(
            "billing_documents",
            number,
            {
                "document_number": number,
                "document_date": date,
                "document_type": kind,
                "customer_name": [customer.account["account_name"]],
                "customer_zoom_account_number": int(customer.account["zoom_account_number"]),
                "invoice_owner_name": PARTNER["account_name"],
                "due_date": source["due_date"],
                "payment_status": source["payment_status"],
                "balance": dict(source["balance"]),
                "net_amount": dict(source["net_amount"]),
                "billing_description": source["billing_description"],
                "posted_date": source["posted_date"],
                **({"reason_detail": source["reason_detail"]} if "reason_detail" in source else {}),
            },
            created,
        )

    def _credit_memo(self, at: float, subscription: dict) -> None:
        customer = self.customer_of(subscription)
        today = day(at)
        memo = {
            "document_date": today,
            "due_date": today,
            "payment_status": "Unpaid",
            "balance": money(subscription["contracted_mrr"], subscription["currency"]),
            "net_amount": money(subscription["contracted_mrr"], subscription["currency"]),
            "billing_description": f"Cancellation of {subscription['subscription_number']}",
            "posted_date": today,
            "reason_detail": "Subscription cancelled",
        }
        number = f"CM{self._number():08d}"
        self._document(number, "credit_memo", memo, customer, created=True)
        self._schedule(at + 3 * DAY, "paid", number)

    def _on_paid(self, at: float, number: str) -> None:
        for stream in ("invoices", "billing_documents"):
            record = self.records[stream].get(number)
            if record:
                record["payment_status"] = "Paid"
                record["balance"] = money(Decimal(0), record["balance"]["currency"])
                self._put(stream, number, record, created=False)

    def _quote(self, at: float, customer: Customer) -> None:
        number = self._number()
        offer = self.rng.choice(OFFERS)
        today = day(at)
        quote = {
            "quote_reference_id": f"QR-{number}",
            "quote_number": f"Q-{number}",
            "status": "submitted",
            "quote_type": self.rng.choices(("sale", "trial"), weights=(4, 1))[0],
            "transaction_type": "New",
            "end_customer_account_name": customer.account["account_name"],
            "end_customer_account_number": customer.account["zoom_account_number"],
            "end_customer_crm_account_number": customer.account["crm_account_number"],
            "invoice_owner_name": PARTNER["account_name"],
            "invoice_owner_crm_account_number": PARTNER["crm_account_number"],
            "creation_date": today,
            "effective_date": today,
            "net_amount": money(
                offer_price(offer, customer.currency, "Month") * 10, customer.currency
            ),
            "updated_date": today,
            "trade_screening": False,
            "sub_reseller_partner_level": customer.sub_reseller_partner_level,
        }
        # Whether the deal replaces a competitor's service (2026-11-19): on the detail only.
        self.quote_buyouts[quote["quote_reference_id"]] = number % 4 == 0
        self._put("quotes", quote["quote_reference_id"], quote, created=True)
        self._schedule(
            at + self.rng.uniform(1, 6) * DAY, "quote_status", quote["quote_reference_id"]
        )

    def _on_quote_status(self, at: float, reference: str) -> None:
        quote = self.records["quotes"][reference]
        following = {
            "submitted": ("approved", "rejected"),
            "approved": ("completed", "canceled"),
        }.get(quote["status"])
        if not following:
            return
        quote.update(status=self.rng.choices(following, weights=(4, 1))[0], updated_date=day(at))
        self._put("quotes", reference, quote, created=False)
        self._schedule(at + self.rng.uniform(1, 10) * DAY, "quote_status", reference)

    def _deal_registration(self, at: float, customer: Customer) -> None:
        number = self._number()
        today = day(at)
        deal = {
            "deal_reg_number": f"DR-{number}",
            "create_reference_id": f"DRR-{number}",
            "deal_name": f"{customer.account['account_name']} expansion",
            "invoice_owner_crm_account_number": PARTNER["crm_account_number"],
            "opportunity_stage": "submitted",
            "submitted_date": today,
            "expected_closed_date": add_months(today, 3),
            "estimated_mrr": self.rng.randint(100, 5000),
            "currency": customer.currency,
            "program_name": "Direct Reseller Registration",
            "original_expiry_date": add_months(today, 6),
            "status": "submitted",
            "end_customer": {
                "crm_account_number": customer.account["crm_account_number"],
                "account_name": customer.account["account_name"],
            },
        }
        self._put("deal_registrations", deal["create_reference_id"], deal, created=True)
        self._schedule(
            at + self.rng.uniform(2, 15) * DAY, "deal_status", deal["create_reference_id"]
        )

    def _on_deal_status(self, at: float, reference: str) -> None:
        deal = self.records["deal_registrations"][reference]
        status = {
            "submitted": "pending review",
            "pending review": self.rng.choice(("approved", "denied")),
            "approved": self.rng.choice(("closed-won", "closed-lost")),
        }.get(deal["status"])
        if status is None:
            return
        deal.update(status=status, opportunity_stage=status)
        self._put("deal_registrations", reference, deal, created=False)
        self._schedule(at + self.rng.uniform(5, 30) * DAY, "deal_status", reference)
