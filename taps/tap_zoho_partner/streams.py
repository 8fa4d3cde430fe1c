"""The Zoho Store Partner streams: declarations; Zoho's quirks live in client.py."""

from __future__ import annotations

from tap_zoho_partner.client import (
    TRANSACTION_FLOOR,
    DateFilteredStream,
    DayFilteredStream,
    ZohoStream,
)


class TransactionsStream(DateFilteredStream):
    """Every transaction since 2019-01-01, with the invoiced view's fields (invoice number,
    invoiced entity, invoice amount) folded in: one table for what was billed and invoiced."""

    name = "transactions"
    path = "/transactions"
    folded_path = "/transactions/status/invoiced"
    resource = "transactions"
    primary_keys = ("transaction_id",)
    replication_key = "transaction_date"
    date_filter = "transaction_date"
    floor = TRANSACTION_FLOOR


class CommissionsStream(DayFilteredStream):
    """One row per commission, reversals (negative rows) included; the look-back re-reads recent
    days so status changes (Requested, Active, Completed) land, and once every
    `commission_sweep_runs` runs the whole listing is read so older changes land too."""

    name = "commissions"
    path = "/commissions"
    resource = "commissions"
    primary_keys = ("commission_id",)
    replication_key = "date"
    day_filter = "date"
    partition_setting, partition_filter = "commission_entities", "entity"
    sweep_setting = "commission_sweep_runs"
    lifted = {
        "subscription_id": ("subscription", "subscription_id"),
        "transaction_id": ("transaction", "transaction_id"),
    }


class SubscriptionsStream(ZohoStream):
    """Every subscription of every status, the whole table each run: no filter says what changed,
    and subscriptions that end leave the listing, which ACTIVATE_VERSION turns into deletes."""

    name = "subscriptions"
    path = "/subscriptions"
    resource = "subscriptions"
    primary_keys = ("subscription_id",)
    emit_activate_version_messages = True


class LeadsStream(DateFilteredStream):
    name = "leads"
    path = "/leads"
    resource = "leads"
    primary_keys = ("lead_id",)
    replication_key = "registration_date"
    date_filter = "registration_date"


STREAMS = (TransactionsStream, CommissionsStream, SubscriptionsStream, LeadsStream)
