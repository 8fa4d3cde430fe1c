"""Zoho Store Partner API, simulated under `/zoho`: the accounts server's refresh-token endpoint at
`/accounts/oauth/v2/token` (parameters in the query string, errors inside HTTP 200 bodies, at most
10 tokens per refresh token per 10 minutes), and the partner endpoints under `/api/v1/partner`
(transactions, the invoiced view, commissions, subscriptions, leads, and their detail routes) with
their documented filters, `page`/`per_page` pages, the 100-calls-a-minute limit and the
2019-01-01 floor for transactions.

What the vendor does not document is a setting, so the tap is tested against each reading:
`envelope` is `has_more` (`{code, message, <resource>, page_context: {..., has_more}}`),
`has_more_page` (the Billing/Books spelling) or `array` (a bare list, as older clients read it);
`wire_quirks` serves numbers as strings, empty strings for empty values and dates with a time of
day, as public clients report. Error codes other than 0 and the 1000/1002 family are unverified
and chosen to look like Zoho's.
"""

from __future__ import annotations

import re
import time
from collections import deque
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from commerce_sandbox.accounts import DEFAULT_ACCOUNT
from commerce_sandbox.clock import Clock
from commerce_sandbox.faults import Fault
from commerce_sandbox.vendor import Handler, Request, Response, StreamCounts, Vendor
from commerce_sandbox.vendors.zoho.world import ZohoWorld

CLIENT_ID = "1000.SANDBOXZOHOPARTNERCLIENT"
CLIENT_SECRET = "sandbox-zoho-secret"
REFRESH_TOKEN = "1000.sandbox-zoho-refresh-token"
TRANSACTION_FLOOR = "2019-01-01"
MAX_PER_PAGE = 200
API = "/api/v1/partner"
THROTTLED = {
    "error_description": (
        "You have made too many requests continuously. Please try again after some time."
    ),
    "error": "Access Denied",
    "status": "failure",
}
NOT_AUTHORIZED = {"code": 57, "message": "You are not authorized to perform this operation"}
FAULT_BODIES = {
    400: (2, "Invalid value passed"),
    404: (5, "Invalid URL Passed"),
    429: (44, "Too many requests within a certain time frame."),
    500: (1000, "Internal error"),
    502: (1000, "Internal error"),
    503: (1000, "Service temporarily unavailable"),
    200: (1000, "Internal error"),
}
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

Predicate = Callable[[dict], bool]


class BadRequest(Exception):
    pass


def _date_range(query: dict[str, str], field: str, name: str) -> list[Predicate]:
    """`<name>_from`/`<name>_to`: inclusive, whole days."""
    tests: list[Predicate] = []
    for suffix, keep in (
        ("_from", lambda value, bound: value >= bound),
        ("_to", lambda value, bound: value <= bound),
    ):
        bound = query.get(name + suffix)
        if bound is None:
            continue
        if not DATE.fullmatch(bound):
            raise BadRequest(f"Invalid value passed for {name + suffix}")
        tests.append(
            lambda record, bound=bound, keep=keep: (
                bool(record.get(field)) and keep(record[field], bound)
            )
        )
    return tests


def _equal(query: dict[str, str], parameter: str, read: Callable[[dict], Any]) -> list[Predicate]:
    if parameter not in query:
        return []
    wanted = query[parameter]
    return [lambda record: str(read(record)) == wanted]


def _plain(name: str) -> Callable[[dict], Any]:
    return lambda record: record.get(name)


def _nested(outer: str, inner: str) -> Callable[[dict], Any]:
    return lambda record: (record.get(outer) or {}).get(inner)


