"""Zuora Quickstart API (v2), simulated: OAuth client credentials, the `{next_page, data}` lists
with keyset cursors (updated_time DESC, id DESC), `filter[]`/`fields[]`/`expand[]`/`page_size`,
rate-limit headers and 429s, Zuora's error body, and a billing world that moves with the clock.

World size: `scale` accounts, each with 1-2 subscriptions started up to 24 months before the
clock start and billed monthly (1-3 items per invoice): measured, about 13 invoices and 26 invoice
items per account (scale 15000 ≈ 200k invoices; scale 38000 ≈ 1M invoice items).
"""

from __future__ import annotations

import base64
import bisect
import datetime as dt
import json
import math
import random
import secrets
import time
from collections import defaultdict
from decimal import Decimal
from typing import Any, Callable
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

from commerce_sandbox.clock import Clock
from commerce_sandbox.vendors import Request, Response, Vendor, local_time_text

PACIFIC = ZoneInfo("America/Los_Angeles")  # Zuora's examples carry -08:00 / -07:00 offsets
CLIENT_ID, CLIENT_SECRET = "sandbox-zuora-client", "sandbox-zuora-secret"
DAY = 86400
MONTH = 30.44 * DAY
CENT, BASIS = Decimal("0.01"), Decimal("0.0001")
STREAMS = ("accounts", "subscriptions", "orders", "invoices", "invoice_items")

# Filterable fields per object (Zuora's "Filter lists" guide, Quickstart tab).
FILTERABLE = {
    "orders": {"updated_time", "created_time", "id", "order_date", "order_number", "account_id", "state"},
    "invoices": {"id", "updated_time", "created_time", "account_id", "document_date", "invoice_number",
                 "remaining_balance", "state", "total"},
    "invoice_items": {"id", "updated_time", "created_time", "subscription_id", "subscription_item_id",
                      "invoice_id", "price_id"},
    "accounts": {"updated_time", "created_time", "id", "batch", "bill_cycle_day", "bill_to_id", "sold_to_id",
                 "crm_id", "currency", "name", "balance", "account_number", "status"},
    "subscriptions": {"updated_time", "created_time", "id", "account_id", "state", "subscription_number",
                      "version", "latest_version", "start_date", "end_date", "contract_effective",
                      "invoice_owner_account_id"},
}
EXPANDABLE = {
    "orders": {"line_items", "subscriptions", "account"},
    "invoices": {"items", "account"},
    "invoice_items": {"invoice", "subscription"},
    "accounts": set(),
    "subscriptions": {"account"},
}
OPERATORS = ("EQ", "NE", "LT", "GT", "SW", "IN")
TIME_FIELDS = {"updated_time", "created_time"}


class BadRequest(Exception):
    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


def error_body(kind: str, code: str, message: str, parameter: str | None = None, retryable: bool = False) -> dict:
    error = {"code": code, "message": message}
    if parameter:
        error["parameter"] = parameter
    return {"type": kind, "errors": [error], "retryable": retryable}


def _epoch(text: str) -> float:
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.timestamp()


def _day(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, PACIFIC).date().isoformat()


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT)


