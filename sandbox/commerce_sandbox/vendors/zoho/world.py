"""The Zoho partner-store world: customers registered as leads, subscriptions to Zoho services
billed monthly to yearly, the transactions they produce (signups, renewals, upgrades, refunds,
cancellations), the invoices Zoho issues for them a day or two later, and one commission per
paying transaction that moves from Requested to Active to Completed, with a negative Reversal
row for every refund. Inactive subscriptions drop out of the store's listings after a while;
some of their customers sign up again months later.

Records are kept clean (numbers as Decimal, dates as `YYYY-MM-DD`): that is the truth. What the
API puts on the wire (numbers as strings, dates with times) is applied when a page is served.

The world is one event queue run by the simulated clock: building it runs the queue from
HISTORY_START to the clock's start, so history and the days after it are made the same way.
Per customer (scale 1): about 1.4 subscriptions, 35 transactions, 30 commissions, 1.3 leads.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from commerce_sandbox.events import EventWorld
from commerce_sandbox.money import cents

HISTORY_START = dt.datetime(2018, 7, 1, tzinfo=dt.UTC).timestamp()
DAY = 86400
STREAMS = ("transactions", "commissions", "subscriptions", "leads")

# service id, name, plan id, plan name, monthly price per user (USD)
SERVICES = (
    ("2100000001", "Workplace", "2100000101", "Workplace Standard", Decimal("3.00")),
    ("2100000001", "Workplace", "2100000102", "Workplace Professional", Decimal("6.00")),
    ("2100000002", "CRM", "2100000201", "CRM Standard", Decimal("14.00")),
    ("2100000002", "CRM", "2100000202", "CRM Enterprise", Decimal("40.00")),
    ("2100000003", "Books", "2100000301", "Books Standard", Decimal("15.00")),
    ("2100000004", "Zoho One", "2100000401", "Zoho One All Employee", Decimal("37.00")),
    ("2100000005", "Desk", "2100000501", "Desk Professional", Decimal("20.00")),
)
# currency, USD per unit, billing entity, country
MARKETS = (
    ("USD", Decimal("1"), "Zoho US", "United States"),
    ("EUR", Decimal("1.08"), "Zoho Netherlands", "Netherlands"),
    ("INR", Decimal("0.012"), "Zoho India", "India"),
    ("AUD", Decimal("0.66"), "Zoho Australia", "Australia"),
    ("CAD", Decimal("0.73"), "Zoho Canada", "Canada"),
)
FREQUENCIES = (
    ("monthly", 1, 0.6),
    ("quarterly", 3, 0.1),
    ("half_yearly", 6, 0.05),
    ("yearly", 12, 0.25),
)
MONTHS = {name: months for name, months, _ in FREQUENCIES}

CHURN_PER_RENEWAL = 0.05
UPGRADE_PER_RENEWAL = 0.06
REFUND_SHARE = 0.02
COMEBACK_SHARE = 0.3  # of the subscriptions that end: the customer signs up again later
PURGE_AFTER_DAYS = 60  # an inactive subscription leaves the listings this long after it ends
NEW_CUSTOMERS_PER_CUSTOMER_DAY = 0.004
UNCONVERTED_LEADS_PER_CUSTOMER = 0.3
# Commissions: created a day after the transaction, Active 2-4 days later, Completed 8-24 days
# after that (the tap's default 30-day look-back covers the whole life).
ACTIVE_AFTER_DAYS, COMPLETED_AFTER_DAYS = (2, 4), (8, 24)


def day(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).date().isoformat()


def add_months(epoch: float, months: int) -> float:
    moment = dt.datetime.fromtimestamp(epoch, dt.UTC)
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, 28)).timestamp()


@dataclass
class Customer:
    number: int
    email: str
    company: str
    org_id: str
    market: tuple


class ZohoWorld(EventWorld):
    streams = STREAMS

    def __init__(self, seed: int, scale: int, now: float) -> None:
        super().__init__("zoho", seed, scale)
        self.invoices: dict[str, dict] = {}  # transaction id -> invoice fields, once invoiced
        self.purged: set[str] = set()  # subscriptions no longer listed
        self.prices: dict[str, tuple] = {}  # subscription id -> (service, price per user)
        self.owners: dict[str, Customer] = {}  # subscription id -> its customer
        self._ids = itertools.count(1)
        self.customers: list[Customer] = []
        for _ in range(self.scale):
            self._schedule(self.rng.uniform(HISTORY_START, now - DAY), "signup", None)
        for _ in range(round(self.scale * UNCONVERTED_LEADS_PER_CUSTOMER)):
            self._schedule(self.rng.uniform(HISTORY_START, now), "lead", None)
        self._schedule(now + DAY / 2, "daily", None)
        self._schedule_the_guarantees(now)
        self.advance(HISTORY_START, now)

    def _schedule_the_guarantees(self, now: float) -> None:
        """What every world holds whatever its start day, seed and scale (Zoho.guaranteed_changes):
        a subscription ends so that it leaves the listings within the month after the start; a
        customer signs up hours before the start, so the listings are never empty and its
        transaction is invoiced, and its commission created and made Active, after the start; and
        another signs up on the first day, a transaction created after the start."""
        self._schedule(now - self.rng.uniform(90, 120) * DAY, "signup", None)
        self._schedule(now - (PURGE_AFTER_DAYS - self.rng.uniform(3, 25)) * DAY, "cancel", None)
        self._schedule(now - self.rng.uniform(0, 0.1) * DAY, "signup", None)
        self._schedule(now + self.rng.uniform(0.1, 1) * DAY, "signup", None)

    def _new_id(self, base: int) -> str:
        return str(base + next(self._ids))

    def market(self, subscription: dict) -> tuple:
        return self.prices[subscription["subscription_id"]][1]

    # ---- events ---------------------------------------------------------------------------
    def _on_daily(self, at: float, _: Any) -> None:
        arrivals = self.scale * NEW_CUSTOMERS_PER_CUSTOMER_DAY
        for _ in range(int(arrivals) + (self.rng.random() < arrivals % 1)):
            self._schedule(at + self.rng.uniform(0, DAY), "signup", None)
        if (
            self.rng.random()
            < self.scale * NEW_CUSTOMERS_PER_CUSTOMER_DAY * UNCONVERTED_LEADS_PER_CUSTOMER
        ):
            self._schedule(at + self.rng.uniform(0, DAY), "lead", None)
        self._schedule(at + DAY, "daily", None)

    def _on_lead(self, at: float, customer: Customer | None) -> None:
        customer = customer or self._new_customer()
        service = self.rng.choice(SERVICES)
        lead = {
            "lead_id": self._new_id(3_400_000_000),
            "email_id": customer.email,
            "customer_company_name": customer.company,
            "service_id": service[0],
            "service_name": service[1],
            "registration_date": day(at),
            "country": customer.market[3],
        }
        self.records["leads"][lead["lead_id"]] = lead
        self._count("leads", "created")

    def _new_customer(self) -> Customer:
        number = len(self.customers) + 1
        market = self.rng.choices(MARKETS, weights=(50, 20, 15, 10, 5))[0]
        customer = Customer(
            number,
            f"it{number}@customer{number}.example",
            f"Customer {number} Ltd",
            str(60_000_000 + number * 7),
            market,
        )
        self.customers.append(customer)
        return customer

    def _on_signup(self, at: float, customer: Customer | None) -> None:
        if customer is None:  # a new customer: registered as a lead a few days before buying
            customer = self._new_customer()
            self._on_lead(max(at - self.rng.uniform(1, 20) * DAY, HISTORY_START), customer)
            if self.rng.random() < 0.4:  # a second subscription some weeks later
                self._schedule(at + self.rng.uniform(20, 200) * DAY, "signup", customer)
        service = self.rng.choice(SERVICES)
        frequency = self.rng.choices(
            [f for f, _, _ in FREQUENCIES], weights=[w for _, _, w in FREQUENCIES]
        )[0]
        subscription_id = self._new_id(14_000_000_000)
        users = self.rng.randint(1, 40)
        subscription = {
            "id": subscription_id,
            "subscription_id": subscription_id,
            "subscription_type": self.rng.choices(("online", "offline"), weights=(4, 1))[0],
            "pricing_type": self.rng.choice(("partner_price", "list_price")),
            "status": "active",
            "email_id": customer.email,
            "customer_company_name": customer.company,
            "org_id": customer.org_id,
            "profile_id": self._new_id(5_000_000_000),
            "service_id": service[0],
            "service_name": service[1],
            "plan_id": service[2],
            "plan_name": service[3],
            "billing_frequency": frequency,
            "subscription_start_date": day(at),
            "currency_code": customer.market[0],
            "paid_users": users,
            "addons": [{"addon_name": "User", "value": users}],
        }
        self.prices[subscription_id] = (service, customer.market)
        self.owners[subscription_id] = customer
        self.records["subscriptions"][subscription_id] = subscription
        self._count("subscriptions", "created")
        self._charge(at, subscription, "signup", MONTHS[frequency])
        self._set_next_renewal(subscription, add_months(at, MONTHS[frequency]))

    def _set_next_renewal(self, subscription: dict, at: float) -> None:
        subscription["next_recurring_date"] = day(at)
        amount = self._price(subscription, MONTHS[subscription["billing_frequency"]])
        subscription["next_recurring_amount"] = amount
        subscription["next_recurring_amount_usd"] = cents(amount * self.market(subscription)[1])
        self._schedule(at, "renewal", subscription["subscription_id"])

    def _price(self, subscription: dict, months: float) -> Decimal:
        service, market = self.prices[subscription["subscription_id"]]
        return cents(service[4] / market[1] * subscription["paid_users"] * Decimal(str(months)))

    def _on_renewal(self, at: float, subscription_id: str) -> None:
        subscription = self.records["subscriptions"][subscription_id]
        if subscription["status"] != "active":
            return
        months = MONTHS[subscription["billing_frequency"]]
        if self.rng.random() < CHURN_PER_RENEWAL:
            self._end(at, subscription)
            return
        self._charge(at, subscription, "recurring", months)
        if self.rng.random() < UPGRADE_PER_RENEWAL:  # more users mid-term: a prorated charge
            self._schedule(at + self.rng.uniform(3, 25) * DAY, "upgrade", subscription_id)
        self._set_next_renewal(subscription, add_months(at, months))
        self._count("subscriptions", "changed")

    def _on_cancel(self, at: float, _: Any) -> None:
        """The oldest active subscription ends now (one always exists: a guarantee's signup)."""
        active = [
            row for row in self.records["subscriptions"].values() if row["status"] == "active"
        ]
        self._end(at, min(active, key=lambda row: int(row["subscription_id"])))

    def _end(self, at: float, subscription: dict) -> None:
        subscription["status"] = "inactive"
        subscription["next_recurring_date"] = None
        subscription["next_recurring_amount"] = subscription["next_recurring_amount_usd"] = None
        self._count("subscriptions", "changed")
        self._transaction(at, subscription, "cancel", Decimal("0.00"))
        self._schedule(at + PURGE_AFTER_DAYS * DAY, "purge", subscription["subscription_id"])
        if self.rng.random() < COMEBACK_SHARE:
            comeback = at + self.rng.uniform(45, 150) * DAY
            self._schedule(comeback, "signup", self.owners[subscription["subscription_id"]])

    def _on_upgrade(self, at: float, subscription_id: str) -> None:
        subscription = self.records["subscriptions"][subscription_id]
        if subscription["status"] != "active":
            return
        added = self.rng.randint(1, 10)
        subscription["paid_users"] += added
        subscription["addons"] = [{"addon_name": "User", "value": subscription["paid_users"]}]
        service, market = self.prices[subscription_id]
        self._transaction(
            at, subscription, "upgrade", cents(service[4] / market[1] * added * Decimal("0.5"))
        )
        amount = self._price(subscription, MONTHS[subscription["billing_frequency"]])
        subscription["next_recurring_amount"] = amount
        subscription["next_recurring_amount_usd"] = cents(amount * market[1])
        self._count("subscriptions", "changed")

    def _on_purge(self, at: float, subscription_id: str) -> None:
        self.purged.add(subscription_id)
        self._count("subscriptions", "deleted")

    def _charge(self, at: float, subscription: dict, kind: str, months: int) -> None:
        transaction = self._transaction(at, subscription, kind, self._price(subscription, months))
        if self.rng.random() < REFUND_SHARE:
            self._schedule(
                at + self.rng.uniform(1, 12) * DAY, "refund", transaction["transaction_id"]
            )

    def _on_refund(self, at: float, transaction_id: str) -> None:
        paid = self.records["transactions"][transaction_id]
        subscription = self.records["subscriptions"][paid["subscription_id"]]
        self._transaction(at, subscription, "refund", -paid["amount"])

    def _transaction(self, at: float, subscription: dict, kind: str, amount: Decimal) -> dict:
        market = self.market(subscription)
        transaction = {
            "transaction_id": self._new_id(9_000_000_000),
            "subscription_id": subscription["subscription_id"],
            "transaction_date": day(at),
            "transaction_type": kind,
            "subscription_type": subscription["subscription_type"],
            "pricing_type": subscription["pricing_type"],
            "billing_frequency": subscription["billing_frequency"],
            "service_id": subscription["service_id"],
            "service_name": subscription["service_name"],
            "plan_name": subscription["plan_name"],
            "email_id": subscription["email_id"],
            "customer_company_name": subscription["customer_company_name"],
            "org_id": subscription["org_id"],
            "paid_users": subscription["paid_users"],
            "currency_code": market[0],
            "amount": amount,
            "amount_usd": cents(amount * market[1]),
        }
        self.records["transactions"][transaction["transaction_id"]] = transaction
        self._count("transactions", "created")
        if amount:
            self._schedule(
                at + self.rng.uniform(0.1, 2) * DAY, "invoice", transaction["transaction_id"]
            )
            self._schedule(at + DAY, "commission", transaction["transaction_id"])
        return transaction

    def _on_invoice(self, at: float, transaction_id: str) -> None:
        transaction = self.records["transactions"][transaction_id]
        market = self.market(self.records["subscriptions"][transaction["subscription_id"]])
        self.invoices[transaction_id] = {
            "invoice_number": f"INV-{market[0]}-{int(transaction_id) - 9_000_000_000:07d}",
            "invoiced_entity": market[2],
            "invoice_amount": transaction["amount"],
        }
        self._count("transactions", "changed")

    def _on_commission(self, at: float, transaction_id: str) -> None:
        transaction = self.records["transactions"][transaction_id]
        subscription = self.records["subscriptions"][transaction["subscription_id"]]
        percentage = Decimal(
            25 if subscription["plan_name"].endswith(("Enterprise", "All Employee")) else 18
        )
        reversal = transaction["amount"] < 0
        commission = {
            "commission_id": self._new_id(7_700_000_000),
            "date": day(at),
            "commission_type": "Reversal" if reversal else "Base",
            "status": "Requested",
            "entity": self.market(subscription)[2],
            "currency_code": "USD",
            "eligible_txn_amount": transaction["amount_usd"],
            "commission_percentage": percentage,
            "usd_commission": cents(transaction["amount_usd"] * percentage / 100),
            "subscription": {
                "subscription_id": subscription["subscription_id"],
                "email_id": subscription["email_id"],
                "org_id": subscription["org_id"],
            },
            "transaction": {
                "transaction_id": transaction_id,
                "transaction_date": transaction["transaction_date"],
                "transaction_type": transaction["transaction_type"],
                "service_name": transaction["service_name"],
            },
        }
        self.records["commissions"][commission["commission_id"]] = commission
        self._count("commissions", "created")
        self._schedule(
            at + self.rng.uniform(*ACTIVE_AFTER_DAYS) * DAY,
            "commission_status",
            (commission["commission_id"], "Active"),
        )

    def _on_commission_status(self, at: float, change: tuple[str, str]) -> None:
        commission_id, status = change
        self.records["commissions"][commission_id]["status"] = status
        self._count("commissions", "changed")
        if status == "Active":
            self._schedule(
                at + self.rng.uniform(*COMPLETED_AFTER_DAYS) * DAY,
                "commission_status",
                (commission_id, "Completed"),
            )
