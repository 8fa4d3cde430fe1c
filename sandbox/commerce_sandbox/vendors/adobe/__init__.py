"""Adobe VIP Marketplace (Commerce Partner API), simulated under `/adobe`, from
Adobe's Partner API documentation pages (no machine-readable description of v3: see
docs/vendor-specs/README.md): the IMS token endpoint (`/ims/token/v3`, client
credentials, ~24-hour tokens) and under `/v3` the reseller and customer lists (summaries, status
1000 only by default), customer details, order history (from the start of the current term by
default, newest first, `links.next`), subscriptions, deployments, flexible discounts and the price
list (`POST /v3/pricelist`, offset-paged against `totalCount`, 404/1162 for a month not published).

Adobe's headers are enforced: `X-Api-Key` (the client id), a bearer token, `X-Correlation-Id`
(missing: 400/4119) and `X-Request-Id` (reused with another correlation id: 400/4120). A reused
correlation id gets the response stored for it, as Adobe replays it for 10 days: a tap reusing ids
reads stale pages. The list key is a setting (`accounts`, as the current samples show, or
`customers`/`resellers`, as the parameter tables say)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from commerce_sandbox.accounts import DEFAULT_ACCOUNT
from commerce_sandbox.clock import Clock
from commerce_sandbox.faults import Fault
from commerce_sandbox.vendor import Handler, Request, Response, StreamCounts, Vendor
from commerce_sandbox.vendors.adobe.world import PARTITIONS, AdobeWorld

CLIENT_ID, CLIENT_SECRET = "sandbox-adobe-client", "sandbox-adobe-secret"
SCOPE = "openid,AdobeID,read_organizations"
STATUSES = ("1000", "1002", "1004", "1026")
# What the price list answers without includeOfferAttributes; the rest on request.
DEFAULT_OFFER_ATTRIBUTES = (
    "offerId",
    "discountCode",
    "productFamily",
    "firstOrderDate",
    "lastOrderDate",
    "partnerPrice",
)
OFFER_ATTRIBUTES = (
    "productType",
    "productTypeDetail",
    "additionalDetail",
    "operatingSystem",
    "language",
    "version",
    "users",
    "metric",
    "bridge",
    "upcEanCode",
    "gtinCode",
    "levelDetails",
    "estimatedStreetPrice",
    "estimatedShipDate",
    "publicAnnounceDate",
    "rmaRequestDeadline",
    "acdIndicator",
    "acdEffectiveDate",
    "acdDescription",
    "pool",
    "duration",
)
DATE = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?")


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, details: list[str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.body = (
            status,
            {"code": code, "message": message, "additionalDetails": details or []},
        )


def _int(query: dict[str, list[str]], name: str, default: int) -> int:
    try:
        return int(query.get(name, [default])[-1])
    except ValueError:
        raise ApiError(400, "1132", f"Invalid value for {name}") from None


def _page(
    query: dict[str, list[str]],
    rows: list[dict],
    default_limit: int,
    max_limit: int,
    clamp: bool = False,
) -> tuple[list[dict], int, int]:
    offset, limit = _int(query, "offset", 0), _int(query, "limit", default_limit)
    if clamp:
        limit = min(limit, max_limit)
    if offset < 0 or not 1 <= limit <= max_limit:
        raise ApiError(400, "1132", f"limit must be 1..{max_limit} and offset at least 0")
    if offset > len(rows):
        raise ApiError(400, "1133", "Offset out of range")
    return rows[offset : offset + limit], offset, limit


def _links(path: str, query: dict[str, list[str]], offset: int, limit: int, total: int) -> dict:
    """`links` with relative `next`/`prev` URIs carrying their own offset and limit."""
    base = {key: values for key, values in query.items() if key not in ("offset", "limit")}

    def uri(at: int) -> dict:
        return {
            "uri": f"/v3{path}?{urlencode({**base, 'offset': at, 'limit': limit}, doseq=True)}",
            "method": "GET",
            "headers": [],
        }

    links = {"self": uri(offset)}
    if offset + limit < total:
        links["next"] = uri(offset + limit)
    if offset > 0:
        links["prev"] = uri(max(offset - limit, 0))
    return links


class Adobe(Vendor):
    prefix = "adobe"
    stream_keys = {
        "resellers": "resellerId",
        "customers": "customerId",
        "orders": "orderId",
        "subscriptions": "subscriptionId",
        "deployments": "deploymentId",
        "flex_discounts": "id",
        "price_lists": (
            "priceListMonth",
            "region",
            "marketSegment",
            "currency",
            "priceListType",
            "offerId",
            "firstOrderDate",
        ),
    }
    guaranteed_changes = {"customers": ("changed",)}
    default_settings = {
        "latency_ms": 0,
        "token_ttl_seconds": 86399,
        "list_key": "accounts",
        # The next N requests whose path holds `internal_error_path` fail with a 500
        # that, like any answer, is stored under their correlation id.
        "internal_errors": 0,
        "internal_error_path": "",
    }

    def __init__(self, seed: int, scale: int, clock: Clock, account: str = DEFAULT_ACCOUNT) -> None:
        super().__init__(seed, scale, clock, account)
        self.world = AdobeWorld(self.world_seed, scale, clock.now)
        self._replies: dict[str, Response] = {}  # correlation id -> the response first given for it
        self._request_ids: dict[str, str] = {}  # request id -> its correlation id

    # ---- the vendor interface --------------------------------------------------------------
    def routes(self) -> dict[tuple[str, str], Handler]:
        return {
            ("POST", "/ims/token/v3"): self._token,
            ("GET", "/v3/resellers"): self._api(self._resellers),
            ("GET", "/v3/flex-discounts"): self._api(self._flex_discounts),
            ("POST", "/v3/pricelist"): self._api(self._price_list),
        }

    def handle(self, request: Request) -> Response:
        handler = self._route_table.get((request.method, request.path))
        if handler is None and request.method == "GET":
            handler = self._nested_route(request.path.removeprefix("/v3/").split("/"))
        return handler(request) if handler else self.not_found(request)

    def not_found(self, request: Request) -> Response:
        return Response(
            404, ApiError(404, "1132", f"No resource at {request.method} {request.path}").body
        )

    def advance(self, start: float, end: float) -> StreamCounts:
        return self.world.advance(start, end)

    def truth(self, stream: str) -> list[dict] | None:
        """Every record the tap must hold; subscriptions and deployments carry their customer's id
        (the tap adds it: Adobe's resources do not)."""
        records = self.world.records
        if stream == "price_lists":  # in clean form: prices as numbers, empty dates as null
            return [
                {
                    **row,
                    **{
                        name: Decimal(row[name])
                        for name in ("partnerPrice", "estimatedStreetPrice")
                    },
                    **{name: row[name] or None for name in ("lastOrderDate", "acdEffectiveDate")},
                }
                for row in self.world.price_list_rows()
            ]
        if stream in ("subscriptions", "deployments"):
            return [
                {**record, "customerId": self.world.owners[key]}
                for key, record in records[stream].items()
            ]
        return list(records[stream].values()) if stream in records else None

    def change_contact_phone(self, customer_id: str, phone: str) -> None:
        """A test's hook: the customer's first contact gets a new phone number, with no order and
        nothing in the lists to say so (the world does this at random; a test needs it at once)."""
        contact = self.world.records["customers"][customer_id]["companyProfile"]["contacts"][0]
        contact["phoneNumber"] = phone

    def fault_response(self, fault: Fault) -> Response:
        codes = {400: "1132", 404: "1116", 429: "4118", 500: "1124", 502: "1124", 503: "1124"}
        status = fault.status
        headers = (
            {"Retry-After": str(max(1, round(fault.seconds)))}
            if status == 429 and fault.reset_header
            else {}
        )
        return Response(
            status,
            {
                "code": str(fault.code or codes[status]),
                "message": "Injected failure",
                "additionalDetails": [],
            },
            headers,
        )

    # ---- IMS ------------------------------------------------------------------------------------
    def _token(self, request: Request) -> Response:
        form = request.form()
        if form.get("grant_type") != "client_credentials":
            return Response(400, {"error": "unsupported_grant_type"})
        if form.get("client_id") != self.credential(CLIENT_ID) or form.get(
            "client_secret"
        ) != self.credential(CLIENT_SECRET):
            return Response(
                401, {"error": "invalid_client", "error_description": "invalid client_id or secret"}
            )
        if not form.get("scope"):
            return Response(
                400, {"error": "invalid_scope", "error_description": "scope is required"}
            )
        ttl = int(self.settings["token_ttl_seconds"])
        return Response(
            200, {"access_token": self.tokens.issue(ttl), "token_type": "bearer", "expires_in": ttl}
        )

    # ---- headers, idempotency ------------------------------------------------------------------
    def _api(self, handler: Callable[[Request], Any]) -> Handler:
        def serve(request: Request) -> Response:
            correlation = request.header("x-correlation-id")
            if not correlation:
                return Response(
                    400, ApiError(400, "4119", "X-Correlation-Id is missing or invalid").body
                )
            if request.header("x-api-key") != self.credential(CLIENT_ID):
                return Response(403, ApiError(403, "4115", "Invalid API key").body)
            if not request.bearer_token():
                return Response(403, ApiError(403, "4117", "Missing token").body)
            if not self.tokens.valid(request.bearer_token()):
                return Response(401, ApiError(401, "4116", "Invalid token").body)
            request_id = request.header("x-request-id")
            if request_id and self._request_ids.setdefault(request_id, correlation) != correlation:
                return Response(400, ApiError(400, "4120", "Duplicate X-Request-Id").body)
            if (
                correlation in self._replies
            ):  # Adobe answers a known intent with its stored response
                return self._replies[correlation]
            try:
                if (
                    int(self.settings["internal_errors"]) > 0
                    and self.settings["internal_error_path"] in request.path
                ):
                    self.settings["internal_errors"] = int(self.settings["internal_errors"]) - 1
                    raise ApiError(500, "1124", "Internal error")
                response = Response(200, handler(request))
            except ApiError as error:
                response = Response(error.status, error.body)
            self._replies[correlation] = response
            return response

        return serve

    # ---- lists ----------------------------------------------------------------------------------
    def _summary(self, record: dict) -> dict:
        keys = (
            "externalReferenceId",
            "customerId",
            "resellerId",
            "distributorId",
            "status",
            "creationDate",
        )
        if "customerId" in record:
            uri = f"/v3/customers/{record['customerId']}"
        else:
            uri = f"/v3/resellers/{record['resellerId']}"
        return {
            **{key: record[key] for key in keys if key in record},
            "companyProfile": {"companyName": record["companyProfile"]["companyName"]},
            "links": {
                "self": {
                    "uri": uri,
                    "method": "GET",
                    "headers": [],
                }
            },
        }

    def _account_list(self, query: dict[str, list[str]], rows: list[dict], kind: str) -> dict:
        statuses = query.get("status") or ["1000"]  # the default is active accounts only
        if any(status not in STATUSES for status in statuses):
            raise ApiError(400, "1132", "Invalid status")
        first, last = (
            query.get(name, [""])[-1] for name in ("from-created-date", "to-created-date")
        )
        for value in (first, last):
            if value and not DATE.fullmatch(value):
                raise ApiError(400, "1132", "Invalid date")
        rows = [
            row
            for row in rows
            if row["status"] in statuses
            and (not first or row["creationDate"][:10] >= first[:10])
            and (not last or row["creationDate"][:10] <= last[:10])
        ]
        field = {"creationDate": "creationDate", "companyName": "companyName"}.get(
            query.get("sort-by", ["creationDate"])[-1], "creationDate"
        )
        rows.sort(
            key=lambda row: (
                row["companyProfile"]["companyName"] if field == "companyName" else row[field]
            ),
            reverse=query.get("order-by", ["desc"])[-1] != "asc",
        )
        page, offset, limit = _page(query, rows, 20, 50)
        key = kind if self.settings["list_key"] == "plural" else self.settings["list_key"]
        return {
            "totalCount": len(rows),
            "count": len(page),
            "offset": offset,
            "limit": limit,
            key: [self._summary(row) for row in page],
        }

    def _resellers(self, request: Request) -> dict:
        return self._account_list(
            request.query, list(self.world.records["resellers"].values()), "resellers"
        )

    def _nested_route(self, parts: list[str]) -> Handler | None:
        world = self.world
        match parts:
            case ["resellers", reseller_id]:
                return self._api(
                    lambda _: self._found(world.records["resellers"].get(reseller_id), "1115")
                )
            case ["resellers", reseller_id, "customers"]:
                return self._api(
                    lambda request: self._account_list(
                        request.query,
                        [
                            customer.record
                            for customer in world.customers.values()
                            if customer.record["resellerId"]
                            == self._found(world.records["resellers"].get(reseller_id), "1115")[
                                "resellerId"
                            ]
                        ],
                        "customers",
                    )
                )
            case ["customers", customer_id]:
                return self._api(
                    lambda _: self._found(world.records["customers"].get(customer_id), "1116")
                )
            case ["customers", customer_id, "orders"]:
                return self._api(lambda request: self._orders(request, customer_id))
            case ["customers", customer_id, "subscriptions"]:
                return self._api(lambda _: self._owned("subscriptions", customer_id))
            case ["customers", customer_id, "deployments"]:
                return self._api(lambda request: self._deployments(request, customer_id))
        return None

    @staticmethod
    def _found(record: dict | None, code: str) -> dict:
        if record is None:
            raise ApiError(404, code, "Invalid reseller" if code == "1115" else "Invalid customer")
        return record

    def _owned(self, stream: str, customer_id: str) -> dict:
        self._found(self.world.records["customers"].get(customer_id), "1116")
        items = [
            record
            for key, record in self.world.records[stream].items()
            if self.world.owners[key] == customer_id
        ]
        return {
            "totalCount": len(items),
            "items": items,
            "links": {
                "self": {
                    "uri": f"/v3/customers/{customer_id}/{stream}",
                    "method": "GET",
                    "headers": [],
                }
            },
        }

    def _orders(self, request: Request, customer_id: str) -> dict:
        customer = self._found(self.world.records["customers"].get(customer_id), "1116")
        query = request.query
        term_start = (
            dt.date.fromisoformat(customer["cotermDate"]) - dt.timedelta(days=365)
        ).isoformat()
        first, last = query.get("start-date", [term_start])[-1], query.get("end-date", [""])[-1]
        for value in (first, last):
            if value and not DATE.fullmatch(value):
                raise ApiError(
                    400, "1132", "Dates are ISO-8601, e.g. 2024-01-01 or 2024-01-01T00:00:00Z"
                )
        types = query.get("order-type")
        rows = sorted(
            (
                order
                for order in self.world.records["orders"].values()
                if order["customerId"] == customer_id
                and order["creationDate"] >= (first if "T" in first else first + "T00:00:00Z")
                and (
                    not last
                    or order["creationDate"] <= (last if "T" in last else last + "T23:59:59Z")
                )
                and (not types or order["orderType"] in types)
            ),
            key=lambda order: order["creationDate"],
            reverse=True,
        )
        page, offset, limit = _page(query, rows, 25, 100, clamp=True)
        return {
            "totalCount": len(rows),
            "count": len(page),
            "offset": offset,
            "limit": limit,
            "items": page,
            "links": _links(f"/customers/{customer_id}/orders", query, offset, limit, len(rows)),
        }

    def _deployments(self, request: Request, customer_id: str) -> dict:
        items = self._owned("deployments", customer_id)["items"]
        page, offset, limit = _page(request.query, items, 25, 100)
        return {
            "totalCount": len(items),
            "count": len(page),
            "offset": offset,
            "limit": limit,
            "items": page,
            "links": _links(
                f"/customers/{customer_id}/deployments", request.query, offset, limit, len(items)
            ),
        }

    def _flex_discounts(self, request: Request) -> dict:
        query = request.query
        segment, country = query.get("market-segment", [""])[-1], query.get("country", [""])[-1]
        if not segment or not country:
            raise ApiError(400, "1132", "market-segment and country are required")
        rows = [
            row
            for row in self.world.records["flex_discounts"].values()
            if row["marketSegment"] == segment and row["country"] == country
        ]
        page, offset, limit = _page(query, rows, 20, 50)
        return {
            "totalCount": len(rows),
            "count": len(page),
            "offset": offset,
            "limit": limit,
            "flexDiscounts": page,
            "links": _links("/flex-discounts", query, offset, limit, len(rows)),
        }

    def _price_list(self, request: Request) -> dict:
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            raise ApiError(400, "5122", "Invalid request") from None
        missing = [
            name
            for name in ("region", "marketSegment", "currency", "priceListMonth")
            if not body.get(name)
        ]
        if missing:
            raise ApiError(
                400, "5122", "Invalid request", [f"{name} is required" for name in missing]
            )
        partition = (
            body["region"],
            body["marketSegment"],
            body["currency"],
            body.get("priceListType") or "STANDARD",
        )
        if partition not in PARTITIONS:
            raise ApiError(400, "1161", "Currency or region not valid for the partner")
        rows = self.world.published[partition].get(body["priceListMonth"])
        if rows is None:
            raise ApiError(404, "1162", "Price list not found")
        wanted = body.get("includeOfferAttributes") or []
        unknown = [
            name
            for name in wanted
            if name not in OFFER_ATTRIBUTES and name not in DEFAULT_OFFER_ATTRIBUTES
        ]
        if unknown:
            raise ApiError(
                400,
                "5122",
                "Invalid request",
                [f"unknown offer attribute {name}" for name in unknown],
            )
        fields = set(DEFAULT_OFFER_ATTRIBUTES) | set(wanted)
        page, offset, limit = _page(request.query, rows, 20, 100)
        return {
            "priceListMonth": body["priceListMonth"],
            "marketSegment": partition[1],
            "region": partition[0],
            "currency": partition[2],
            "priceListType": partition[3],
            "totalCount": len(rows),
            "count": len(page),
            "limit": limit,
            "offset": offset,
            "offers": [{key: value for key, value in row.items() if key in fields} for row in page],
        }
