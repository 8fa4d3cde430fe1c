"""Zoom Commerce API, simulated under `/zoom`, from Zoom's OpenAPI document (2026-02-07) and
Zoom's API documentation: `POST /oauth/token` for Server-to-Server (`account_credentials`) and
user OAuth (`refresh_token`, rotated on every use), and under `/v2/commerce` every list, detail,
the catalog POST and the price-book CSV, with the spec's parameters, defaults that narrow results
(billing documents: unpaid invoices of the last month; subscriptions: active ones started in the
last month; orders and quotes: sale only), page limits, 3-year date windows (error 5505), both
pagination styles (`next_page_token` expiring after 15 minutes; `page_num`/`page_number` with
`page_count`), LIGHT/MEDIUM per-second limits, a daily limit, and `x-zm-trackingid` on every answer.
The Commerce webhooks its world's status changes send are in webhooks.py.

Codes not in the spec are marked as chosen here."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
import re
import secrets
import time
from collections.abc import Callable
from typing import Any

from commerce_sandbox.accounts import DEFAULT_ACCOUNT
from commerce_sandbox.clock import Clock
from commerce_sandbox.faults import Fault
from commerce_sandbox.money import cents
from commerce_sandbox.ratelimit import MinuteWindow
from commerce_sandbox.vendor import Handler, Request, Response, StreamCounts, Vendor
from commerce_sandbox.vendors.zoom import webhooks
from commerce_sandbox.vendors.zoom.world import ZoomWorld, day

CLIENT_ID, CLIENT_SECRET = "sandbox-zoom-client", "sandbox-zoom-secret"
ACCOUNT_ID = "sandbox-zoom-account"
FIRST_REFRESH_TOKEN = "sandbox-zoom-refresh-0"
API = "/v2/commerce"
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_WINDOW_DAYS = 3 * 365 + 1
# Chosen here (the spec names none): an expired or unknown next_page_token.
PAGE_TOKEN_EXPIRED = (300, "The next page token is invalid or expired.")
PRICE_BOOK_COLUMNS = (
    "Offer ID",
    "Offer Name",
    "Offer Type",
    "Price List ID",
    "Price List Charge ID",
    "Partner SKU Code",
    "Charge Type",
    "Billing Period",
    "Currency",
    "List Price",
    "Partner Price",
)

Predicate = Callable[[dict], bool]


class ApiError(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _date_param(query: dict[str, str], name: str) -> str | None:
    value = query.get(name)
    if value is not None and not DATE.fullmatch(value):
        raise ApiError(400, 5002, f"Invalid date format for {name}; use yyyy-MM-dd.")
    return value


def _window(first: str | None, last: str | None) -> None:
    if (
        first
        and last
        and (dt.date.fromisoformat(last) - dt.date.fromisoformat(first)).days > MAX_WINDOW_DAYS
    ):
        raise ApiError(400, 5505, "The date range cannot be more than 3 years.")


def _page_size(query: dict[str, str], default: int, low: int, high: int) -> int:
    try:
        size = int(query.get("page_size", default))
    except ValueError:
        size = -1
    if not low <= size <= high:
        raise ApiError(400, 5008, f"page_size must be between {low} and {high}.")
    return size


class Zoom(Vendor):
    prefix = "zoom"
    stream_keys = {
        "accounts": "crm_account_number",
        "deal_registrations": "create_reference_id",
        "trials": "trial_id",
        "quotes": "quote_reference_id",
        "orders": "order_reference_id",
        "subscriptions": "subscription_number",
        "subscription_versions": ("subscription_number", "version"),
        "billing_documents": "document_number",
        "invoices": "invoice_number",
        "catalog_offers": ("offer_id", "currency"),
        "price_book": "price_list_charge_id",
    }
    default_settings = {
        "latency_ms": 0,
        "token_ttl_seconds": 3599,
        "light_per_second": 80,  # Business+ (partners), per account
        "medium_per_second": 60,
        "daily_limit": 10**9,
        "page_token_ttl_seconds": 900,
        "expire_page_tokens": 0,  # the next N requests carrying a page token find it expired
        **webhooks.SETTINGS,
    }

    def __init__(self, seed: int, scale: int, clock: Clock, account: str = DEFAULT_ACCOUNT) -> None:
        super().__init__(seed, scale, clock, account)
        self.world = ZoomWorld(self.world_seed, scale, clock.now)
        self.refresh_token = self.credential(FIRST_REFRESH_TOKEN)
        self._page_tokens: dict[
            str, tuple[str, int, float]
        ] = {}  # token -> (query key, offset, issued)
        self._windows = {"LIGHT": MinuteWindow(), "MEDIUM": MinuteWindow()}
        self._used_today = 0
        self.webhooks = webhooks.Webhooks(
            self.world_seed, self.world, self.settings, self.credential(ACCOUNT_ID)
        )

    # ---- the vendor interface --------------------------------------------------------------
    def routes(self) -> dict[tuple[str, str], Handler]:
        lists = {
            "/subscriptions": self._subscriptions,
            "/billing_documents": self._billing_documents,
            "/orders": self._dated("orders", "order_list", "order_type", "page_num"),
            "/quotes": self._dated("quotes", "quote_list", "quote_type", "page_num"),
            "/deal_registrations": self._paged(
                "deal_registrations", "deal_registrations", (20, 100)
            ),
            "/accounts": self._paged("accounts", "account_list", (20, 100)),
            "/trials": self._paged("trials", "trial_list", (1, 99)),
            "/pricebooks": self._price_book,
        }
        routes: dict[tuple[str, str], Handler] = {
            ("POST", "/oauth/token"): self._token,
            ("POST", API + "/catalog"): self._api("MEDIUM", self._catalog),
        }
        routes.update(
            {("GET", API + path): self._api("MEDIUM", handler) for path, handler in lists.items()}
        )
        return routes

    def handle(self, request: Request) -> Response:
        handler = self._route_table.get((request.method, request.path))
        if handler is None and request.method == "GET":
            handler = self._detail_route(request.path.removeprefix(API).strip("/").split("/"))
        return handler(request) if handler else self.not_found(request)

    def not_found(self, request: Request) -> Response:
        return self._error(404, 5009, "No records found.")

    def advance(self, start: float, end: float) -> StreamCounts:
        counts = self.world.advance(start, end)
        self.webhooks.deliver(end)
        return counts

    def truth(self, stream: str) -> list[dict] | None:
        if stream in webhooks.TRUTH_STREAMS:
            return self.webhooks.truth(stream)
        if stream == "catalog_offers":
            return [
                {**offer, "currency": currency}
                for currency in ("USD", "EUR", "GBP")
                for offer in self._offers_in(currency)
            ]
        if stream == "price_book":
            return self._price_rows()
        if stream == "subscription_versions":
            return [
                {"subscription_number": history["subscription_number"], **version}
                for history in self.world.records["subscription_versions"].values()
                for version in history["subscription_versions"]
            ]
        records = self.world.records.get(stream)
        if records is None:
            return None
        if stream == "orders":  # the tap enriches each order with its detail's subscriptions
            return [
                {
                    **order,
                    "create_subscription": self.world.order_details[key]["create_subscription"],
                    "amend_subscriptions": self.world.order_details[key]["amend_subscriptions"],
                }
                for key, order in records.items()
            ]
        return list(records.values())

    def fault_response(self, fault: Fault) -> Response:
        if fault.status == 429:
            headers = {"X-RateLimit-Category": "Medium", "X-RateLimit-Type": "QPS"}
            if fault.reset_header:
                wait = max(1, round(fault.seconds))
                headers["Retry-After"] = (
                    str(wait)
                    if fault.retry_after == "seconds"
                    else (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=wait)).strftime(
                        "%Y-%m-%dT%H:%M:%SZ"
                    )
                )
            return self._error(
                429,
                429,
                "You have reached the maximum per-second rate limit for this API. Try again later.",
                headers,
            )
        if fault.status == 404:
            return self._error(404, fault.code or 5009, "No records found.")
        if fault.status == 400:
            return self._error(400, fault.code or 300, "Invalid request.")
        return self._error(fault.status, fault.code or fault.status, "Internal Error")

    # ---- HTTP ---------------------------------------------------------------------------------
    @staticmethod
    def _error(
        status: int, code: int, message: str, headers: dict[str, str] | None = None
    ) -> Response:
        return Response(
            status,
            {"code": code, "message": message},
            {"x-zm-trackingid": f"v=2.0;clid=us05;rid={secrets.token_hex(12)}", **(headers or {})},
        )

    @staticmethod
    def _ok(body: Any, content_type: str = "application/json") -> Response:
        headers = {"x-zm-trackingid": f"v=2.0;clid=us05;rid={secrets.token_hex(12)}"}
        if content_type == "application/json":
            return Response(200, body, headers)
        return Response(200, None, headers, content_type=content_type, raw=body)

    def _token(self, request: Request) -> Response:
        form = {**request.form(), **request.params()}
        scheme, _, encoded = (request.header("authorization") or "").partition(" ")
        try:
            client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
        except ValueError:
            client_id = secret = ""
        if (
            scheme.lower() != "basic"
            or client_id != self.credential(CLIENT_ID)
            or secret != self.credential(CLIENT_SECRET)
        ):
            return Response(
                401, {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}
            )
        ttl = int(self.settings["token_ttl_seconds"])
        body = {
            "access_token": self.tokens.issue(ttl),
            "token_type": "bearer",
            "expires_in": ttl,
            "scope": "zoom_commerce:read:admin",
            "api_url": "https://api.zoom.us",
        }
        if form.get("grant_type") == "account_credentials":
            if form.get("account_id") != self.credential(ACCOUNT_ID):
                return Response(400, {"reason": "Invalid account_id", "error": "invalid_request"})
            return Response(200, body)
        if form.get("grant_type") == "refresh_token":
            if form.get("refresh_token") != self.refresh_token:  # each refresh token works once
                return Response(400, {"reason": "Invalid Token!", "error": "invalid_request"})
            self.refresh_token = self.credential(f"sandbox-zoom-refresh-{secrets.token_hex(8)}")
            return Response(200, {**body, "refresh_token": self.refresh_token})
        return Response(
            400, {"reason": "Unsupported grant type", "error": "unsupported_grant_type"}
        )

    def _api(self, category: str, handler: Callable[[Request], Any]) -> Handler:
        """Auth, the per-second limit of the route's category and the daily limit, then the route;
        an ApiError becomes Zoom's `{code, message}`."""

        def serve(request: Request) -> Response:
            if not self.tokens.valid(self.token_of(request)):
                return self._error(401, 124, "Invalid access token.")
            self._used_today += 1
            if self._used_today > int(self.settings["daily_limit"]):
                midnight = dt.datetime.combine(
                    dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1),
                    dt.time(0),
                    dt.UTC,
                )
                return self._error(
                    429,
                    429,
                    "You have reached the maximum daily rate limit for this API.",
                    {
                        "X-RateLimit-Category": category.title(),
                        "X-RateLimit-Type": "Daily-limit",
                        "X-RateLimit-Limit": str(self.settings["daily_limit"]),
                        "X-RateLimit-Remaining": "0",
                        "Retry-After": midnight.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    },
                )
            window = self._windows[category].take(
                int(self.settings[f"{category.lower()}_per_second"]), 1
            )
            if not window.allowed:
                return self._error(
                    429,
                    429,
                    "You have reached the maximum per-second rate limit for this API. "
                    "Try again later.",
                    {"X-RateLimit-Category": category.title(), "X-RateLimit-Type": "QPS"},
                )
            try:
                answer = handler(request)
            except ApiError as error:
                return self._error(error.status, error.code, error.message)
            return answer if isinstance(answer, Response) else self._ok(answer)

        return serve

    # ---- pagination ---------------------------------------------------------------------------
    def _by_token(
        self, query: dict[str, str], rows: list[dict], size: int
    ) -> tuple[list[dict], str]:
        """One page by `next_page_token`, which is tied to its query and expires."""
        signature = json.dumps({k: v for k, v in sorted(query.items()) if k != "next_page_token"})
        offset = 0
        if token := query.get("next_page_token"):
            found = self._page_tokens.get(token)
            expired = found is None or time.monotonic() - found[2] > float(
                self.settings["page_token_ttl_seconds"]
            )
            if int(self.settings["expire_page_tokens"]) > 0:
                self.settings["expire_page_tokens"] = int(self.settings["expire_page_tokens"]) - 1
                expired = True
            if expired or found[0] != signature:
                raise ApiError(400, *PAGE_TOKEN_EXPIRED)
            offset = found[1]
        page = rows[offset : offset + size]
        following = ""
        if offset + size < len(rows):
            following = secrets.token_urlsafe(24)
            self._page_tokens[following] = (signature, offset + size, time.monotonic())
        return page, following

    @staticmethod
    def _by_number(
        query: dict[str, str], rows: list[dict], size: int, parameter: str
    ) -> tuple[list[dict], int]:
        try:
            number = int(query.get(parameter, 1))
        except ValueError:
            number = 0
        if number < 1:
            raise ApiError(400, 5007, f"Invalid {parameter}.")
        return rows[(number - 1) * size : number * size], max(1, -(-len(rows) // size))

    # ---- lists ----------------------------------------------------------------------------------
    def _today(self) -> str:
        return day(self.clock.now)

    def _month_ago(self) -> str:
        return day(self.clock.now - 30 * 86400)

    def _subscriptions(self, request: Request) -> dict:
        query = request.params()
        size = _page_size(query, 10, 1, 99)
        status = query.get("status", "active")
        if status not in ("active", "pending_activation", "cancelled", "expired"):
            raise ApiError(400, 5320, "Invalid subscription status.")
        start, end = _date_param(query, "start"), _date_param(query, "end")
        if (
            not start and not end and "duration" not in query
        ):  # the default: started in the last month
            start = self._month_ago()
        rows = [
            row
            for row in self.world.records["subscriptions"].values()
            if row["status"] == status
            and (not start or row["start_date"] >= start)
            and (not end or row["end_date"] <= end)
        ]
        rows.sort(key=lambda row: row["start_date"], reverse=True)
        page, token = self._by_token(query, rows, size)
        return {
            "next_page_token": token,
            "subscription_list": [self._subscription_item(row) for row in page],
        }

    @staticmethod
    def _subscription_item(row: dict) -> dict:
        return {
            "subscription_number": row["subscription_number"],
            "subscription_status": row["status"],
            "subscription_owner": row["end_customer_account"],
            "invoice_owner": row["invoice_owner_account"],
            "start_date": row["start_date"],
            "end_date": row["end_date"],
            "auto_renew": row["auto_renew"],
            "mrr": {
                "gross_amount": row["mrr"]["amount"],
                "net_amount": row["mrr"]["amount"],
                "currency": row["currency"],
            },
            "trade_screening": False,
        }

    def _billing_documents(self, request: Request) -> dict:
        query = request.params()
        size = _page_size(query, 10, 1, 99)
        kind = query.get("document_type", "invoice")
        # The parameter text says the default is all; the operation says unpaid: this sandbox
        # takes the narrower reading, so a tap that relies on either default is caught.
        paid = query.get("payment_status", "Unpaid")
        if paid not in ("Paid", "Unpaid", "All"):
            raise ApiError(400, 5504, "Invalid payment_status.")
        first = _date_param(query, "document_date_start") or self._month_ago()
        last = _date_param(query, "document_date_end") or self._today()
        _window(first, last)
        rows = [
            row
            for row in self.world.records["billing_documents"].values()
            if row["document_type"] == kind
            and (paid == "All" or row["payment_status"] == paid)
            and first <= row["document_date"] <= last
            and query.get("document_number", "") in row["document_number"]
        ]
        rows.sort(key=lambda row: (row["document_date"], row["document_number"]))
        page, token = self._by_token(query, rows, size)
        return {
            "document_count": len(rows),
            "next_page_token": token,
            "billing_documents": [self._on_wire(row) for row in page],
        }

    @staticmethod
    def _on_wire(document: dict) -> dict:
        # The spec's examples write list dates as instants (2023-10-25T00:00:00.000Z).
        return {
            **document,
            **{name: f"{document[name]}T00:00:00.000Z" for name in ("document_date", "due_date")},
        }

    def _dated(
        self, stream: str, key: str, type_parameter: str, page_parameter: str
    ) -> Callable[[Request], dict]:
        def listing(request: Request) -> dict:
            query = request.params()
            size = _page_size(query, 20, 20, 100)
            option = query.get("date_filter_option", "effectiveDate")
            field = {
                "effectiveDate": "effective_date",
                "createdDate": "creation_date",
                "updatedDate": "updated_date",
            }.get(option)
            if field is None:
                raise ApiError(400, 5002, "Invalid date_filter_option.")
            first, last = _date_param(query, "from"), _date_param(query, "to")
            _window(first, last)
            wanted_type = query.get(type_parameter, "sale")
            rows = [
                row
                for row in self.world.records[stream].values()
                if row[type_parameter] == wanted_type
                and (not first or row[field] >= first)
                and (not last or row[field] <= last)
            ]
            rows.sort(
                key=lambda row: (row["updated_date"], row[key.replace("_list", "_reference_id")])
            )
            page, count = self._by_number(query, rows, size, page_parameter)
            return {"page_count": count, key: page}

        return listing

    def _paged(self, stream: str, key: str, sizes: tuple[int, int]) -> Callable[[Request], dict]:
        def listing(request: Request) -> dict:
            query = request.params()
            size = _page_size(query, 10 if sizes[0] == 1 else 20, *sizes)
            rows = [self.world.records[stream][name] for name in sorted(self.world.records[stream])]
            page, count = self._by_number(query, rows, size, "page_number")
            return {"page_count": count, key: page}

        return listing

    def _offers_in(self, currency: str, offer_types: set[str] | None = None) -> list[dict]:
        offers = []
        for offer in self.world.catalog:
            if offer_types and offer["offer_type"] not in offer_types:
                continue
            products = [
                {
                    **product,
                    "price_list": [
                        price
                        for price in product["price_list"]
                        if price["prices"][0]["currency"] == currency
                    ],
                }
                for product in offer["offer_products"]
            ]
            offers.append({**offer, "offer_products": products})
        return offers

    def _catalog(self, request: Request) -> dict:
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            raise ApiError(400, 300, "Invalid request body.") from None
        filters = {
            item.get("filter_by"): str(item.get("filter_value", ""))
            for item in body.get("filter_options", [])
        }
        offer_types = set((filters.get("offerType") or "plan").split(","))
        currency = filters.get("currency") or "USD"
        return {"offers": self._offers_in(currency, offer_types)}

    def _price_rows(self) -> list[dict]:
        rows = []
        for offer in self.world.catalog:
            for price_list in offer["offer_products"][0]["price_list"]:
                price = price_list["prices"][0]
                rows.append(
                    {
                        "offer_id": offer["offer_id"],
                        "offer_name": offer["offer_name"],
                        "offer_type": offer["offer_type"],
                        "price_list_id": price_list["price_list_id"],
                        "price_list_charge_id": price["price_list_charge_id"],
                        "partner_sku_code": price["partner_sku_code"],
                        "charge_type": price["charge_type"],
                        "billing_period": price_list["billing_period"],
                        "currency": price["currency"],
                        "list_price": price["amount"],
                        "partner_price": cents(price["amount"] * 8 / 10),
                    }
                )
        return rows

    def _price_book(self, request: Request) -> Response:
        query = request.params()
        if query.get("file_type", "csv").lower() not in ("csv", "excel"):
            raise ApiError(400, 5403, "File type should be one of: CSV, XLS.")
        currency = query.get("currency")
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(PRICE_BOOK_COLUMNS)
        for row in self._price_rows():
            if currency in (None, row["currency"]):
                writer.writerow(row.values())
        return self._ok(out.getvalue().encode(), "text/csv")

    # ---- details --------------------------------------------------------------------------------
    def _detail_route(self, parts: list[str]) -> Handler | None:
        records = self.world.records
        match parts:
            case ["subscriptions", number]:
                return self._detail("LIGHT", lambda: records["subscriptions"].get(number))
            case ["subscriptions", number, "versions"]:
                return self._detail("MEDIUM", lambda: records["subscription_versions"].get(number))
            case ["invoices", number]:
                return self._detail("LIGHT", lambda: records["invoices"].get(number))
            case ["orders", reference]:
                return self._detail("LIGHT", lambda: self.world.order_details.get(reference))
            case ["quotes", reference]:
                return self._detail("LIGHT", lambda: records["quotes"].get(reference))
            case ["accounts", key]:
                return self._detail("LIGHT", lambda: records["accounts"].get(key))
            case ["trials", key]:
                return self._detail("LIGHT", lambda: records["trials"].get(key))
        return None

    def _detail(self, category: str, find: Callable[[], dict | None]) -> Handler:
        def detail(_: Request) -> dict:
            found = find()
            if found is None:
                raise ApiError(404, 5009, "No records found.")
            return found

        return self._api(category, detail)