class Zoho(Vendor):
    prefix = "zoho"
    stream_keys = {
        "transactions": "transaction_id",
        "commissions": "commission_id",
        "subscriptions": "subscription_id",
        "leads": "lead_id",
    }
    guaranteed_changes = {
        "transactions": ("created", "changed"),
        "commissions": ("created", "changed"),
        "subscriptions": ("deleted",),
    }
    errors_inside_200 = True
    default_settings = {
        "latency_ms": 0,
        "envelope": "has_more",
        "wire_quirks": True,
        "token_ttl_seconds": 3600,
        "rate_limit_per_minute": 100,
        "rate_window_seconds": 60,  # a test scales time down by shortening the window
        "tokens_per_window": 10,
        "token_window_seconds": 600,
        "throttle_status": 400,  # seen as 400 and as 200 in public code
    }

    def __init__(self, seed: int, scale: int, clock: Clock, account: str = DEFAULT_ACCOUNT) -> None:
        super().__init__(seed, scale, clock, account)
        self.world = ZohoWorld(self.world_seed, scale, clock.now)
        self._minted: dict[str, deque[float]] = {}  # refresh token -> monotonic mint times
        self._orderings: dict[str, tuple[int, list[dict]]] = {}

    # ---- the vendor interface --------------------------------------------------------------
    def routes(self) -> dict[tuple[str, str], Handler]:
        listings = {
            "/transactions": self._listing("transactions", self._transaction_filters),
            "/transactions/status/invoiced": self._listing("invoiced", self._transaction_filters),
            "/commissions": self._listing("commissions", self._commission_filters),
            "/subscriptions": self._listing("subscriptions", self._subscription_filters),
            "/subscriptions/status/active": self._listing(
                "subscriptions", self._status_filters("active")
            ),
            "/subscriptions/status/inactive": self._listing(
                "subscriptions", self._status_filters("inactive")
            ),
            "/leads": self._listing("leads", self._lead_filters),
        }
        routes: dict[tuple[str, str], Handler] = {("POST", "/accounts/oauth/v2/token"): self._token}
        routes.update({("GET", API + path): handler for path, handler in listings.items()})
        return routes

    def handle(self, request: Request) -> Response:
        handler = self._route_table.get((request.method, request.path))
        if handler is None and request.method == "GET":
            handler = self._detail_route(request)
        return handler(request) if handler else self.not_found(request)

    def not_found(self, request: Request) -> Response:
        return Response(404, {"code": 5, "message": "Invalid URL Passed"})

    def token_of(self, request: Request) -> str | None:
        scheme, _, token = (request.header("authorization") or "").partition(" ")
        return token.strip() if scheme == "Zoho-oauthtoken" else None

    def advance(self, start: float, end: float) -> StreamCounts:
        return self.world.advance(start, end)

    def truth(self, stream: str) -> list[dict] | None:
        """What the API can serve, in clean form. A transaction carries its invoice's fields once
        invoiced (the tap folds the invoiced view into the transactions table)."""
        if stream not in self.world.records:
            return None
        return [self._truth_record(stream, record) for record in self._ordered(stream)]

    def _truth_record(self, stream: str, record: dict) -> dict:
        if stream == "transactions":
            return {**record, **self.world.invoices.get(record["transaction_id"], {})}
        return record

    def fault_response(self, fault: Fault) -> Response:
        code, message = FAULT_BODIES[fault.status]
        headers = (
            {"Retry-After": str(max(1, round(fault.seconds)))}
            if fault.status == 429 and fault.reset_header
            else {}
        )
        return Response(fault.status, {"code": fault.code or code, "message": message}, headers)

    # ---- OAuth at the accounts server ---------------------------------------------------------
    def _token(self, request: Request) -> Response:
        # The vendor's page sends everything in the query string; a form body works too.
        value = {**request.form(), **request.params()}
        if value.get("grant_type") != "refresh_token":
            return Response(200, {"error": "unsupported_grant_type"})
        if value.get("client_id") != self.credential(CLIENT_ID):
            return Response(200, {"error": "invalid_client"})
        if value.get("client_secret") != self.credential(CLIENT_SECRET):
            return Response(200, {"error": "invalid_client_secret"})
        if value.get("refresh_token") != self.credential(REFRESH_TOKEN):
            return Response(200, {"error": "invalid_code"})
        minted = self._minted.setdefault(self.credential(REFRESH_TOKEN), deque())
        now = time.monotonic()
        while minted and minted[0] <= now - float(self.settings["token_window_seconds"]):
            minted.popleft()
        if len(minted) >= int(self.settings["tokens_per_window"]):
            return Response(int(self.settings["throttle_status"]), dict(THROTTLED))
        minted.append(now)
        ttl = int(self.settings["token_ttl_seconds"])
        return Response(
            200,
            {
                "access_token": f"1000.{self.tokens.issue(ttl)}",
                "api_domain": "https://www.zohoapis.com",
                "token_type": "Bearer",
                "expires_in": ttl,
            },
        )

    def _authorised(self, request: Request) -> Response | None:
        """The refusal for a request that may not go on (bad token, over the rate), else None."""
        token = self.token_of(request)
        if not self.tokens.valid(token.removeprefix("1000.") if token else None):
            return Response(401, dict(NOT_AUTHORIZED))
        window = self.rate_window.take(
            int(self.settings["rate_limit_per_minute"]), float(self.settings["rate_window_seconds"])
        )
        if not window.allowed:
            return Response(
                429,
                {"code": 44, "message": "Too many requests within a certain time frame."},
                {"Retry-After": str(window.reset_seconds)},
            )
        return None

    def expire_token(self, request: Request) -> None:
        token = self.token_of(request)
        self.tokens.expire(token.removeprefix("1000.") if token else None)

    # ---- listings ---------------------------------------------------------------------------
    def _ordered(self, view: str) -> list[dict]:
        """The view's records as the API lists them, newest first, cached until the world moves."""
        cached = self._orderings.get(view)
        if cached is None or cached[0] != self.world.version:
            cached = self._orderings[view] = (self.world.version, self._order(view))
        return cached[1]

    def _order(self, view: str) -> list[dict]:
        records = self.world.records
        if view == "transactions":
            rows = [
                row
                for row in records["transactions"].values()
                if row["transaction_date"] >= TRANSACTION_FLOOR
            ]
            return sorted(
                rows, key=lambda row: (row["transaction_date"], row["transaction_id"]), reverse=True
            )
        if view == "invoiced":
            return [
                {**row, **self.world.invoices[row["transaction_id"]]}
                for row in self._ordered("transactions")
                if row["transaction_id"] in self.world.invoices
            ]
        if view == "commissions":
            return sorted(
                records["commissions"].values(),
                key=lambda row: (row["date"], row["commission_id"]),
                reverse=True,
            )
        if view == "subscriptions":
            rows = [
                row for key, row in records["subscriptions"].items() if key not in self.world.purged
            ]
            return sorted(
                rows,
                key=lambda row: (row["subscription_start_date"], row["subscription_id"]),
                reverse=True,
            )
        return sorted(
            records["leads"].values(),
            key=lambda row: (row["registration_date"], row["lead_id"]),
            reverse=True,
        )

    @staticmethod
    def _transaction_filters(query: dict[str, str]) -> list[Predicate]:
        return [
            *_date_range(query, "transaction_date", "transaction_date"),
            *(
                test
                for name in ("billing_frequency", "pricing_type", "service_id")
                for test in _equal(query, name, _plain(name))
            ),
        ]

    @staticmethod
    def _commission_filters(query: dict[str, str]) -> list[Predicate]:
        if "date" in query and not DATE.fullmatch(query["date"]):
            raise BadRequest("Invalid value passed for date")
        return [
            *_equal(query, "date", _plain("date")),
            *_equal(query, "entity", _plain("entity")),
            *_equal(query, "subscription.email_id", _nested("subscription", "email_id")),
            *_equal(query, "transaction.service_name", _nested("transaction", "service_name")),
            *_equal(
                query, "transaction.transaction_date", _nested("transaction", "transaction_date")
            ),
        ]

    @staticmethod
    def _subscription_filters(query: dict[str, str]) -> list[Predicate]:
        return [
            *_date_range(query, "next_recurring_date", "next_recurring_date"),
            *_date_range(query, "subscription_start_date", "subscription_start_date"),
            *(
                test
                for name in ("billing_frequency", "pricing_type", "email_id", "service_id")
                for test in _equal(query, name, _plain(name))
            ),
        ]

    def _status_filters(self, status: str) -> Callable[[dict[str, str]], list[Predicate]]:
        return lambda query: [
            lambda record: record["status"] == status,
            *self._subscription_filters(query),
        ]

    @staticmethod
    def _lead_filters(query: dict[str, str]) -> list[Predicate]:
        return [
            *_date_range(query, "registration_date", "registration_date"),
            *(
                test
                for name in ("email_id", "service_id")
                for test in _equal(query, name, _plain(name))
            ),
        ]

    def _listing(self, view: str, filters: Callable[[dict[str, str]], list[Predicate]]) -> Handler:
        resource = "transactions" if view == "invoiced" else view

        def list_view(request: Request) -> Response:
            if refusal := self._authorised(request):
                return refusal
            query = request.params()
            try:
                page, per_page = (
                    _positive(query, "page", 1),
                    _positive(query, "per_page", MAX_PER_PAGE),
                )
                if per_page > MAX_PER_PAGE:
                    raise BadRequest(f"per_page cannot exceed {MAX_PER_PAGE}")
                tests = filters(query)
            except BadRequest as error:
                return Response(400, {"code": 2, "message": str(error)})
            matching = [
                record for record in self._ordered(view) if all(test(record) for test in tests)
            ]
            rows = matching[(page - 1) * per_page : page * per_page]
            return Response(
                200,
                self._envelope(
                    resource,
                    [self._wire(row) for row in rows],
                    page,
                    per_page,
                    has_more=page * per_page < len(matching),
                ),
            )

        return list_view

    def _envelope(
        self, resource: str, rows: list[dict], page: int, per_page: int, has_more: bool
    ) -> Any:
        style = self.settings["envelope"]
        if style == "array":
            return rows
        flag = "has_more_page" if style == "has_more_page" else "has_more"
        return {
            "code": 0,
            "message": "success",
            resource: rows,
            "page_context": {"page": page, "per_page": per_page, flag: has_more},
        }

    # ---- detail routes ------------------------------------------------------------------------
    def _detail_route(self, request: Request) -> Handler | None:
        match request.path.removeprefix(API).strip("/").split("/"):
            case ["transactions", key]:
                return self._detail("transaction", lambda: self._visible_transaction(key))
            case ["transactions", key, "status", "invoiced"]:
                return self._detail(
                    "transaction",
                    lambda: (
                        self._truth_record("transactions", found)
                        if (found := self._visible_transaction(key)) and key in self.world.invoices
                        else None
                    ),
                )
            case ["subscriptions", key]:
                return self._detail(
                    "subscription",
                    lambda: (
                        None
                        if key in self.world.purged
                        else self.world.records["subscriptions"].get(key)
                    ),
                )
            case ["subscriptions", key, "transactions"]:
                return self._listing("transactions", self._of_subscription(key))
            case ["subscriptions", key, "transactions", "status", "invoiced"]:
                return self._listing("invoiced", self._of_subscription(key))
            case ["leads", key]:
                return self._detail("lead", lambda: self.world.records["leads"].get(key))
        return None

    def _visible_transaction(self, key: str) -> dict | None:
        record = self.world.records["transactions"].get(key)
        return record if record and record["transaction_date"] >= TRANSACTION_FLOOR else None

    def _of_subscription(self, key: str) -> Callable[[dict[str, str]], list[Predicate]]:
        return lambda query: [
            lambda record: record["subscription_id"] == key,
            *self._transaction_filters(query),
        ]

    def _detail(self, resource: str, find: Callable[[], dict | None]) -> Handler:
        def detail(request: Request) -> Response:
            if refusal := self._authorised(request):
                return refusal
            record = find()
            if record is None:
                return Response(404, {"code": 1002, "message": f"The {resource} does not exist."})
            return Response(200, {"code": 0, "message": "success", resource: self._wire(record)})

        return detail

    # ---- the wire form ----------------------------------------------------------------------
    def _wire(self, record: dict) -> dict:
        """The record as Zoho sends it: with `wire_quirks`, numbers as strings, empty values as
        empty strings, and on every other record dates with a time of day."""
        if not self.settings["wire_quirks"]:
            return record
        with_time = int(next(iter(record.values()))) % 2 == 1
        return {key: _quirk(value, with_time) for key, value in record.items()}


def _positive(query: dict[str, str], name: str, default: int) -> int:
    try:
        value = int(query.get(name, default))
    except ValueError:
        raise BadRequest(f"Invalid value passed for {name}") from None
    if value < 1:
        raise BadRequest(f"Invalid value passed for {name}")
    return value


def _quirk(value: Any, with_time: bool) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if value is None:
        return ""
    if isinstance(value, str) and with_time and len(value) == 10 and DATE.fullmatch(value):
        return f"{value} 10:30:00"
    if isinstance(value, dict):
        return {key: _quirk(item, with_time) for key, item in value.items()}
    if isinstance(value, list):
        return [_quirk(item, with_time) for item in value]
    return value
