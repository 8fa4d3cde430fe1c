"""The Zuora Quickstart streams: declarations; Zuora's quirks live in client.py."""

from __future__ import annotations

from collections.abc import Iterable

from singer_sdk.helpers.types import Context

from tap_zuora_quickstart.client import ZuoraStream, tombstone


class AccountsStream(ZuoraStream):
    name = "accounts"
    path = "/accounts"


class SubscriptionsStream(ZuoraStream):
    """Every version of every subscription (each version has its own id)."""

    name = "subscriptions"
    path = "/subscriptions"


class OrdersStream(ZuoraStream):
    name = "orders"
    path = "/orders"
    expand = ("line_items", "subscriptions")

    def post_process(self, row: dict, context: Context | None = None) -> dict | None:
        # Expanded collections come as {"next_page", "data"} capped at 99 entries, and there is no
        # listing of order line items to read the rest from: keep the list, say when it is cut.
        line_items = row.get("line_items")
        if isinstance(line_items, dict):
            if line_items.get("next_page"):
                self.logger.warning(
                    "Order %s has more than 99 line items; only 99 are kept", row["id"]
                )
            row["line_items"] = line_items.get("data") or []
        return super().post_process(row, context)


class InvoicesStream(ZuoraStream):
    name = "invoices"
    path = "/invoices"

    def get_records(self, context: Context | None) -> Iterable[dict]:
        state = self.get_context_state(context)
        drafts = self.run.draft_invoices
        for invoice in sorted(drafts.deleted(self, state.get("draft_invoice_ids", []))):
            yield tombstone(invoice)
        for record in super().get_records(context):
            if record.get("state") == "draft":
                drafts.note_draft(record["id"])
            yield record
        state["draft_invoice_ids"] = sorted(drafts.current(self))


class InvoiceItemsStream(ZuoraStream):
    """Invoice items; a payment applied to an item changes its `remaining_balance`, which Zuora's
    item tables may not stamp (Fivetran re-reads them weekly for this), so they are read again in
    full every `unstamped_reread_runs` runs."""

    name = "invoice_items"
    path = "/invoice_items"
    unstamped_fields = ("remaining_balance",)

    def get_records(self, context: Context | None) -> Iterable[dict]:
        state = self.get_context_state(context)
        drafts = self.run.draft_invoices
        tracked: dict[str, list[str]] = state.get("draft_invoice_items", {})
        for invoice in sorted(drafts.deleted(self, tracked)):
            for item in tracked.pop(invoice):
                yield tombstone(item)
        current = drafts.current(self)
        for record in super().get_records(context):
            if record.get("invoice_id") in current:
                tracked.setdefault(record["invoice_id"], []).append(record["id"])
            yield record
        # Items of invoices that were posted are final: stop tracking them.
        state["draft_invoice_items"] = {
            invoice: sorted(set(items)) for invoice, items in tracked.items() if invoice in current
        }


STREAMS = (AccountsStream, SubscriptionsStream, OrdersStream, InvoicesStream, InvoiceItemsStream)
