"""The Zoom Commerce streams: declarations, and for the streams that need them, how their reads
combine (details fetched concurrently, unpaid documents re-read, subscriptions refreshed from what
changed). Zoom's quirks live in client.py."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

import requests
from singer_sdk.helpers.types import Context

from commerce_taps_common.http.concurrency import batches
from commerce_taps_common.http.listing import parsed_body
from commerce_taps_common.state import RowDigests
from tap_zoom_commerce.client import (
    ChangedRowDetails,
    DateFilteredListStream,
    ListStream,
    OpenRows,
    TokenListStream,
    WindowedListStream,
    ZoomStream,
)
from tap_zoom_commerce.webhook_events import WebhookEventsStream


class AccountsStream(ListStream):
    name = "accounts"
    path = "/commerce/accounts"
    records_jsonpath = "$.account_list[*]"
    primary_keys = ("crm_account_number",)


class DealRegistrationsStream(ListStream):
    """Every status but "submit failed" (the API's default when `status` is not sent)."""

    name = "deal_registrations"
    path = "/commerce/deal_registrations"
    records_jsonpath = "$.deal_registrations[*]"
    # The spec's response schema defines `deal_registrations` but lists `dealReg` as required.
    records_key_alias = "dealReg"
    primary_keys = ("create_reference_id",)


class TrialsStream(ListStream):
    name = "trials"
    path = "/commerce/trials"
    records_jsonpath = "$.trial_list[*]"
    primary_keys = ("trial_id",)
    page_size = 99


class QuotesStream(DateFilteredListStream):
    """Each quote with its detail's `competitive_buyout` (added 2026-11-19, on the detail only)."""

    name = "quotes"
    path = "/commerce/quotes"
    records_jsonpath = "$.quote_list[*]"
    primary_keys = ("quote_reference_id",)
    type_parameter = "quote_type"

    def get_records(self, context: Context | None) -> Iterable[dict]:
        quotes = super().get_records(context)
        for quote, detail in self.with_details(quotes, "/commerce/quotes/{quote_reference_id}"):
            quote["competitive_buyout"] = detail.get("competitive_buyout")
            yield quote


class OrdersStream(DateFilteredListStream):
    """Each order with its detail's `create_subscription` and `amend_subscriptions`: the
    subscriptions it touched, which the subscriptions stream then refreshes."""

    name = "orders"
    path = "/commerce/orders"
    records_jsonpath = "$.order_list[*]"
    primary_keys = ("order_reference_id",)
    type_parameter = "order_type"

    def get_records(self, context: Context | None) -> Iterable[dict]:
        orders = super().get_records(context)
        for order, detail in self.with_details(orders, "/commerce/orders/{order_reference_id}"):
            for key in ("create_subscription", "amend_subscriptions"):
                order[key] = detail.get(key) or []
                self.run.touched_subscriptions.update(
                    each["subscription_number"]
                    for each in order[key]
                    if each.get("subscription_number")
                )
            yield order


class SubscriptionsStream(TokenListStream):
    """The detail of each subscription (terms, lines, charges, created and updated dates). Every
    run lists every status (cheap: 99 a page) and keeps a digest of each list row in its state;
    details are read for subscriptions whose row changed, new ones, those touched by this run's
    orders, and by a rotation that reads every one again within `subscription_sweep_runs` runs."""

    name = "subscriptions"
    path = "/commerce/subscriptions"
    records_jsonpath = "$.subscription_list[*]"
    primary_keys = ("subscription_number",)
    replication_key = "updated_date"
    is_sorted = False
    statuses = ("active", "pending_activation", "cancelled", "expired")

    def get_records(self, context: Context | None) -> Iterable[dict]:
        state = self.get_context_state(context)
        rotation = self.rotation(state, "subscription")
        digests = RowDigests(state, "list_digests")
        changed = {
            row["subscription_number"]: digests.changed(row["subscription_number"], row)
            for status in self.statuses
            # `start`/`end` filter on term dates; without them Zoom lists only last month's.
            for row in self.request_records(
                {"status": status, "start": "2000-01-01", "end": "2199-12-31"}
            )
        }
        wanted = rotation.pick(
            changed,
            (
                number
                for number, is_changed in changed.items()
                if is_changed or number in self.run.touched_subscriptions
            ),
        )
        versions = self.tap.streams["subscription_versions"].selected
        for batch in batches(wanted):
            details = self.details(f"/commerce/subscriptions/{number}" for number in batch)
            history = (
                self.details(f"/commerce/subscriptions/{number}/versions" for number in batch)
                if versions
                else [None] * len(batch)
            )
            for number, detail, past in zip(batch, details, history, strict=True):
                if detail is not None:
                    self.run.subscription_versions[number] = past
                    yield detail
        digests.save()
        rotation.save()

    def get_child_context(self, record: dict, context: Context | None) -> dict:
        return {"subscription_number": record["subscription_number"]}


class SubscriptionVersionsStream(ZoomStream):
    """One row per version of each subscription read this run (fetched with its detail)."""

    name = "subscription_versions"
    parent_stream_type = SubscriptionsStream
    state_partitioning_keys = ()
    primary_keys = ("subscription_number", "version")

    def get_records(self, context: Context | None) -> Iterable[dict]:
        assert context is not None  # a child stream: its parent's record
        number = context["subscription_number"]
        history = self.run.subscription_versions.pop(number, None) or {}
        for version in history.get("subscription_versions") or []:
            yield {"subscription_number": number, **version}


class BillingDocumentsStream(WindowedListStream):
    """Invoices, credit memos and debit memos, paid and unpaid (the API defaults to unpaid
    invoices of the last month), in 3-year windows of `document_date` from the bookmark less
    `lookback_days`. Balances and payment status change after the document date, so every run
    also re-reads every unpaid document, and looks up the ones that were unpaid last run and no
    longer are; an invoice's detail is read when its list row is new or changed."""

    name = "billing_documents"
    path = "/commerce/billing_documents"
    records_jsonpath = "$.billing_documents[*]"
    primary_keys = ("document_number",)
    replication_key = "document_date"
    window_parameters = ("document_date_start", "document_date_end")
    kind_parameter = "document_type"
    kinds = ("invoice", "credit_memo", "debit_memo")
    open_rows = OpenRows("payment_status", ("Paid", "Unpaid"), "Unpaid", "Paid", "unpaid")
    changed_details = ChangedRowDetails("/commerce/invoices/{}", "invoice", "invoices")

    def get_child_context(self, record: dict, context: Context | None) -> dict | None:
        return (
            {"invoice_number": record["document_number"]}
            if record["document_type"] == "invoice"
            else None
        )

    def generate_child_contexts(
        self, record: dict, context: Context | None
    ) -> Iterable[dict | None]:
        child = self.get_child_context(record, context)
        if child:
            yield child


class InvoicesStream(ZoomStream):
    """The detail of every invoice the billing documents stream read this run, its items nested
    (`invoice_items`), fetched concurrently with the documents."""

    name = "invoices"
    parent_stream_type = BillingDocumentsStream
    state_partitioning_keys = ()
    primary_keys = ("invoice_number",)
    category = "LIGHT"

    def get_records(self, context: Context | None) -> Iterable[dict]:
        assert context is not None  # a child stream: its parent's record
        detail = self.run.details[self.name].pop(context["invoice_number"], None)
        if detail:
            yield detail


class CatalogOffersStream(ZoomStream):
    """`POST /commerce/catalog` once per offer type and configured currency (the API's default is
    plans in USD); one row per offer and currency."""

    name = "catalog_offers"
    path = "/commerce/catalog"
    records_jsonpath = "$.offers[*]"
    primary_keys = ("offer_id", "currency")
    emit_activate_version_messages = True
    offer_types = ("plan", "standalone", "configurable", "isv", "addon")
    http_method = "POST"

    def get_new_paginator(self) -> None:
        return None

    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        return {}

    def prepare_request_payload(
        self, context: Context | None, next_page_token: Any
    ) -> dict[str, Any]:
        assert context is not None  # one offer type and currency, from get_records
        return {
            "filter_options": [
                {"filter_by": "offerType", "filter_value": context["offer_type"], "operand": "in"},
                {"filter_by": "currency", "filter_value": context["currency"], "operand": "in"},
            ]
        }

    def get_records(self, context: Context | None) -> Iterable[dict]:
        for currency in self.config.get("catalog_currencies") or ["USD"]:
            for offer_type in self.offer_types:
                for offer in self.request_records({"offer_type": offer_type, "currency": currency}):
                    yield {**offer, "currency": currency}


class PriceBookStream(ZoomStream):
    """`GET /commerce/pricebooks?file_type=csv`: the price book file, one row per CSV line, with the
    header's names in snake_case. The file holds every currency (the `currency` parameter's
    default) and a charge's price is per currency (the catalog's prices each carry theirs), so a
    charge is a line per currency: the key is the charge and the currency."""

    name = "price_book"
    path = "/commerce/pricebooks"
    primary_keys = ("price_list_charge_id", "currency")
    emit_activate_version_messages = True

    def get_new_paginator(self) -> None:
        return None

    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        return {"file_type": "csv"}

    def read_body(self, response: requests.Response) -> Any:
        rows = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
        return [
            {"_".join(name.lower().split()): value for name, value in row.items()} for row in rows
        ]

    def parse_response(self, response: requests.Response) -> Iterable[dict]:
        yield from parsed_body(response)


STREAMS = (
    AccountsStream,
    DealRegistrationsStream,
    TrialsStream,
    QuotesStream,
    OrdersStream,
    SubscriptionsStream,
    SubscriptionVersionsStream,
    BillingDocumentsStream,
    InvoicesStream,
    CatalogOffersStream,
    PriceBookStream,
    WebhookEventsStream,
)
