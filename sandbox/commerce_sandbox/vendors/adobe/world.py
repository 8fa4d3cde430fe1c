"""The Adobe VIP Marketplace world of one distributor: resellers and their customers (company
profile, contacts, discount levels, 3-year commitments, coterm dates), the orders that buy and
renew their subscriptions, a few deployments, flexible discounts, and every month a new price list
per partition, with changed prices, added offers and deleted ones (a `Delete` row in the month of
the deletion, then gone). Records are kept as the API writes them (Adobe writes prices as strings).

Renewals as Adobe documents them since 2026-03-30 (`renewals/manual-renewals`): on the anniversary
date (the customer's `cotermDate`), or early, from 30 days before it to the day before. An early
renewal is a RENEWAL order, complete (invoiced) when placed; it rolls the anniversary over at once
while the subscriptions' `renewalDate` stays until that day passes; a return of it (within 14 days)
does not roll the anniversary back.

Per customer (scale 1): about 2 subscriptions, 4 orders; resellers are one per 8 customers.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from commerce_sandbox.events import EventWorld
from commerce_sandbox.money import cents

DAY = 86400
HISTORY_DAYS = 420
STREAMS = (
    "resellers",
    "customers",
    "orders",
    "subscriptions",
    "deployments",
    "price_lists",
    "flex_discounts",
)
# The partitions this distributor's contract covers:
# (region, market segment, currency, price list type).
PARTITIONS = (
    ("NA", "COM", "USD", "STANDARD"),
    ("NA", "COM", "USD", "3YC"),
    ("WE", "COM", "EUR", "STANDARD"),
    ("NA", "EDU", "USD", "STANDARD"),
    ("WE", "EDU", "EUR", "STANDARD"),
)
# Customers buy in their country's currency: the one of their region's price list.
COUNTRY_CURRENCY = {"US": "USD", "DE": "EUR"}
# (product family, offer id stem, price per licence and year in USD): each family in a teams and an
# enterprise edition, so a partition's month is a few pages long, as Adobe's are.
FAMILIES = (
    ("Photoshop", "263.88"),
    ("Illustrator", "263.88"),
    ("Acrobat Pro", "239.88"),
    ("Creative Cloud All Apps", "779.88"),
    ("InDesign", "263.88"),
    ("Premiere Pro", "263.88"),
    ("Adobe Stock", "359.88"),
    ("Adobe Express", "119.88"),
    ("After Effects", "263.88"),
    ("Lightroom", "119.88"),
    ("Dreamweaver", "263.88"),
    ("Animate", "263.88"),
    ("Audition", "263.88"),
    ("InCopy", "71.88"),
    ("Acrobat Standard", "155.88"),
)
PRODUCTS = [
    (f"{family}{edition}", f"653{index * 2 + offset:05d}CA", Decimal(price) * factor)
    for index, (family, price) in enumerate(FAMILIES)
    for offset, (edition, factor) in enumerate(
        ((" for teams", Decimal("1")), (" Enterprise", Decimal("1.4")))
    )
]
LATER_PRODUCTS = [
    ("Adobe Firefly", "65322647CA", Decimal("199.88")),
    ("Substance 3D Collection", "65308743CA", Decimal("599.88")),
]
STANDARD_LEVELS = {
    "01": ("1-9", Decimal("1")),
    "02": ("10-49", Decimal("0.94")),
    "03": ("50-99", Decimal("0.88")),
    "04": ("100+", Decimal("0.82")),
}
COMMIT_LEVELS = {
    "12": ("10-49", Decimal("0.90")),
    "13": ("50-99", Decimal("0.85")),
    "14": ("100+", Decimal("0.79")),
}
SEGMENT_FACTOR = {"COM": Decimal("1"), "EDU": Decimal("0.6")}
CURRENCY_FACTOR = {"USD": Decimal("1"), "EUR": Decimal("0.95")}
NEW_CUSTOMERS_PER_CUSTOMER_DAY = 0.003
NEW_RESELLERS_PER_DAY = 0.02
ADD_ON_PER_CUSTOMER_MONTH = 0.08
PROFILE_CHANGE_PER_CUSTOMER_MONTH = 0.05
COMMIT_PER_CUSTOMER_MONTH = 0.02
EARLY_RENEWAL_DAYS = 30  # the early window: the anniversary less 30 days to the day before
EARLY_RENEWAL_PER_CUSTOMER_WINDOW = 0.3  # the share of customers who renew early
RETURN_DAYS = 14  # an order may be returned within 14 days of its placement
EARLY_RENEWAL_RETURNED = 0.2  # the share of early renewals returned
FLEX_COUNTRIES = (("COM", "US"), ("COM", "DE"), ("EDU", "US"))
# Each month's discounts, by the markets they are listed in: one discount may apply in several
# markets (GET /v3/flex-discounts answers per market segment and country, and Adobe's portal
# lists a discount's countries), so the first is listed for both COM countries, and is reusable
# (a `discountLockEndDate`, Adobe's "reusable flexible discounts" page).
FLEX_DISCOUNT_MARKETS = (
    (("COM", "US"), ("COM", "DE")),
    (("COM", "DE"),),
    (("EDU", "US"),),
)
REUSABLE_LOCK_DAYS = 90


def stamp(epoch: float) -> str:
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def day(epoch: float) -> str:
    return stamp(epoch)[:10]


def month_of(epoch: float) -> str:
    return stamp(epoch)[:7].replace("-", "")


def next_year(date: str) -> str:
    parsed = dt.date.fromisoformat(date)
    return parsed.replace(year=parsed.year + 1, day=min(parsed.day, 28)).isoformat()


def in_early_window(today: str, anniversary: str) -> bool:
    """From the anniversary less EARLY_RENEWAL_DAYS days to the day before it."""
    opens = dt.date.fromisoformat(anniversary) - dt.timedelta(days=EARLY_RENEWAL_DAYS)
    return opens.isoformat() <= today < anniversary


@dataclass
class Customer:
    record: dict
    segment: str
    offers: dict[str, str]  # offer family stem -> subscription id
    early_renewal_planned: bool = False  # the guaranteed early renewal: no random one before it
    renewal_date_held: str | None = None  # after an early renewal: the anniversary it renewed

    @property
    def currency(self) -> str:
        return COUNTRY_CURRENCY[self.record["companyProfile"]["address"]["country"]]


class AdobeWorld(EventWorld):
    streams = STREAMS

    def __init__(self, seed: int, scale: int, now: float) -> None:
        super().__init__("adobe", seed, scale)
        self.customers: dict[str, Customer] = {}
        self.owners: dict[str, str] = {}  # subscription or deployment id -> customer id
        self.published: dict[tuple, dict[str, list[dict]]] = {
            partition: {} for partition in PARTITIONS
        }
        self.products = list(PRODUCTS)
        self.later_products = list(LATER_PRODUCTS)
        self.prices = {product[1]: cents(product[2]) for product in self.products}
        self._ids = itertools.count(1)
        start = now - HISTORY_DAYS * DAY
        for _ in range(max(3, self.scale // 8)):
            self._reseller(start)
        for _ in range(self.scale):
            self._schedule(self.rng.uniform(start + DAY, now - DAY), "customer", None)
        first_month = dt.datetime.fromtimestamp(start, dt.UTC).replace(
            day=1, hour=6, minute=0, second=0
        )
        self._schedule(first_month.timestamp(), "price_list", None)
        self._schedule(start + DAY / 2, "daily", None)
        # Whatever the start day, seed and scale: one customer arrives weeks before the start,
        # active and with a deployment, and its contact's phone number changes with no order
        # within days after the start (Adobe.guaranteed_changes).
        self._schedule(now - self.rng.uniform(20, 30) * DAY, "customer", now)
        # And one customer whose anniversary falls 9 to 20 days after the start renews early
        # within 3 days after it (a test's first nights), and returns that renewal days later.
        self._schedule(now - (365 - self.rng.uniform(12, 20)) * DAY, "renewing_customer", now)
        self.advance(start, now)

    def _id(self, base: int) -> str:
        return str(base + next(self._ids))

    def _put(self, stream: str, key: str, record: dict, created: bool) -> None:
        self.records[stream][key] = record
        self._count(stream, "created" if created else "changed")

    # ---- accounts --------------------------------------------------------------------------
    def _reseller(self, at: float) -> None:
        reseller_id = f"P{self._id(1005000000)}"
        number = len(self.records["resellers"]) + 1
        reseller = {
            "distributorId": "DIST-0001",
            "externalReferenceId": f"R-{number:04d}",
            "resellerId": reseller_id,
            "companyProfile": {
                "companyName": f"Reseller {number} Solutions",
                "preferredLanguage": "en-US",
                "marketSegments": ["COM", "EDU"],
                "address": {
                    "country": "US",
                    "region": "CA",
                    "city": "San Jose",
                    "addressLine1": f"{number} Market St",
                    "postalCode": "95110",
                    "phoneNumber": "4085550100",
                },
                "contacts": [
                    {
                        "firstName": "Sam",
                        "lastName": f"Partner{number}",
                        "email": f"sam@reseller{number}.example",
                    }
                ],
            },
            "creationDate": stamp(at),
            "status": "1004" if number % 4 == 0 else "1000",
        }
        self._put("resellers", reseller_id, reseller, created=True)

    def _on_customer(self, at: float, guarantees_from: float | None) -> None:
        customer = self._new_customer(at, active=guarantees_from is not None)
        if guarantees_from:
            change_at = guarantees_from + self.rng.uniform(1, 10) * DAY
            self._schedule(change_at, "contact_change", customer.record["customerId"])

    def _on_renewing_customer(self, at: float, start: float) -> None:
        customer = self._new_customer(at, active=True)
        customer.early_renewal_planned = True
        renew_at = start + self.rng.uniform(1, 2.5) * DAY
        self._schedule(renew_at, "early_renewal", (customer.record["customerId"], True))

    def _new_customer(self, at: float, active: bool) -> Customer:
        active = [
            key
            for key, reseller in self.records["resellers"].items()
            if reseller["status"] == "1000"
        ]
        reseller_id = self.rng.choice(sorted(active))
        customer_id = self._id(1000100000)
        number = len(self.customers) + 1
        segment = self.rng.choices(("COM", "EDU"), weights=(5, 1))[0]
        country = self.rng.choice(("US", "US", "DE"))
        record = {
            "externalReferenceId": f"C-{number:05d}",
            "customerId": customer_id,
            "resellerId": reseller_id,
            "globalSalesEnabled": False,
            "tags": [],
            "companyProfile": {
                "companyName": f"Customer {number} Studio",
                "preferredLanguage": "en-US",
                "marketSegment": segment,
                "address": {
                    "country": country,
                    "region": "CA" if country == "US" else "BE",
                    "city": "Los Angeles" if country == "US" else "Berlin",
                    "addressLine1": f"{number} Main St",
                    "postalCode": "90001",
                    "phoneNumber": "2135550100",
                },
                "contacts": [
                    {
                        "firstName": "Alex",
                        "lastName": f"Admin{number}",
                        "email": f"admin@customer{number}.example",
                        "phoneNumber": "2135550101",
                    }
                ],
            },
            "discounts": [{"offerType": "LICENSE", "level": "01"}],
            "benefits": [],
            "cotermDate": next_year(day(at)),
            "creationDate": stamp(at),
            "status": "1000"
            if active
            else self.rng.choices(("1000", "1002", "1004"), weights=(20, 1, 1))[0],
        }
        customer = Customer(record, segment, {})
        self.customers[customer_id] = customer
        self._put("customers", customer_id, record, created=True)
        if record["status"] == "1000":
            self._order(at, customer, "NEW", self.rng.sample(self.products, self.rng.randint(1, 3)))
            if active or self.rng.random() < 0.1:
                deployment = {
                    "deploymentId": self._id(500000),
                    "companyProfile": {"address": record["companyProfile"]["address"]},
                    "creationDate": stamp(at),
                    "status": "1000",
                }
                self.owners[deployment["deploymentId"]] = customer_id
                self._put("deployments", deployment["deploymentId"], deployment, created=True)
        return customer

    def _quantity_level(self, customer: Customer) -> str:
        seats = sum(
            self.records["subscriptions"][key]["currentQuantity"]
            for key in customer.offers.values()
        )
        return "04" if seats >= 100 else "03" if seats >= 50 else "02" if seats >= 10 else "01"

    def _order(
        self, at: float, customer: Customer, kind: str, products: list[tuple], early: bool = False
    ) -> dict:
        """An order of the products; an early renewal leaves the subscriptions' renewal date."""
        order_id = self._id(5100000000)
        lines = []
        for index, product in enumerate(products, start=1):
            quantity = self.rng.randint(1, 40)
            subscription_id = customer.offers.get(product[1])
            if subscription_id is None:
                subscription_id = customer.offers[product[1]] = (
                    f"{self._id(8800000000)}{product[1][-2:]}"
                )
                subscription = {
                    "subscriptionId": subscription_id,
                    "offerId": f"{product[1]}01A12",
                    "currentQuantity": 0,
                    "usedQuantity": 0,
                    "currencyCode": customer.currency,
                    "autoRenewal": {"enabled": self.rng.random() < 0.85, "renewalQuantity": 0},
                    "creationDate": stamp(at),
                    "renewalDate": customer.record["cotermDate"],
                    "status": "1000",
                }
                created = True
            else:
                subscription = self.records["subscriptions"][subscription_id]
                created = False
            if kind == "RENEWAL":
                quantity = (
                    subscription["autoRenewal"]["renewalQuantity"]
                    or subscription["currentQuantity"]
                )
            else:
                subscription["currentQuantity"] += quantity
            subscription["usedQuantity"] = min(
                subscription["currentQuantity"], subscription["usedQuantity"] + quantity
            )
            subscription["autoRenewal"]["renewalQuantity"] = subscription["currentQuantity"]
            if created or not early:
                subscription["renewalDate"] = customer.record["cotermDate"]
            self.owners[subscription_id] = customer.record["customerId"]
            self._put("subscriptions", subscription_id, subscription, created)
            lines.append(
                {
                    "extLineItemNumber": index,
                    "offerId": subscription["offerId"],
                    "quantity": quantity,
                    "subscriptionId": subscription_id,
                    "status": "1000",
                    "currencyCode": customer.currency,
                    "promotions": [],
                    "flexDiscounts": [],
                }
            )
        order = self._place(at, customer, order_id, kind, lines)
        level = self._quantity_level(customer)
        if customer.record["discounts"][0]["level"] != level:
            customer.record["discounts"] = [{"offerType": "LICENSE", "level": level}]
            self._put("customers", customer.record["customerId"], customer.record, created=False)
        return order

    def _place(
        self,
        at: float,
        customer: Customer,
        order_id: str,
        kind: str,
        lines: list[dict],
        reference: str = "",
    ) -> dict:
        order = {
            "externalReferenceId": f"PO-{order_id}",
            "orderId": order_id,
            "customerId": customer.record["customerId"],
            "orderType": kind,
            "referenceOrderId": reference,
            "currencyCode": customer.currency,
            "creationDate": stamp(at),
            "status": "1000",
            "source": "API",
            "lineItems": lines,
        }
        self._put("orders", order_id, order, created=True)
        return order

    def _renewed_products(self, customer: Customer) -> list[tuple]:
        return [product for product in self.products if product[1] in customer.offers]

    def _on_early_renewal(self, at: float, subject: tuple[str, bool]) -> None:
        """A RENEWAL order inside the early window: the anniversary rolls over at once."""
        customer_id, planned = subject
        customer = self.customers[customer_id]
        record = customer.record
        if record["status"] != "1000" or not in_early_window(day(at), record["cotermDate"]):
            return
        customer.renewal_date_held = record["cotermDate"]
        record["cotermDate"] = next_year(record["cotermDate"])
        order = self._order(at, customer, "RENEWAL", self._renewed_products(customer), early=True)
        self._put("customers", customer_id, record, created=False)
        if planned or self.rng.random() < EARLY_RENEWAL_RETURNED:
            return_at = at + self.rng.uniform(2, RETURN_DAYS - 1) * DAY
            self._schedule(return_at, "return", order["orderId"])

    def _on_return(self, at: float, order_id: str) -> None:
        """The whole order returned: a RETURN order naming it; the anniversary stays."""
        returned = self.records["orders"][order_id]
        customer = self.customers[returned["customerId"]]
        lines = [{**line, "promotions": [], "flexDiscounts": []} for line in returned["lineItems"]]
        self._place(at, customer, self._id(5100000000), "RETURN", lines, reference=order_id)

    def _pass_renewal_dates(self, customer: Customer, today: str) -> None:
        """After an early renewal, the subscriptions' renewal date stays until it passes (the
        auto-renewal then finds every seat renewed) and becomes the rolled-over anniversary."""
        held = customer.renewal_date_held
        if held is None or today < held:
            return
        for key in customer.offers.values():
            subscription = self.records["subscriptions"][key]
            if subscription["renewalDate"] == held:
                subscription["renewalDate"] = customer.record["cotermDate"]
                self._put("subscriptions", key, subscription, created=False)
        customer.renewal_date_held = None

    # ---- the days -------------------------------------------------------------------------
    def _on_daily(self, at: float, _: Any) -> None:
        rate = self.scale * NEW_CUSTOMERS_PER_CUSTOMER_DAY
        for _ in range(int(rate) + (self.rng.random() < rate % 1)):
            self._schedule(at + self.rng.uniform(0, DAY), "customer", None)
        if self.rng.random() < NEW_RESELLERS_PER_DAY:
            self._reseller(at)
        today = day(at)
        for customer in self.customers.values():
            record = customer.record
            if record["status"] != "1000":
                continue
            if record["cotermDate"] <= today:  # the anniversary: renew, move the coterm date
                record["cotermDate"] = next_year(record["cotermDate"])
                self._order(at, customer, "RENEWAL", self._renewed_products(customer))
                self._put("customers", record["customerId"], record, created=False)
            elif (
                not customer.early_renewal_planned
                and in_early_window(today, record["cotermDate"])
                and self.rng.random() < EARLY_RENEWAL_PER_CUSTOMER_WINDOW / EARLY_RENEWAL_DAYS
            ):
                self._on_early_renewal(at, (record["customerId"], False))
            elif self.rng.random() < ADD_ON_PER_CUSTOMER_MONTH / 30:
                self._order(at, customer, "NEW", [self.rng.choice(self.products)])
            self._pass_renewal_dates(customer, today)
            if self.rng.random() < PROFILE_CHANGE_PER_CUSTOMER_MONTH / 30:
                self._on_contact_change(at, record["customerId"])
            if not record["benefits"] and self.rng.random() < COMMIT_PER_CUSTOMER_MONTH / 30:
                record["benefits"] = [
                    {
                        "type": "THREE_YEAR_COMMIT",
                        "commitment": {
                            "startDate": today,
                            "endDate": next_year(next_year(next_year(today))),
                            "status": "COMMITTED",
                            "minimumQuantities": [{"offerType": "LICENSE", "quantity": 10}],
                        },
                    }
                ]
                self._put("customers", record["customerId"], record, created=False)
        self._schedule(at + DAY, "daily", None)

    def _on_contact_change(self, at: float, customer_id: str) -> None:
        """A detail change that comes with no order: the contact's phone number."""
        record = self.customers[customer_id].record
        contact = record["companyProfile"]["contacts"][0]
        contact["phoneNumber"] = f"213555{self.rng.randint(1000, 9999)}"
        self._put("customers", customer_id, record, created=False)

    # ---- price lists and discounts ----------------------------------------------------------
    def _on_price_list(self, at: float, _: Any) -> None:
        """The 1st of a month: every partition's list for the month, against last month's."""
        month = month_of(at)
        first_day = f"{month[:4]}-{month[4:]}-01"
        changed = {product[1] for product in self.products if self.rng.random() < 0.25}
        for stem in changed:
            self.prices[stem] = cents(
                self.prices[stem] * Decimal(str(self.rng.choice((0.97, 1.03, 1.05))))
            )
        added = []
        if self.later_products and self.rng.random() < 0.3:
            added.append(self.later_products.pop(0))
            self.products.append(added[0])
            self.prices[added[0][1]] = added[0][2]
        deleted = (
            self.products.pop(self.rng.randrange(len(self.products)))
            if self.rng.random() < 0.15
            else None
        )
        for partition in PARTITIONS:
            rows = []
            levels = COMMIT_LEVELS if partition[3] == "3YC" else STANDARD_LEVELS
            for product in self.products + ([deleted] if deleted else []):
                indicator = (
                    "Delete"
                    if product is deleted
                    else "Add"
                    if product in added or not self.published[partition]
                    else "Change"
                    if product[1] in changed
                    else ""
                )
                for level, (detail, factor) in levels.items():
                    price = cents(
                        self.prices[product[1]]
                        * factor
                        * SEGMENT_FACTOR[partition[1]]
                        * CURRENCY_FACTOR[partition[2]]
                    )
                    rows.append(
                        {
                            "offerId": f"{product[1]}{level}A12",
                            "productFamily": product[0],
                            "productType": "LICENSE",
                            "productTypeDetail": "TERM",
                            "language": "Multi NorthAmerican Language"
                            if partition[0] == "NA"
                            else "Multi European Languages",
                            "users": "USER",
                            "metric": "USER",
                            "levelDetails": detail,
                            "firstOrderDate": f"{first_day}T00:00:00.000+00:00",
                            "lastOrderDate": "",
                            "partnerPrice": str(price),
                            "estimatedStreetPrice": str(cents(price * Decimal("1.064"))),
                            "discountCode": "",
                            "acdIndicator": indicator,
                            "acdEffectiveDate": f"{first_day}T00:00:00.000+00:00"
                            if indicator
                            else "",
                            "duration": "12 Months",
                        }
                    )
            self.published[partition][month] = rows
            self._counts["price_lists"]["created"] += len(rows)
            self.version += 1
        for markets in FLEX_DISCOUNT_MARKETS:
            number = self._id(700)
            end_day = f"{first_day[:8]}28"
            discount = {
                "id": f"FD-{number}",
                "name": f"{month} promotion {' '.join('-'.join(market) for market in markets)}",
                "description": "Ten percent off the first year",
                "code": f"SAVE10-{number}",
                "status": "ACTIVE",
                "category": "STANDARD",
                "startDate": f"{first_day}T00:00:00Z",
                "endDate": f"{end_day}T23:59:59Z",
                "qualification": {"baseOfferIds": [f"{self.rng.choice(self.products)[1]}01A12"]},
                "outcomes": [{"type": "PERCENTAGE_DISCOUNT", "discountValues": [{"value": 10}]}],
            }
            if len(markets) > 1:
                lock = dt.date.fromisoformat(end_day) + dt.timedelta(days=REUSABLE_LOCK_DAYS)
                discount["discountLockEndDate"] = f"{lock}T23:59:59Z"
            # One record per market it is listed in, keyed as the tap keys it.
            for segment, country in markets:
                key = f"{discount['id']} {segment} {country}"
                listed = {**discount, "marketSegment": segment, "country": country}
                self._put("flex_discounts", key, listed, created=True)
        for older in self.records["flex_discounts"].values():
            if older["status"] == "ACTIVE" and older["endDate"][:10] < first_day:
                older["status"] = "EXPIRED"
                self._count("flex_discounts", "changed")
        following = dt.datetime.fromtimestamp(at, dt.UTC)
        following = (following.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        self._schedule(following.timestamp(), "price_list", None)

    def price_list_rows(self) -> list[dict]:
        """Every published row with its partition and month (the tap's rows)."""
        return [
            {
                "priceListMonth": month,
                "region": partition[0],
                "marketSegment": partition[1],
                "currency": partition[2],
                "priceListType": partition[3],
                **row,
            }
            for partition, months in self.published.items()
            for month, rows in months.items()
            for row in rows
        ]
