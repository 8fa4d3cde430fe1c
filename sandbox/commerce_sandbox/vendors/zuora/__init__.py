"""Zuora Quickstart API (v2), simulated under `/zuora`: OAuth client credentials at
`/oauth/token` (the v1 endpoint, no `/v2`), the `{next_page, data}` lists of orders, invoices,
invoice items, accounts and subscriptions with Zuora's query parameters, rate-limit headers and
429s, and Zuora's error body `{type, errors: [{code, parameter, message}], retryable}`.

Sources: Zuora's Quickstart API documentation and its OpenAPI file of 2024-01-24
(docs/vendor-specs/zuora-quickstart-openapi-2024-01-24.yaml)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from commerce_sandbox.accounts import DEFAULT_ACCOUNT
from commerce_sandbox.clock import Clock
from commerce_sandbox.encoding import encode
from commerce_sandbox.faults import Fault
from commerce_sandbox.ratelimit import WindowState
from commerce_sandbox.vendor import Handler, Request, Response, StreamCounts, Vendor
from commerce_sandbox.vendors.zuora.listing import (
    DEFAULT_SORT,
    MAX_PAGE_SIZE,
    TIME_FIELDS,
    BadRequest,
    Filter,
    ListQuery,
    Ordering,
    StreamSpec,
    instant,
    list_page,
    parse_query,
)
from commerce_sandbox.vendors.zuora.world import STREAMS, ZuoraWorld

CLIENT_ID, CLIENT_SECRET = "sandbox-zuora-client", "sandbox-zuora-secret"
TOKEN_SCOPE = "user.sandbox entity.sandbox service.billing.read tenant.1"

_COMMON = ("custom_fields", "created_by_id", "updated_by_id", "created_time", "id", "updated_time")
_OBJECT_FIELDS = frozenset(
    {
        "custom_fields",
        "state_transitions",
        "billing_document_settings",
        "initial_term",
        "current_term",
        "renewal_term",
        "line_items",
        "subscriptions",
        "tax_certificate",
        "tax_identifier",
    }
)


def _spec(
    name: str, filterable: dict[str, str], fields: str, expandable: set[str], **extra: Any
) -> StreamSpec:
    accepted = frozenset((*_COMMON, *fields.split()))
    return StreamSpec(
        name, filterable, accepted, frozenset(expandable), unsortable=_OBJECT_FIELDS, **extra
    )


# Filterable fields: Zuora's "Filter lists" guide, Quickstart tab (notes §4.2). Accepted
# `fields[]`: the spec's parameter descriptions. Expansions: the guide's list, as far as simulated.
SPECS = {
    spec.name: spec
    for spec in (
        _spec(
            "orders",
            {
                "updated_time": "time",
                "id": "text",
                "order_date": "date",
                "order_number": "text",
                "account_id": "text",
                "[subscription][state]": "related",
            },
            "account_id order_number order_date state category description line_items "
            "subscriptions",
            {"line_items", "subscriptions", "account"},
            embedded=frozenset({"line_items", "subscriptions"}),
        ),
        _spec(
            "invoices",
            {
                "id": "text",
                "updated_time": "time",
                "account_id": "text",
                "document_date": "date",
                "billing_document_number": "text",
                "remaining_balance": "number",
                "state": "text",
                "reversed": "boolean",
                "total": "number",
                "[items][id]": "related",
            },
            "state balance due_date invoice_number posted_by_id state_transitions description "
            "account_id total subtotal tax paid past_due document_date amount_paid amount_refunded "
            "payment_terms bill_to_id sold_to_id billing_document_settings currency",
            {"items", "account"},
            filter_aliases={"billing_document_number": "invoice_number"},
        ),
        _spec(
            "invoice_items",
            {
                "id": "text",
                "updated_time": "time",
                "subscription_id": "text",
                "subscription_item_id": "text",
                "invoice_id": "text",
                "price_id": "text",
                "[taxation_items][id]": "related",
            },
            "amount booking_reference applied_to_item_id price_id discount_item "
            "deferred_revenue_account description invoice_id sku name purchase_order_number "
            "quantity recognized_revenue_account remaining_balance revenue_recognition_rule_name "
            "accounting_code service_end service_start accounts_receivable_account subscription_id "
            "subscription_item_id tax tax_code tax_inclusive unit_amount unit_of_measure "
            "document_item_date",
            {"invoice", "subscription"},
        ),
        _spec(
            "accounts",
            {
                "updated_time": "time",
                "id": "text",
                "batch": "text",
                "bill_cycle_day": "integer",
                "bill_to_id": "text",
                "sold_to_id": "text",
                "communication_profile_id": "text",
                "crm_id": "text",
                "currency": "text",
                "default_payment_method_id": "text",
                "invoice_template_id": "text",
                "name": "text",
                "balance": "number",
                "last_invoice_date": "date",
                "parent_account_id": "text",
                "account_number": "text",
                "status": "text",
                "[billing_documents][id]": "related",
                "[payment_methods][type]": "related",
                "[subscriptions][state]": "related",
            },
            "auto_pay account_number bill_to_id sold_to_id billing_document_settings "
            "communication_profile_id crm_id sales_rep parent_account_id payment_gateway "
            "payment_terms remaining_credit_memo_balance remaining_debit_memo_balance "
            "remaining_invoice_balance remaining_payment_balance sequence_set_id tax_certificate "
            "batch tax_identifier bill_cycle_day description name currency "
            "default_payment_method_id enabled",
            {"subscriptions", "invoices"},
        ),
        _spec(
            "subscriptions",
            {
                "updated_time": "time",
                "id": "text",
                "account_id": "text",
                "state": "text",
                "subscription_number": "text",
                "version": "integer",
                "contract_effective": "date",
                "invoice_owner_account_id": "text",
                "start_date": "date",
                "end_date": "date",
                "latest_version": "boolean",
                "[subscription_plans][id]": "related",
            },
            "subscription_number state account_id invoice_owner_account_id auto_renew version "
            "initial_term current_term renewal_term start_date end_date description "
            "contract_effective service_activation customer_acceptance invoice_separately "
            "latest_version payment_terms billing_document_settings bill_to_id sold_to_id "
            "contracted_mrr currency cancel_reason last_booking_date order_number",
            {"account", "invoice_owner_account"},
        ),
    )
}
# The expansions the tap asks for, hence the shape of the truth.
TRUTH_EXPANSIONS = {"orders": frozenset({"line_items", "subscriptions"})}
ERROR_TYPES = {
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    429: "too_many_requests",
    500: "internal_server_error",
    502: "bad_gateway",
    503: "service_unavailable",
}
FAULT_MESSAGES = {
    400: "Bad request",
    404: "Not found",
    429: "Too many requests",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
}


def error_body(
    status: int, code: str, message: str, parameter: str | None = None, retryable: bool = False
) -> dict[str, Any]:
    error = {"code": code, "message": message}
    if parameter:
        error["parameter"] = parameter
    return {"type": ERROR_TYPES[status], "errors": [error], "retryable": retryable}


class Zuora(Vendor):
    prefix = "zuora"
    stream_keys = dict.fromkeys(STREAMS, "id")
    # Generous by default so tests are throttled only when they ask (production: 50 000/min).
    default_settings = {
        "latency_ms": 0,
        "token_ttl_seconds": 3599,
        "rate_limit_per_minute": 50000,
        "rate_window_seconds": 60,
    }  # a test scales time down by shortening the window

    def __init__(self, seed: int, scale: int, clock: Clock, account: str = DEFAULT_ACCOUNT) -> None:
        super().__init__(seed, scale, clock, account)
        self.world = ZuoraWorld(
            self.world_seed, scale, clock.now, id_seed=None if account == DEFAULT_ACCOUNT else seed
        )
        self._orderings: dict[tuple[str, tuple], tuple[int, Ordering]] = {}
        tables = self.world.tables
        accounts, invoices, subscriptions = (
            tables[name].records for name in ("accounts", "invoices", "subscriptions")
        )
        self._joins: dict[str, Callable[[dict], Any]] = {
            "account": lambda record: accounts.get(record["account_id"]),
            "invoice_owner_account": lambda record: accounts.get(
                record["invoice_owner_account_id"]
            ),
            "invoice": lambda record: invoices.get(record["invoice_id"]),
            "subscription": lambda record: subscriptions.get(record["subscription_id"]),
            "items": lambda record: self._nested(
                "invoice_items", self.world.items_of[record["id"]]
            ),
            "invoices": lambda record: self._nested(
                "invoices", self.world.account_invoices[record["id"]]
            ),
            "subscriptions": lambda record: self._nested(
                "subscriptions", self.world.account_subscriptions[record["id"]]
            ),
        }
        self._related: dict[str, Callable[[str, dict], list[Any]]] = {
            "[subscription][state]": lambda _, order: [
                each["state"] for each in order["subscriptions"]
            ],
            "[items][id]": lambda invoice_id, _: self.world.items_of[invoice_id],
            "[billing_documents][id]": lambda account_id, _: self.world.account_invoices[
                account_id
            ],
            "[subscriptions][state]": lambda account_id, _: [
                subscriptions[each]["state"]
                for each in self.world.account_subscriptions[account_id]
            ],
            # Objects not simulated: nothing to match.
            "[taxation_items][id]": lambda *_: [],
            "[payment_methods][type]": lambda *_: [],
            "[subscription_plans][id]": lambda *_: [],
        }

    # ---- the vendor interface --------------------------------------------------------------
    def routes(self) -> dict[tuple[str, str], Handler]:
        routes: dict[tuple[str, str], Handler] = {("POST", "/oauth/token"): self._token}
        for stream in STREAMS:
            routes["GET", f"/v2/{stream}"] = self._lister(stream)
        return routes

    def not_found(self, request: Request) -> Response:
        return Response(
            404,
            error_body(
                404, "resource_not_found", f"no resource at {request.method} {request.path}"
            ),
            self._request_headers(request),
        )

    def advance(self, start: float, end: float) -> StreamCounts:
        return self.world.advance(self.seed, start, end)

    def truth(self, stream: str) -> list[dict] | None:
        if stream not in SPECS:
            return None
        table = self.world.tables[stream]
        query = ListQuery(
            MAX_PAGE_SIZE,
            [],
            DEFAULT_SORT,
            frozenset(),
            TRUTH_EXPANSIONS.get(stream, frozenset()),
            {},
            None,
        )
        return [self._shape(stream, table.records[key], query) for key in sorted(table.records)]

    def fault_response(self, fault: Fault) -> Response:
        status = fault.status
        headers = {"zuora-request-id": secrets.token_hex(16)}
        if status == 429 and fault.reset_header:
            limit = int(self.settings["rate_limit_per_minute"])
            headers.update(
                self._rate_headers(WindowState(limit, 0, max(1, round(fault.seconds)), False))
            )
        retryable = status == 429 or status >= 500
        return Response(
            status,
            error_body(status, ERROR_TYPES[status], FAULT_MESSAGES[status], retryable=retryable),
            headers,
        )

    # ---- HTTP ------------------------------------------------------------------------------
    @staticmethod
    def _rate_headers(window: WindowState) -> dict[str, str]:
        return {
            "ratelimit-limit": f"{window.limit}, {window.limit};w=60",
            "ratelimit-remaining": str(window.remaining),
            "ratelimit-reset": str(window.reset_seconds),
        }

    @staticmethod
    def _request_headers(request: Request) -> dict[str, str]:
        headers = {"zuora-request-id": secrets.token_hex(16)}
        if track := request.header("zuora-track-id"):
            headers["zuora-track-id"] = track
        return headers

    def _token(self, request: Request) -> Response:
        headers = self._request_headers(request)
        form = request.form()
        grant_type = form.get("grant_type")
        if grant_type != "client_credentials":
            message = (
                "grant_type is required"
                if not grant_type
                else f"unsupported grant_type '{grant_type}'"
            )
            return Response(
                400, error_body(400, "unsupported_grant_type", message, "grant_type"), headers
            )
        if form.get("client_id") != self.credential(CLIENT_ID) or form.get(
            "client_secret"
        ) != self.credential(CLIENT_SECRET):
            return Response(
                401,
                error_body(401, "invalid_client", "Invalid client_id or client_secret"),
                headers,
            )
        ttl = int(self.settings["token_ttl_seconds"])
        return Response(
            200,
            {
                "access_token": self.tokens.issue(ttl),
                "token_type": "bearer",
                "expires_in": ttl,
                "scope": TOKEN_SCOPE,
                "jti": secrets.token_hex(16),
            },
            headers,
        )

    def _lister(self, stream: str) -> Handler:
        def list_stream(request: Request) -> Response:
            # Every request counts against the window, refused ones too (Zuora's rate-limit guide).
            window = self.rate_window.take(
                int(self.settings["rate_limit_per_minute"]),
                float(self.settings["rate_window_seconds"]),
            )
            headers = {**self._rate_headers(window), **self._request_headers(request)}
            if not self.tokens.valid(self.token_of(request)):
                return Response(
                    401,
                    error_body(
                        401, "unauthorized", "Authentication error: invalid or expired access token"
                    ),
                    headers,
                )
            if not window.allowed:
                return Response(
                    429,
                    error_body(
                        429,
                        "too_many_requests",
                        f"Too many requests: rate limit of {window.limit} per minute exceeded",
                        retryable=True,
                    ),
                    headers,
                )
            try:
                return Response(
                    200,
                    headers=headers,
                    raw=self._page(stream, parse_query(SPECS[stream], request.query)),
                )
            except BadRequest as error:
                return Response(
                    400, error_body(400, "invalid_parameter", str(error), error.parameter), headers
                )

        return list_stream

    # ---- lists -----------------------------------------------------------------------------
    def _ordering(self, stream: str, sort: tuple[tuple[str, bool], ...]) -> Ordering:
        table = self.world.tables[stream]
        cached = self._orderings.get((stream, sort))
        if cached is None or cached[0] != table.version:
            cached = self._orderings[stream, sort] = (table.version, Ordering(table, sort))
        return cached[1]

    def _page(self, stream: str, query: ListQuery) -> bytes:
        table = self.world.tables[stream]
        cacheable = (
            not query.fields and not query.nested_fields and query.expand <= SPECS[stream].embedded
        )

        def render(record_ids: list[str]) -> list[bytes]:
            if cacheable:  # the view depends on the record alone
                return table.encoded(
                    record_ids, query.expand, lambda record: self._shape(stream, record, query)
                )
            return [encode(self._shape(stream, table.records[key], query)) for key in record_ids]

        def value_of(condition: Filter, record_id: str, record: dict) -> Any:
            if condition.kind == "related":
                return self._related[condition.field](record_id, record)
            if condition.field == "updated_time":
                return table.stamps[record_id]
            value = record.get(condition.field)
            return instant(value) if condition.field in TIME_FIELDS and value else value

        return list_page(table, self._ordering(stream, query.sort), query, value_of, render)

    def _shape(self, stream: str, record: dict, query: ListQuery) -> dict:
        embedded = SPECS[stream].embedded
        if query.expand == embedded and not query.fields and not query.nested_fields:
            return record  # the stored record is already this view
        shaped = {
            key: value
            for key, value in record.items()
            if key not in embedded or key in query.expand
        }
        for key in query.expand - embedded:
            shaped[key] = self._joins[key](record)
        for key, names in query.nested_fields.items():
            shaped[key] = _select_nested(shaped.get(key), names)
        if query.fields:
            shaped = {
                key: value
                for key, value in shaped.items()
                if key in query.fields or key in query.expand
            }
        return shaped

    def _nested(self, stream: str, ids: list[str]) -> dict[str, Any]:
        """An expanded collection: at most 99 records, newest first, with its own next_page for
        the dedicated list endpoint (Zuora's pagination guide)."""
        table = self.world.tables[stream]
        newest_first = sorted(ids, key=lambda key: (table.stamps[key], key), reverse=True)
        next_page = None
        if len(newest_first) > MAX_PAGE_SIZE:
            next_page = self._ordering(stream, DEFAULT_SORT).encode_cursor(
                newest_first[MAX_PAGE_SIZE - 1]
            )
        return {
            "next_page": next_page,
            "data": [table.records[key] for key in newest_first[:MAX_PAGE_SIZE]],
        }


def _select_nested(value: Any, names: frozenset[str]) -> Any:
    """`<expansion>.fields[]` applied to an expanded object, list of objects, or collection."""
    if isinstance(value, dict) and "data" in value and "next_page" in value:
        return {**value, "data": _select_nested(value["data"], names)}
    if isinstance(value, list):
        return [_select_nested(each, names) for each in value]
    if isinstance(value, dict):
        return {key: item for key, item in value.items() if key in names}
    return value
