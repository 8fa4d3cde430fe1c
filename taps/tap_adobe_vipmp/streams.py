"""The Adobe VIP Marketplace streams: declarations, and how each combines Adobe's per-customer
endpoints (fetched with bounded concurrency); Adobe's quirks live in client.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import requests
from singer_sdk.helpers.types import Context

from commerce_taps_common.http.listing import Listing, keep_parsed_body
from commerce_taps_common.state import RowDigests
from tap_adobe_vipmp.client import AdobeStream, month_after, months

# What the price list returns only when asked (every attribute the API documents).
OFFER_ATTRIBUTES = [
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
]


class ResellersStream(AdobeStream):
    """Every reseller of every status (the list's default is active only), as the detail."""

    name = "resellers"
    path = "/v3/resellers"
    primary_keys = ("resellerId",)
    emit_activate_version_messages = True

    def get_records(self, context: Context | None) -> Iterable[dict]:
        ids = self.customer_directory.reseller_ids  # listed once a run, shared with the directory
        yield from self.details(f"/v3/resellers/{reseller}" for reseller in ids)


class CustomersStream(AdobeStream):
    """Customer details (company profile, contacts, discount levels, benefits, coterm date). The
    lists are summaries and nothing says what changed: new customers' details every run, those of
    customers whose orders this run found new or changed (a renewal moves the coterm date, an
    add-on the discount level), and a rotation that reads every known customer's detail again
    within `customer_sweep_runs` runs (a contact's phone changes with no order)."""

    name = "customers"
    path = "/v3/customers"
    primary_keys = ("customerId",)
    replication_key = "creationDate"
    is_sorted = False

    def get_records(self, context: Context | None) -> Iterable[dict]:
        directory = self.customer_directory
        state = self.get_context_state(context)
        rotation = self.rotation(state, "customer")
        ordering = self.run.customers_with_changed_orders & set(directory.known)
        wanted = rotation.pick(directory.ids(), {*directory.new_ids(), *ordering})
        yield from self.details(f"/v3/customers/{customer}" for customer in wanted)
        state["known_customers"] = directory.known
        rotation.save()


class PerCustomerStream(AdobeStream):
    """One listing per known customer, read concurrently; rows carry their `customerId`."""

    limit: int | None = 100

    def params(self, context: Context | None) -> dict[str, Any]:
        return {}

    def get_records(self, context: Context | None) -> Iterable[dict]:
        params = self.params(context)
        ids = self.customer_directory.ids()
        pages = self.concurrently(
            lambda customer: list(
                self.listing(Listing(self.path.format(customerId=customer), params))
            ),
            ids,
        )
        for customer, rows in zip(ids, pages, strict=True):
            for row in rows:
                yield {**row, "customerId": customer}


class OrdersStream(PerCustomerStream):
    """Each customer's orders since the bookmark less `lookback_days`, line items with their
    promotions and flexible discounts nested; `start-date` always sent, since its default is the
    start of the customer's current term."""

    name = "orders"
    path = "/v3/customers/{customerId}/orders"
    primary_keys = ("orderId",)
    replication_key = "creationDate"
    is_sorted = False  # newest first, per customer

    def params(self, context: Context | None) -> dict[str, Any]:
        first = self.first_day(context, dt.date(2017, 1, 1))  # VIP Marketplace opened in 2017
        return {"start-date": f"{first.isoformat()}T00:00:00Z"}

    def get_records(self, context: Context | None) -> Iterable[dict]:
        # Orders new or changed since the last run name the customers whose details they moved.
        digests = RowDigests(self.get_context_state(context), "order_digests")
        for order in super().get_records(context):
            if digests.changed(order["orderId"], order):
                self.run.customers_with_changed_orders.add(order["customerId"])
            yield order
        digests.save()


class SubscriptionsStream(PerCustomerStream):
    """Each customer's subscriptions (the endpoint has no paging and no filters), whole each run."""

    name = "subscriptions"
    path = "/v3/customers/{customerId}/subscriptions"
    primary_keys = ("subscriptionId",)
    limit = None
    emit_activate_version_messages = True


class DeploymentsStream(PerCustomerStream):
    name = "deployments"
    path = "/v3/customers/{customerId}/deployments"
    primary_keys = ("deploymentId",)
    emit_activate_version_messages = True


class FlexDiscountsStream(AdobeStream):
    """Flexible discounts, a partition per configured market segment and country. One discount
    may apply in several markets and Adobe's answer does not name the market, so each row carries
    the market it was listed for (the request's) and is keyed by discount and market."""

    name = "flex_discounts"
    path = "/v3/flex-discounts"
    primary_keys = ("id", "marketSegment", "country")
    emit_activate_version_messages = True

    @property
    def partitions(self) -> list[dict]:
        return [
            {"marketSegment": market["market_segment"], "country": market["country"]}
            for market in self.config.get("flex_discount_markets") or []
        ]

    def get_records(self, context: Context | None) -> Iterable[dict]:
        market = dict(context or {})
        params = {"market-segment": market["marketSegment"], "country": market["country"]}
        for discount in self.request_records(params):
            yield {**discount, **market}


class PriceListsStream(AdobeStream):
    """`POST /v3/pricelist` per configured partition and month, from the month after the last one
    loaded (or `price_list_start_month`) to next month; a month not yet published (404, 1162)
    ends the partition's run. One row per offer, partition, month and first order date."""

    name = "price_lists"
    path = "/v3/pricelist"
    primary_keys = (
        "priceListMonth",
        "region",
        "marketSegment",
        "currency",
        "priceListType",
        "offerId",
        "firstOrderDate",
    )
    replication_key = "priceListMonth"
    is_sorted = True  # months ascending within a partition
    limit: int | None = 100
    http_method = "POST"

    @property
    def partitions(self) -> list[dict]:
        # Named as the rows' own fields: singer-sdk copies a partition's keys onto its records.
        return [
            {
                "region": each["region"],
                "marketSegment": each["market_segment"],
                "currency": each["currency"],
                "priceListType": each.get("price_list_type", "STANDARD"),
            }
            for each in self.config.get("price_list_partitions") or []
        ]

    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        return super().get_url_params(None, next_page_token)  # the paging alone: the rest is POSTed

    def prepare_request_payload(
        self, context: Context | None, next_page_token: Any
    ) -> dict[str, Any]:
        """The partition and the month (the context `get_records` reads), and every attribute."""
        return {**(context or {}), "includeOfferAttributes": OFFER_ATTRIBUTES}

    def validate_response(self, response: requests.Response) -> None:
        if response.status_code == 404 and '"1162"' in response.text:  # not published (yet)
            keep_parsed_body(response, {})
            return
        super().validate_response(response)

    def get_records(self, context: Context | None) -> Iterable[dict]:
        assert context is not None  # one partition per context
        loaded = self.get_starting_replication_key_value(context)
        first = (
            str(loaded)
            if loaded and self.get_context_state(context).get("replication_key_value")
            else str(self.config.get("price_list_start_month") or dt.date.today().strftime("%Y%m"))
        )
        for month in months(first, month_after(dt.datetime.now(dt.UTC).date())):
            rows = self.all_rows({**context, "priceListMonth": month})
            if not rows:
                self.logger.info(
                    "Price list %s %s not published yet: the partition stops here", month, context
                )
                return
            for row in rows:
                yield {"priceListMonth": month, **context, **row}


STREAMS = (
    ResellersStream,
    OrdersStream,
    CustomersStream,
    SubscriptionsStream,
    DeploymentsStream,
    FlexDiscountsStream,
    PriceListsStream,
)