class Zuora(Vendor):
    prefix = "zuora"
    default_settings = {"latency_ms": 0, "token_ttl_seconds": 3599, "rate_limit_per_minute": 100000}

    def __init__(self, seed: int, scale: int, clock: Clock) -> None:
        super().__init__(seed, scale, clock)
        self.rng = random.Random(seed)
        self.tables: dict[str, dict[str, dict]] = {stream: {} for stream in STREAMS}
        self.updated: dict[str, dict[str, int]] = {stream: {} for stream in STREAMS}
        self._index: dict[str, list[tuple[int, str]] | None] = {stream: None for stream in STREAMS}
        self.items_of: dict[str, list[str]] = defaultdict(list)  # invoice id -> item ids
        self.open_invoices: set[str] = set()
        self.drafts: set[str] = set()
        self.pending_orders: set[str] = set()
        self.billing: dict[str, float] = {}  # latest subscription version id -> next bill time
        self.tokens: dict[str, float] = {}  # token -> monotonic expiry
        self.window = (0.0, 0)  # rate-limit window start (monotonic) and requests in it
        self.counter = 0
        self._build_world()

    # ---- the world -------------------------------------------------------------------------
    def _id(self) -> str:
        return f"{self.rng.getrandbits(128):032x}"

    def _number(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter:08d}"

    def _put(self, stream: str, record: dict, epoch: float) -> None:
        epoch = int(epoch)
        record["updated_time"] = local_time_text(epoch, PACIFIC)
        self.tables[stream][record["id"]] = record
        self.updated[stream][record["id"]] = epoch
        self._index[stream] = None

    def _touch(self, stream: str, record_id: str, epoch: float) -> None:
        epoch = max(int(epoch), self.updated[stream][record_id] + 1)
        self._put(stream, self.tables[stream][record_id], epoch)

    def _delete(self, stream: str, record_id: str) -> None:
        del self.tables[stream][record_id]
        del self.updated[stream][record_id]
        self._index[stream] = None

    def _stamp(self, epoch: float, user: str) -> dict:
        return {"id": self._id(), "created_time": local_time_text(epoch, PACIFIC), "created_by_id": user,
                "updated_by_id": user, "custom_fields": {}}

    def _build_world(self) -> None:
        now = self.clock.now
        for _ in range(self.scale):
            opened = now - self.rng.uniform(1, 24) * MONTH
            self._new_account(opened, bill_until=now)

    def _new_account(self, opened: float, bill_until: float) -> str:
        rng, user = self.rng, self._id()
        account = self._stamp(opened, user)
        account_id = account["id"]
        currency = rng.choice(("USD", "USD", "EUR", "GBP"))
        account.update({
            "account_number": self._number("A"), "name": f"Customer {self.counter}",
            "description": None, "batch": f"Batch{rng.randint(1, 3)}", "bill_cycle_day": rng.randint(1, 28),
            "bill_to_id": self._id(), "sold_to_id": self._id(), "communication_profile_id": None,
            "crm_id": f"CRM-{rng.randint(10000, 99999)}", "default_payment_method_id": self._id(),
            "parent_account_id": None, "payment_gateway": None, "payment_terms": "Net 30",
            "sequence_set_id": None, "auto_pay": rng.random() < 0.5, "tax_certificate": None,
            "tax_identifier": None, "currency": currency, "sales_rep": None, "enabled": True,
            "billing_document_settings": {}, "remaining_debit_memo_balance": Decimal("0.00"),
            "remaining_invoice_balance": Decimal("0.00"), "remaining_credit_memo_balance": Decimal("0.00"),
            "remaining_payment_balance": Decimal("0.00"),
        })
        self._put("accounts", account, opened)
        for _ in range(rng.choice((1, 1, 2))):
            started = opened + rng.uniform(0, 0.5) * (bill_until - opened)
            self._new_subscription(account, started, bill_until)
        return account_id

    def _order(self, account: dict, when: float, action: str, subscription: dict, quantity: int,
               unit_amount: Decimal, state: str) -> None:
        order = self._stamp(when, subscription["created_by_id"])
        order_id = order["id"]
        total = _money(unit_amount * quantity)
        line_item = {
            **self._stamp(when, order["created_by_id"]), "order_id": order_id, "item_number": "1",
            "name": "Platform subscription", "description": f"{action} {subscription['subscription_number']}",
            "category": "sale", "type": "product", "state": "booked" if state == "complete" else "pending",
            "quantity": Decimal(quantity), "unit_amount": unit_amount, "list_unit_price": unit_amount,
            "list_price": total, "total": total, "subtotal": total, "discount_total": Decimal("0.00"),
            "discount_unit_amount": Decimal("0.00"), "discount_percent": Decimal("0"),
            "product_code": "PLAT-STD", "start_date": subscription["start_date"],
            "end_date": subscription["end_date"], "target_date": subscription["start_date"],
            "price_id": subscription["custom_fields"]["price_id"], "tax_inclusive": False,
            "requires_fulfillment": False, "unit_of_measure": "Each", "related_subscription_number":
            subscription["subscription_number"], "sold_to_id": account["sold_to_id"],
            "updated_time": local_time_text(when, PACIFIC),
        }
        order.update({
            "order_number": self._number("O-"), "order_date": _day(when), "description": f"{action} order",
            "category": "sale", "account_id": account["id"], "state": state,
            "line_items": {"next_page": None, "data": [line_item]},
            "subscriptions": [{**subscription, "actions": [{
                "action_id": self._id(), "type": action, "sequence": 0,
                "start_on": {"contract_effective": subscription["contract_effective"],
                             "service_activation": subscription["service_activation"],
                             "customer_acceptance": subscription["customer_acceptance"]},
            }]}],
        })
        subscription["order_number"] = order["order_number"]
        self._put("orders", order, when)
        if state == "pending":
            self.pending_orders.add(order_id)

    def _new_subscription(self, account: dict, started: float, bill_until: float, state: str = "complete") -> None:
        rng = self.rng
        subscription = self._stamp(started, account["created_by_id"])
        unit_amount = Decimal(rng.randint(999, 4999999)) * BASIS
        quantity = rng.randint(1, 50)
        term_end = started + 365 * DAY
        subscription.update({
            "subscription_number": self._number("A-S"), "state": "active", "version": 1,
            "account_id": account["id"], "invoice_owner_account_id": account["id"],
            "auto_renew": rng.random() < 0.7, "latest_version": True,
            "initial_term": {"type": "termed", "interval_count": 1, "interval": "year"},
            "current_term": {"type": "termed", "start_date": _day(started), "end_date": _day(term_end),
                             "interval_count": 1, "interval": "year"},
            "renewal_term": {"type": "evergreen"}, "start_date": _day(started), "end_date": _day(term_end),
            "description": None, "contract_effective": _day(started), "service_activation": _day(started),
            "customer_acceptance": _day(started), "invoice_separately": False,
            "contracted_mrr": str(_money(unit_amount * quantity)), "currency": account["currency"],
            "cancel_reason": None, "last_booking_date": _day(started), "bill_to_id": account["bill_to_id"],
            "payment_terms": "Net 30", "sold_to_id": account["sold_to_id"],
            "billing_document_settings": {},
        })
        subscription["custom_fields"] = {"price_id": self._id(), "quantity": str(quantity),
                                         "unit_amount": str(unit_amount)}
        self._order(account, started, "create_subscription", subscription, quantity, unit_amount, state)
        self._put("subscriptions", subscription, started)
        next_bill = started
        while next_bill <= bill_until:
            self._invoice(subscription, next_bill, bill_until)
            next_bill += MONTH
        self.billing[subscription["id"]] = next_bill

    def _invoice(self, subscription: dict, issued: float, now: float) -> None:
        """A monthly invoice; paid after 2-30 days if that is before `now`, a draft for a day."""
        rng = self.rng
        account = self.tables["accounts"][subscription["account_id"]]
        invoice = self._stamp(issued, subscription["created_by_id"])
        invoice_id = invoice["id"]
        unit_amount = Decimal(subscription["custom_fields"]["unit_amount"])
        quantity = Decimal(subscription["custom_fields"]["quantity"])
        subtotal = tax = Decimal("0.00")
        for line in range(rng.randint(1, 3)):
            item = self._stamp(issued, invoice["created_by_id"])
            amount = _money(unit_amount * quantity / (line + 1))
            item_tax = _money(amount * Decimal("0.0825"))
            subtotal, tax = subtotal + amount, tax + item_tax
            item.update({
                "invoice_id": invoice_id, "amount": amount, "tax": item_tax, "quantity": quantity,
                "unit_amount": (unit_amount / (line + 1)).quantize(BASIS),
                "unit_of_measure": "Each", "description": None, "name": f"Charge {line + 1}",
                "sku": f"SKU-{line + 1:03d}", "service_start": _day(issued), "service_end": _day(issued + MONTH - DAY),
                "document_item_date": local_time_text(issued, PACIFIC), "subscription_id": subscription["id"],
                "subscription_item_id": self._id(), "price_id": subscription["custom_fields"]["price_id"],
                "accounting_code": "4000", "deferred_revenue_account": "2100",
                "recognized_revenue_account": "4000", "accounts_receivable_account": "1200",
                "revenue_recognition_rule_name": "Recognize upon invoicing", "remaining_balance": amount + item_tax,
                "discount_item": False, "applied_to_item_id": None, "tax_code": "STD", "tax_inclusive": False,
                "booking_reference": None, "purchase_order_number": None,
            })
            self._put("invoice_items", item, issued)
            self.items_of[invoice_id].append(item["id"])
        total = subtotal + tax
        draft = now - issued < DAY
        invoice.update({
            "account_id": account["id"], "account_number": account["account_number"],
            "description": f"Invoice for {subscription['subscription_number']}", "due_date": _day(issued + 30 * DAY),
            "document_date": _day(issued), "transfer_to_accounting": False, "pay": False,
            "currency": account["currency"], "invoice_number": self._number("INV"),
            "state_transitions": {"posted_time": None if draft else local_time_text(issued + 3600, PACIFIC),
                                  "canceled_time": None},
            "posted_by_id": None if draft else invoice["created_by_id"], "state": "draft" if draft else "posted",
            "total": total, "subtotal": subtotal, "tax": tax, "balance": total, "remaining_balance": total,
            "paid": False, "past_due": False, "bill_to_id": account["bill_to_id"], "payment_terms": "Net 30",
            "billing_document_settings": {}, "sold_to_id": account["sold_to_id"],
        })
        self._put("invoices", invoice, issued)
        if draft:
            self.drafts.add(invoice_id)
            return
        self._owe(invoice, total, issued + 3600)
        paid_at = issued + rng.uniform(2, 30) * DAY
        if paid_at < now:
            self._pay(invoice, paid_at)
        else:
            self.open_invoices.add(invoice_id)

    def _owe(self, invoice: dict, amount: Decimal, when: float) -> None:
        """An account's open invoice balance moves with its invoices."""
        account = self.tables["accounts"][invoice["account_id"]]
        account["remaining_invoice_balance"] += amount
        self._touch("accounts", account["id"], when)

    def _pay(self, invoice: dict, when: float) -> None:
        self._owe(invoice, -invoice["remaining_balance"], when)
        invoice.update({"balance": Decimal("0.00"), "remaining_balance": Decimal("0.00"), "paid": True})
        self._touch("invoices", invoice["id"], when)
        for item_id in self.items_of[invoice["id"]]:
            self.tables["invoice_items"][item_id]["remaining_balance"] = Decimal("0.00")
            self._touch("invoice_items", item_id, when)
        self.open_invoices.discard(invoice["id"])

    def _amend(self, subscription_id: str, when: float) -> None:
        """A new version: new id, version + 1; the old one stops being the latest."""
        old = self.tables["subscriptions"][subscription_id]
        account = self.tables["accounts"][old["account_id"]]
        quantity = int(old["custom_fields"]["quantity"]) + self.rng.randint(1, 10)
        new = {**old, **self._stamp(when, old["created_by_id"]), "version": old["version"] + 1,
               "custom_fields": {**old["custom_fields"], "quantity": str(quantity)},
               "last_booking_date": _day(when)}
        new["contracted_mrr"] = str(_money(Decimal(old["custom_fields"]["unit_amount"]) * quantity))
        old["latest_version"] = False
        self._touch("subscriptions", subscription_id, when)
        self._order(account, when, "update_subscription", new, quantity,
                    Decimal(old["custom_fields"]["unit_amount"]), "pending")
        self._put("subscriptions", new, when)
        self.billing[new["id"]] = self.billing.pop(subscription_id)

    def advance(self, start: float, end: float) -> dict[str, dict[str, int]]:
        self.rng = rng = random.Random(f"{self.seed}:{start}:{end}")
        days = (end - start) / DAY
        counts = {stream: {"created": 0, "changed": 0, "deleted": 0} for stream in STREAMS}
        before = {stream: dict(self.updated[stream]) for stream in STREAMS}
        at = lambda: rng.uniform(start + 1, end)  # noqa: E731
        # Drafts from before this interval are posted, or (one in four) deleted with their items.
        for invoice_id in sorted(self.drafts):
            invoice = self.tables["invoices"][invoice_id]
            if _epoch(invoice["created_time"]) > start:
                continue
            self.drafts.discard(invoice_id)
            if rng.random() < 1 / 4:
                for item_id in self.items_of.pop(invoice_id):
                    self._delete("invoice_items", item_id)
                self._delete("invoices", invoice_id)
                continue
            when = at()
            invoice.update({"state": "posted", "posted_by_id": invoice["created_by_id"],
                            "state_transitions": {"posted_time": local_time_text(when, PACIFIC), "canceled_time": None}})
            self._touch("invoices", invoice_id, when)
            self._owe(invoice, invoice["total"], when)
            self.open_invoices.add(invoice_id)
        # Payments: an open invoice is paid with a chance that grows with the interval.
        for invoice_id in sorted(self.open_invoices):
            if rng.random() < min(1.0, 0.08 * days):
                invoice = self.tables["invoices"][invoice_id]
                when = at()
                self._pay(invoice, when)
        # Pending orders complete.
        for order_id in sorted(self.pending_orders):
            order = self.tables["orders"][order_id]
            order["state"] = "complete"
            for line_item in order["line_items"]["data"]:
                line_item["state"] = "booked"
            self._touch("orders", order_id, at())
        self.pending_orders.clear()
        # Amendments, new customers, monthly bills.
        latest = sorted(subscription_id for subscription_id in self.billing)
        for subscription_id in rng.sample(latest, k=min(len(latest), round(self.scale * 0.03 * days + rng.random()))):
            self._amend(subscription_id, at())
        for _ in range(round(self.scale * 0.02 * days + rng.random())):
            self._new_account(at(), bill_until=end)
        for subscription_id, next_bill in sorted(self.billing.items()):
            while next_bill <= end:
                issued = max(next_bill, start + 1)
                # A bill run creates drafts; the next advance posts them (or deletes some).
                self._invoice(self.tables["subscriptions"][subscription_id], issued, issued)
                next_bill += MONTH
            self.billing[subscription_id] = next_bill
        for stream in STREAMS:
            now = self.updated[stream]
            counts[stream]["created"] = len(now.keys() - before[stream].keys())
            counts[stream]["deleted"] = len(before[stream].keys() - now.keys())
            counts[stream]["changed"] = sum(
                1 for key, epoch in now.items() if key in before[stream] and before[stream][key] != epoch)
        return counts

    def truth(self, stream: str) -> list[dict] | None:
        if stream not in self.tables:
            return None
        return [self.tables[stream][key] for key in sorted(self.tables[stream])]

    # ---- HTTP ------------------------------------------------------------------------------
    def _rate_headers(self) -> tuple[dict[str, str], bool]:
        limit = int(self.settings["rate_limit_per_minute"])
        started, used = self.window
        now = time.monotonic()
        if now - started >= 60:
            started, used = now, 0
        used += 1
        self.window = (started, used)
        reset = max(1, math.ceil(started + 60 - now))
        headers = {"ratelimit-limit": f"{limit}, {limit};w=60", "ratelimit-remaining": str(max(limit - used, 0)),
                   "ratelimit-reset": str(reset), "zuora-request-id": secrets.token_hex(16)}
        return headers, used > limit

    def fault_response(self, status: int, reset_header: bool) -> Response:
        kinds = {429: "too_many_requests", 500: "internal_server_error", 502: "bad_gateway",
                 503: "service_unavailable"}
        headers, _ = self._rate_headers()
        if status == 429:
            headers["ratelimit-remaining"] = "0"
        if not reset_header:
            headers = {"zuora-request-id": headers["zuora-request-id"]}
        return Response(status, {"type": kinds[status], "errors": [], "retryable": True}, headers)

    def expire_token(self, request: Request) -> None:
        token = (request.header("Authorization") or "").removeprefix("Bearer ").strip()
        self.tokens.pop(token, None)

    def handle(self, request: Request) -> Response:
        if request.path == "/oauth/token" and request.method == "POST":
            return self._token(request)
        stream = request.path.removeprefix("/v2/")
        if request.method != "GET" or not request.path.startswith("/v2/") or stream not in STREAMS:
            return Response(404, error_body("not_found", "resource_not_found", f"no route {request.method} {request.path}"))
        token = (request.header("Authorization") or "").removeprefix("Bearer ").strip()
        if self.tokens.get(token, 0) < time.monotonic():
            self.tokens.pop(token, None)
            return Response(401, error_body("unauthorized", "unauthorized", "Authentication error: invalid or expired token"))
        headers, limited = self._rate_headers()
        if limited:
            headers["ratelimit-remaining"] = "0"
            return Response(429, error_body("too_many_requests", "too_many_requests",
                                            "Too many requests: rate limit exceeded", retryable=True), headers)
        try:
            return Response(200, self._list(stream, request.query), headers)
        except BadRequest as error:
            return Response(400, error_body("bad_request", "invalid_parameter", str(error), error.parameter), headers)

    def _token(self, request: Request) -> Response:
        form = {key: values[-1] for key, values in parse_qs(request.body.decode()).items()}
        if form.get("grant_type") != "client_credentials":
            return Response(400, error_body("bad_request", "unsupported_grant_type", "grant_type must be client_credentials", "grant_type"))
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return Response(401, error_body("unauthorized", "invalid_client", "Invalid client credentials"))
        token = secrets.token_hex(16)
        ttl = int(self.settings["token_ttl_seconds"])
        self.tokens[token] = time.monotonic() + ttl
        return Response(200, {"access_token": token, "token_type": "bearer", "expires_in": ttl,
                              "scope": "user.sandbox entity.sandbox tenant.1", "jti": secrets.token_hex(16)})

    # ---- listing ---------------------------------------------------------------------------
    def _sorted(self, stream: str) -> list[tuple[int, str]]:
        if self._index[stream] is None:
            self._index[stream] = sorted((epoch, key) for key, epoch in self.updated[stream].items())
        return self._index[stream]

    def _predicate(self, stream: str, clause: str) -> tuple[str, str, Any, Callable[[dict], bool]]:
        field, _, rest = clause.partition(".")
        operator, _, value = rest.partition(":")
        if field not in FILTERABLE[stream]:
            raise BadRequest("filter[]", f"'{field}' is not a filterable field of {stream}")
        if operator not in OPERATORS or not _:
            raise BadRequest("filter[]", f"invalid filter '{clause}': expected field.OPERATOR:value with {', '.join(OPERATORS)}")
        def convert(text: str) -> Any:
            if text == "null":
                return None
            if field in TIME_FIELDS:
                try:
                    return _epoch(text)
                except ValueError:
                    raise BadRequest("filter[]", f"'{text}' is not a date-time") from None
            if field in ("total", "remaining_balance", "balance", "version", "bill_cycle_day"):
                return Decimal(text)
            if field == "latest_version":
                return text.lower() == "true"
            return text
        def read(record: dict) -> Any:
            raw = record.get(field)
            if raw is None:
                return None
            if field in TIME_FIELDS:
                return _epoch(raw)
            return Decimal(raw) if isinstance(raw, (int, Decimal)) and not isinstance(raw, bool) else raw
        if operator == "IN":
            if not (value.startswith("[") and value.endswith("]")):
                raise BadRequest("filter[]", f"IN needs a [list]: '{clause}'")
            wanted = {convert(item.strip()) for item in value[1:-1].split(",") if item.strip()}
            return field, operator, wanted, lambda record: read(record) in wanted
        target = convert(value)
        tests = {
            "EQ": lambda got: got == target, "NE": lambda got: got != target,
            "LT": lambda got: got is not None and target is not None and got < target,
            "GT": lambda got: got is not None and target is not None and got > target,
            "SW": lambda got: isinstance(got, str) and got.startswith(str(target)),
        }
        test = tests[operator]
        return field, operator, target, lambda record: test(read(record))

    def _list(self, stream: str, query: dict[str, list[str]]) -> dict:
        raw_size = (query.get("page_size") or ["30"])[-1]
        if not raw_size.isdigit() or not 1 <= int(raw_size) <= 99:
            raise BadRequest("page_size", f"page_size must be an integer between 1 and 99, got '{raw_size}'")
        page_size = int(raw_size)
        expand = {value for values in query.get("expand[]", []) for value in values.split(",") if value}
        if unknown := expand - EXPANDABLE[stream]:
            raise BadRequest("expand[]", f"cannot expand {', '.join(sorted(unknown))} on {stream}")
        fields = {value.strip() for values in query.get("fields[]", []) for value in values.split(",") if value.strip()}
        descending = True
        for sort in query.get("sort[]", []):
            field, _, direction = sort.partition(".")
            if field != "updated_time" or direction.lower() not in ("asc", "desc"):
                raise BadRequest("sort[]", f"unsupported sort '{sort}'")
            descending = direction.lower() == "desc"
        predicates = [self._predicate(stream, clause) for clause in query.get("filter[]", [])]

        index = self._sorted(stream)
        low, high = 0, len(index)
        for field, operator, target, _ in predicates:  # narrow by the keyset before scanning
            if field == "updated_time" and operator == "GT" and target is not None:
                low = max(low, bisect.bisect_right(index, (math.floor(target), "\uffff")))
            if field == "updated_time" and operator == "LT" and target is not None:
                high = min(high, bisect.bisect_left(index, (math.ceil(target), "")))
        ids_filter = next((target for field, operator, target, _ in predicates if field == "id" and operator == "IN"), None)
        if ids_filter is not None:  # a handful of ids: no scan
            candidates = sorted((self.updated[stream][key], key) for key in ids_filter if key in self.updated[stream])
            low, high = 0, len(candidates)
        else:
            candidates = index
        if cursor := (query.get("cursor") or [""])[-1]:
            position = self._decode_cursor(cursor)
            if descending:
                high = min(high, bisect.bisect_left(candidates, position))
            else:
                low = max(low, bisect.bisect_right(candidates, position))
        candidates = candidates[low:high]
        ordered = reversed(candidates) if descending else iter(candidates)
        table = self.tables[stream]
        page: list[tuple[int, str]] = []
        for entry in ordered:
            record = table[entry[1]]
            if all(test(record) for *_, test in predicates):
                page.append(entry)
                if len(page) > page_size:
                    break
        more = len(page) > page_size
        page = page[:page_size]
        data = [self._shape(stream, table[key], expand, fields) for _, key in page]
        return {"next_page": self._encode_cursor(page[-1], descending) if more else None, "data": data}

    def _shape(self, stream: str, record: dict, expand: set[str], fields: set[str]) -> dict:
        shaped = dict(record)
        if stream == "orders":
            for key in ("line_items", "subscriptions"):
                if key not in expand:
                    shaped.pop(key)
        if "items" in expand:
            shaped["items"] = {"next_page": None, "data": [self.tables["invoice_items"][key] for key in self.items_of[record["id"]]]}
        if "account" in expand:
            shaped["account"] = self.tables["accounts"].get(record.get("account_id"))
        if "invoice" in expand:
            shaped["invoice"] = self.tables["invoices"].get(record.get("invoice_id"))
        if "subscription" in expand:
            shaped["subscription"] = self.tables["subscriptions"].get(record.get("subscription_id"))
        if fields:
            shaped = {key: value for key, value in shaped.items() if key in fields or key == "id"}
        return shaped

    def _encode_cursor(self, entry: tuple[int, str], descending: bool) -> str:
        order = "DESC" if descending else "ASC"
        keyset = [{"orderBy": {"field": "UpdatedDate", "order": order}, "value": local_time_text(entry[0], PACIFIC)},
                  {"orderBy": {"field": "Id", "order": order}, "value": entry[1]}]
        return base64.b64encode(json.dumps(keyset, separators=(",", ":")).encode()).decode()

    @staticmethod
    def _decode_cursor(cursor: str) -> tuple[int, str]:
        try:
            keyset = json.loads(base64.b64decode(cursor))
            return int(_epoch(keyset[0]["value"])), keyset[1]["value"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise BadRequest("cursor", "invalid cursor") from None
