"""The simulated vendors, by path prefix (the interface they implement: commerce_sandbox.vendor)."""

from __future__ import annotations

from commerce_sandbox.accounts import DEFAULT_ACCOUNT
from commerce_sandbox.clock import Clock
from commerce_sandbox.vendor import Vendor
from commerce_sandbox.vendors.adobe import Adobe
from commerce_sandbox.vendors.zoho import Zoho
from commerce_sandbox.vendors.zoom import Zoom
from commerce_sandbox.vendors.zuora import Zuora

VENDORS: dict[str, type[Vendor]] = {
    vendor_class.prefix: vendor_class for vendor_class in (Zuora, Zoho, Zoom, Adobe)
}


def all_vendors(
    seed: int, scale: int, clock: Clock, accounts: tuple[str, ...] = ()
) -> list[Vendor]:
    """Every vendor's default account, then each of `accounts` of every vendor."""
    return [
        vendor_class(seed, scale, clock, account)
        for account in (DEFAULT_ACCOUNT, *accounts)
        for vendor_class in VENDORS.values()
    ]
