"""The Zuora billing world: accounts, subscriptions (one record per version), the orders that
created and amended them, monthly invoices with their items, payments; and how it moves with the
clock. Records are kept exactly as the Quickstart API serialises them (field names and types of
the 2024-01-24 spec's schemas; absent optional fields are left out, since the schemas do not
allow null for them).

World size from `scale` (= accounts): each account opens 1-24 months before the clock start and
holds 1-3 subscriptions, each starting within the first fifth of the account's life, billed
monthly with 1-4 items per invoice (one per charge) and amended with a chance of 4% a month.
Measured per account (scale 8000): 23.2 invoices, 58 invoice items, 2.8 subscription versions,
2.8 orders; so invoices ≈ 23 x scale (scale 8000 ≈ 185k invoices, 466k items).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import random
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from commerce_sandbox.money import cents
from commerce_sandbox.table import Table
from commerce_sandbox.vendor import StreamCounts

PACIFIC = ZoneInfo("America/Los_Angeles")  # Zuora's examples carry -08:00 / -07:00 offsets
STREAMS = ("accounts", "subscriptions", "orders", "invoices", "invoice_items")
DAY = 86400
MONTH = 30.44 * DAY
ZERO = Decimal("0.00")
TAX_RATES = {"USD": Decimal("0.0825"), "EUR": Decimal("0.19"), "GBP": Decimal("0.20")}
CHARGE_CATALOG = (  # name, sku, accounting code
    ("Platform seats", "SKU-SEAT", "4000"),
    ("API calls (per thousand)", "SKU-API", "4010"),
    ("Premium support", "SKU-SUP", "4020"),
    ("Storage (GB)", "SKU-STO", "4030"),
)
AMEND_PER_SUBSCRIPTION_MONTH = 0.04
NEW_ACCOUNTS_PER_ACCOUNT_DAY = 0.01
AMENDMENTS_PER_SUBSCRIPTION_DAY = 0.01
PAID_PER_OPEN_INVOICE_DAY = 0.07
DRAFT_DELETE_SHARE = 0.25


def stamp_text(epoch: float) -> str:
    return _stamp_text(int(epoch))


@functools.lru_cache(maxsize=1 << 20)  # an invoice's items and its first events share instants
def _stamp_text(epoch: int) -> str:
    return dt.datetime.fromtimestamp(epoch, PACIFIC).isoformat()


def day_text(epoch: float) -> str:
    return stamp_text(epoch)[:10]


@dataclass
class Charge:
    name: str
    sku: str
    accounting_code: str
    price_id: str
    subscription_item_id: str
    unit_amount: Decimal  # 2 or 4 decimals, as a price would be
    quantity: Decimal

    @property
    def amount(self) -> Decimal:
        return cents(self.unit_amount * self.quantity)


@dataclass
class Plan:
    """What a subscription bills, across its versions (not an API object)."""

    account_id: str
    subscription_number: str
    latest_id: str  # the id of the subscription's latest version
    charges: list[Charge]
    next_bill: float


@dataclass
class OpenInvoice:
    due: float  # epoch of the due date
    unpaid_items: list[str] = field(default_factory=list)


class ZuoraWorld:
    def __init__(self, seed: int, scale: int, now: float, id_seed: int | None = None) -> None:
        self.rng = random.Random(seed)
        # Ids from a generator of their own when given one (accounts of one vendor share it, so
        # their ids collide); the default account's come from `rng`, as they always did.
        self.id_rng = self.rng if id_seed is None else random.Random(id_seed)
        self.tables = {stream: Table() for stream in STREAMS}
        self.items_of: dict[str, list[str]] = {}  # invoice id -> its item ids
        self.account_invoices: dict[str, list[str]] = {}
        self.account_subscriptions: dict[str, list[str]] = {}  # every version's id
        self.plans: dict[str, Plan] = {}  # subscription number -> plan
        # Insertion-ordered "sets" (dicts): iteration order must not depend on string hashing.
        self.drafts: dict[str, None] = {}
        self.open_invoices: dict[str, OpenInvoice] = {}
        self.pending_orders: dict[str, None] = {}
        self.numbers = {kind: itertools.count(1) for kind in ("A", "A-S", "O-", "INV")}
        self.users = [self._id() for _ in range(5)]
        for _ in range(scale):
            opened = now - self.rng.uniform(1, 24) * MONTH
            self._open_account(opened, now, history=True)

    # ---- records ---------------------------------------------------------------------------
    def _id(self) -> str:
        return f"{self.id_rng.getrandbits(128):032x}"

    def _number(self, kind: str) -> str:
        return f"{kind}{next(self.numbers[kind]):08d}"

    def _new(self, when: float) -> dict:
        user = self.rng.choice(self.users)
        return {
            "id": self._id(),
            "created_by_id": user,
            "created_time": stamp_text(when),
            "updated_by_id": user,
            "updated_time": stamp_text(when),
            "custom_fields": {},
        }

    def _put(self, stream: str, record: dict, when: float) -> None:
        self.tables[stream].put(record["id"], record, int(when))

    def _touch(self, stream: str, record_id: str, when: float) -> dict:
        """Mark a record changed at `when`; an update never goes back in time (nor stands still,
        so a client filtering on `updated_time.GT` always sees the change)."""
        table = self.tables[stream]
        epoch = max(int(when), table.stamps[record_id] + 1)
        record = table.records[record_id]
        record["updated_time"] = stamp_text(epoch)
        table.put(record_id, record, epoch)
        return record

    # ---- accounts, subscriptions, orders ---------------------------------------------------
    def _open_account(self, opened: float, now: float, history: bool) -> None:
        rng = self.rng
        account = self._new(opened)
        currency = rng.choice(("USD", "USD", "USD", "EUR", "GBP"))
        number = self._number("A")
        account.update(
            {
                "account_number": number,
                "name": f"Customer {number}",
                "billing_document_settings": {"email_documents": True, "print_documents": False},
                "batch": f"Batch{rng.randint(1, 5)}",
                "bill_cycle_day": rng.randint(1, 28),
                "communication_profile_id": self.users[0],
                "crm_id": f"CRM-{rng.randint(100000, 999999)}",
                "default_payment_method_id": self._id(),
                "payment_terms": "Net 30",
                "auto_pay": rng.random() < 0.5,
                "currency": currency,
                "sales_rep": rng.choice(("Ada Park", "Bo Lindqvist", "Chidi Okafor")),
                "enabled": True,
                "remaining_debit_memo_balance": ZERO,
                "remaining_invoice_balance": ZERO,
                "remaining_credit_memo_balance": ZERO,
                "remaining_payment_balance": ZERO,
                "bill_to_id": self._id(),
                "sold_to_id": self._id(),
            }
        )
        self._put("accounts", account, opened)
        self.account_invoices[account["id"]] = []
        self.account_subscriptions[account["id"]] = []
        for _ in range(rng.randint(1, 3)):
            started = opened + rng.uniform(0, 0.2) * (now - opened) if history else opened
            self._subscribe(account, started, now, history)

    def _subscribe(self, account: dict, started: float, now: float, history: bool) -> None:
        rng = self.rng
        subscription = self._new(started)
        charges = []
        for name, sku, accounting_code in rng.sample(CHARGE_CATALOG, rng.randint(1, 4)):
            four_decimals = sku == "SKU-API"  # usage-like prices carry sub-cent precision
            unit = (
                Decimal(rng.randint(1000, 99999)).scaleb(-4)
                if four_decimals
                else Decimal(rng.randint(500, 49999)).scaleb(-2)
            )
            charges.append(
                Charge(
                    name,
                    sku,
                    accounting_code,
                    self._id(),
                    self._id(),
                    unit,
                    Decimal(rng.randint(1, 40)),
                )
            )
        subscription.update(
            {
                "subscription_number": self._number("A-S"),
                "state": "active",
                "version": 1,
                "account_id": account["id"],
                "invoice_owner_account_id": account["id"],
                "auto_renew": False,
                "latest_version": True,
                "initial_term": {"type": "evergreen"},
                "current_term": {"type": "evergreen", "start_date": day_text(started)},
                "renewal_term": {"type": "evergreen"},
                "start_date": day_text(started),
                "description": f"{account['name']} subscription",
                "contract_effective": day_text(started),
                "service_activation": day_text(started),
                "customer_acceptance": day_text(started),
                "invoice_separately": False,
                "currency": account["currency"],
                "last_booking_date": day_text(started),
                "bill_to_id": account["bill_to_id"],
                "payment_terms": account["payment_terms"],
                "billing_document_settings": {},
                "sold_to_id": account["sold_to_id"],
            }
        )
        self._set_mrr(subscription, charges)
        plan = Plan(
            account["id"], subscription["subscription_number"], subscription["id"], charges, started
        )
        self.plans[plan.subscription_number] = plan
        self._order(account, subscription, started, "create_subscription", complete=history)
        self._put("subscriptions", subscription, started)
        self.account_subscriptions[account["id"]].append(subscription["id"])
        if history:
            while plan.next_bill <= now:
                if plan.next_bill > started and rng.random() < AMEND_PER_SUBSCRIPTION_MONTH:
                    self._amend(plan, plan.next_bill - rng.uniform(1, 20) * DAY, complete=True)
                self._bill(plan, plan.next_bill, now)
                plan.next_bill += MONTH

    @staticmethod
    def _set_mrr(subscription: dict, charges: list[Charge]) -> None:
        subscription["contracted_mrr"] = str(sum((charge.amount for charge in charges), ZERO))

    def _order(
        self, account: dict, subscription: dict, when: float, action: str, complete: bool
    ) -> None:
        rng = self.rng
        order = self._new(when)
        order_number = self._number("O-")
        line_items = []
        for kind, name, code in (
            ("fee", "Setup fee", "FEE-SETUP"),
            ("services", "Onboarding", "SVC-ONB"),
        ):
            if rng.random() < (0.5 if action == "create_subscription" else 0.15):
                unit = Decimal(rng.randint(5000, 250000)).scaleb(-2)
                quantity = Decimal(rng.randint(1, 3))
                total = cents(unit * quantity)
                line_items.append(
                    {
                        **self._new(when),
                        "unit_of_measure": "Each",
                        "accounting_code": "4500",
                        "unit_amount": unit,
                        "target_date": day_text(when),
                        "billing_rule": "trigger_without_fulfillment",
                        "description": f"{name} for {subscription['subscription_number']}",
                        "discount_unit_amount": ZERO,
                        "discount_percent": Decimal("0"),
                        "category": "sale",
                        "name": name,
                        "type": kind,
                        "list_unit_price": unit,
                        "product_code": code,
                        "quantity": quantity,
                        "related_subscription_number": subscription["subscription_number"],
                        "sold_to_id": account["sold_to_id"],
                        "state": "booked" if complete else "pending",
                        "item_number": str(len(line_items) + 1),
                        "start_date": day_text(when),
                        "end_date": day_text(when),
                        "tax_inclusive": False,
                        "order_id": order["id"],
                        "total": total,
                        "subtotal": total,
                        "quantity_fulfilled": Decimal("0"),
                        "quantity_pending_fulfillment": Decimal("0"),
                        "requires_fulfillment": False,
                        "discount_total": ZERO,
                        "list_price": total,
                        "quantity_available_for_return": quantity,
                    }
                )
        subscription["order_number"] = order_number
        action_record = {
            "action_id": self._id(),
            "type": action,
            "sequence": 0,
            "start_on": {
                "contract_effective": day_text(when),
                "service_activation": day_text(when),
                "customer_acceptance": day_text(when),
            },
        }
        order.update(
            {
                "order_number": order_number,
                "order_date": day_text(when),
                "description": f"{action.replace('_', ' ')} {subscription['subscription_number']}",
                "category": "sale",
                "account_id": account["id"],
                "line_items": {"next_page": None, "data": line_items},
                # The subscription as this order left it (a snapshot: later versions do not
                # rewrite it).
                "subscriptions": [{**subscription, "actions": [action_record]}],
                "state": "complete" if complete else "pending",
            }
        )
        self._put("orders", order, when)
        if not complete:
            self.pending_orders[order["id"]] = None

    def _amend(self, plan: Plan, when: float, complete: bool) -> None:
        """A quantity change: a new subscription version (new id, version + 1, the latest), the
        old version no longer the latest, and the order that did it."""
        stamps = self.tables["subscriptions"].stamps
        old = self._touch("subscriptions", plan.latest_id, when)
        old["latest_version"] = False
        changed_at = stamps[plan.latest_id]
        charge = self.rng.choice(plan.charges)
        charge.quantity += self.rng.randint(1, 10)
        new = {
            **old,
            **self._new(changed_at),
            "version": old["version"] + 1,
            "latest_version": True,
            "last_booking_date": day_text(changed_at),
        }
        self._set_mrr(new, plan.charges)
        account = self.tables["accounts"].records[plan.account_id]
        self._order(account, new, changed_at, "update_subscription_plan", complete)
        self._put("subscriptions", new, changed_at)
        self.account_subscriptions[plan.account_id].append(new["id"])
        plan.latest_id = new["id"]

    # ---- invoices and payments -------------------------------------------------------------
    def _bill(self, plan: Plan, issued: float, now: float) -> None:
        """One monthly invoice; in the last day before `now` a bill-run draft, otherwise posted an
        hour after issue and paid 2-40 days later (in one or more payments) if before `now`."""
        rng = self.rng
        account = self.tables["accounts"].records[plan.account_id]
        invoice = self._new(issued)
        invoice_id = invoice["id"]
        rate = TAX_RATES[account["currency"]]
        item_ids, subtotal, tax = [], ZERO, ZERO
        for charge in plan.charges:
            item = self._new(issued)
            amount, item_tax = charge.amount, cents(charge.amount * rate)
            subtotal, tax = subtotal + amount, tax + item_tax
            item.update(
                {
                    "amount": amount,
                    "description": f"{charge.name}, {day_text(issued)}",
                    "deferred_revenue_account": "2100",
                    "recognized_revenue_account": charge.accounting_code,
                    "revenue_recognition_rule_name": "Recognize upon invoicing",
                    "quantity": charge.quantity,
                    "service_end": day_text(issued + MONTH - DAY),
                    "accounts_receivable_account": "1200",
                    "discount_item": False,
                    "service_start": day_text(issued),
                    "accounting_code": charge.accounting_code,
                    "invoice_id": invoice_id,
                    "sku": charge.sku,
                    "subscription_id": plan.latest_id,
                    "tax_inclusive": False,
                    "remaining_balance": amount + item_tax,
                    "unit_of_measure": "Each",
                    "unit_amount": charge.unit_amount,
                    "name": charge.name,
                    "document_item_date": stamp_text(issued),
                    "price_id": charge.price_id,
                    "tax": item_tax,
                    "tax_code": f"TAX-{account['currency']}",
                    "subscription_item_id": charge.subscription_item_id,
                }
            )
            self._put("invoice_items", item, issued)
            item_ids.append(item["id"])
        total = subtotal + tax
        invoice.update(
            {
                "account_id": account["id"],
                "account_number": account["account_number"],
                "description": f"{plan.subscription_number} {day_text(issued)[:7]}",
                "due_date": day_text(issued + 30 * DAY),
                "document_date": day_text(issued),
                "transfer_to_accounting": False,
                "pay": account["auto_pay"],
                "currency": account["currency"],
                "invoice_number": self._number("INV"),
                "state_transitions": {},
                "state": "draft",
                "total": total,
                "subtotal": subtotal,
                "tax": tax,
                "balance": total,
                "remaining_balance": total,
                "paid": False,
                "past_due": False,
                "bill_to_id": account["bill_to_id"],
                "payment_terms": account["payment_terms"],
                "billing_document_settings": {},
                "sold_to_id": account["sold_to_id"],
            }
        )
        self._put("invoices", invoice, issued)
        self.items_of[invoice_id] = item_ids
        self.account_invoices[account["id"]].append(invoice_id)
        if now - issued < DAY:
            self.drafts[invoice_id] = None
            return
        self._post(invoice, issued + 3600)
        while invoice_id in self.open_invoices:
            paid_at = self.tables["invoices"].stamps[invoice_id] + rng.uniform(2, 40) * DAY
            if self.open_invoices[invoice_id].due <= min(paid_at, now):
                self._fall_due(invoice_id)
            if paid_at > now:
                break
            self._pay(invoice_id, paid_at)

    def _post(self, invoice: dict, when: float) -> None:
        invoice.update(
            {
                "state": "posted",
                "posted_by_id": invoice["created_by_id"],
                "state_transitions": {"posted_time": stamp_text(when)},
            }
        )
        self._touch("invoices", invoice["id"], when)
        self.open_invoices[invoice["id"]] = OpenInvoice(
            due=dt.datetime.fromisoformat(invoice["due_date"]).replace(tzinfo=PACIFIC).timestamp(),
            unpaid_items=list(self.items_of[invoice["id"]]),
        )
        self._owe(invoice["account_id"], invoice["total"], when)

    def _owe(self, account_id: str, amount: Decimal, when: float) -> None:
        account = self._touch("accounts", account_id, when)
        account["remaining_invoice_balance"] += amount

    def _fall_due(self, invoice_id: str) -> None:
        invoice = self.tables["invoices"].records[invoice_id]
        if not invoice["past_due"]:
            invoice["past_due"] = True
            self._touch("invoices", invoice_id, self.open_invoices[invoice_id].due)

    def _pay(self, invoice_id: str, when: float) -> None:
        """A payment: usually the whole balance, sometimes only the first unpaid item (items are
        paid whole, so the items' remaining balances always add up to the invoice's)."""
        open_invoice = self.open_invoices[invoice_id]
        partial = len(open_invoice.unpaid_items) > 1 and self.rng.random() < 0.15
        paying = open_invoice.unpaid_items[:1] if partial else open_invoice.unpaid_items
        amount = ZERO
        for item_id in paying:
            item = self._touch("invoice_items", item_id, when)
            amount += item["remaining_balance"]
            item["remaining_balance"] = ZERO
        open_invoice.unpaid_items = open_invoice.unpaid_items[len(paying) :]
        invoice = self._touch("invoices", invoice_id, when)
        invoice["balance"] = invoice["remaining_balance"] = invoice["remaining_balance"] - amount
        if not open_invoice.unpaid_items:
            invoice["paid"], invoice["past_due"] = True, False
            del self.open_invoices[invoice_id]
        self._owe(invoice["account_id"], -amount, when)

    # ---- the clock moves ----------------------------------------------------------------------
    def advance(self, seed: int, start: float, end: float) -> StreamCounts:
        self.rng = rng = random.Random(f"{seed}:{start}:{end}")
        days = (end - start) / DAY
        before = {stream: dict(table.stamps) for stream, table in self.tables.items()}

        def moment(after: float = start) -> float:
            return rng.uniform(max(after, start) + 1, end)

        def chance(per_day: float) -> float:
            return 1 - (1 - per_day) ** days

        # Bill-run drafts from before this interval are posted, or deleted with their items.
        for invoice_id in [
            key for key in self.drafts if self.tables["invoices"].stamps[key] <= start
        ]:
            del self.drafts[invoice_id]
            if rng.random() < DRAFT_DELETE_SHARE:
                self._delete_invoice(invoice_id)
            else:
                self._post(self.tables["invoices"].records[invoice_id], moment())
        for invoice_id in list(self.open_invoices):
            if start < self.open_invoices[invoice_id].due <= end:
                self._fall_due(invoice_id)
            if rng.random() < chance(PAID_PER_OPEN_INVOICE_DAY):
                self._pay(invoice_id, moment(self.tables["invoices"].stamps[invoice_id]))
        for order_id in list(self.pending_orders):
            order = self._touch("orders", order_id, moment(self.tables["orders"].stamps[order_id]))
            order["state"] = "complete"
            for line_item in order["line_items"]["data"]:
                line_item["state"] = "booked"
                line_item["updated_time"] = order["updated_time"]
        self.pending_orders.clear()
        plans = list(self.plans.values())
        amendments = min(
            len(plans), int(len(plans) * AMENDMENTS_PER_SUBSCRIPTION_DAY * days + rng.random())
        )
        for plan in rng.sample(plans, amendments):
            self._amend(
                plan, moment(self.tables["subscriptions"].stamps[plan.latest_id]), complete=False
            )
        for _ in range(
            int(len(self.account_invoices) * NEW_ACCOUNTS_PER_ACCOUNT_DAY * days + rng.random())
        ):
            self._open_account(moment(), end, history=False)
        for plan in self.plans.values():  # the bill run: drafts, posted (or deleted) next time
            while plan.next_bill <= end:
                issued = max(plan.next_bill, start + 1)
                self._bill(plan, issued, issued)
                plan.next_bill += MONTH
        return {
            stream: self._changes(before[stream], self.tables[stream].stamps) for stream in STREAMS
        }

    @staticmethod
    def _changes(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
        return {
            "created": len(after.keys() - before.keys()),
            "deleted": len(before.keys() - after.keys()),
            "changed": sum(
                1 for key, epoch in after.items() if key in before and before[key] != epoch
            ),
        }

    def _delete_invoice(self, invoice_id: str) -> None:
        """A hard delete: the draft and its items vanish from every list."""
        invoice = self.tables["invoices"].records[invoice_id]
        for item_id in self.items_of.pop(invoice_id):
            self.tables["invoice_items"].delete(item_id)
        self.tables["invoices"].delete(invoice_id)
        self.account_invoices[invoice["account_id"]].remove(invoice_id)
