"""Write schemas/tap-zoom-commerce/*.json from Zoom's Commerce OpenAPI document, so the streams
carry the spec's exact field names and types. Run again when the document changes:

    .venv/bin/python scripts/zoom_schemas.py [docs/vendor-specs/zoom-commerce-openapi-<date>.json]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "schemas" / "tap-zoom-commerce"
SPEC = ROOT / "docs" / "vendor-specs" / "zoom-commerce-openapi-2026-02-07.json"
# Dates the spec leaves untyped (its examples write some as instants): stored as dates.
DATES = {"document_date", "due_date", "invoice_date", "target_date", "posted_date"}
DATE_FORMATS = {"YYYY-MM-DD", "MM-DD-YYYY"}  # the spec's own spellings of "format: date"
# Account numbers the spec types as numbers: identifiers, never summed, so stored as text (as a
# DECIMAL they would display as 3000000007.000000000). An array's name applies to its items.
IDENTIFIERS = {"customer_zoom_account_number", "zoom_account_numbers", "campaign_number"}


# The price book is a file whose columns the spec does not describe: the descriptions are ours,
# from the operation's text ("list price and discounted price based on the partner type").
PRICE_BOOK_TEXT = {
    "offer_id": "The offer's identifier, as in the catalog.",
    "offer_name": "The offer's name, as in the catalog.",
    "offer_type": "The offer's type (plan, addon, bundle, hardware...), as in the catalog.",
    "price_list_id": "The offer's price list this price belongs to.",
    "partner_sku_code": "The partner SKU code of the charge.",
    "charge_type": "The charge type: OneTime, Recurring or Usage.",
    "billing_period": "The billing period of the price list (Month, Annual...).",
    "currency": "The ISO currency code of both prices.",
}
PRICE_BOOK_MONEY = {
    "list_price": "The list price of the charge, in the row's currency.",
    "partner_price": "The partner's discounted price of the charge for its partner type, in the "
    "row's currency.",
}

# Fields Zoom's changelog added after the document's snapshot, by the stream whose endpoint
# carries them. The changelog names them only: the types and descriptions are our reading.
PARTNER_LEVEL = {
    "type": ["string", "null"],
    "description": "The Zoom Up partner program level of the account's selling partner (the "
    "sub-reseller's when it buys through one). Added 2026-11-19.",
}
SUB_RESELLER_PARTNER_LEVEL = {
    "type": ["string", "null"],
    "description": "The Zoom Up partner program level of the sub-reseller, when one sold it; "
    "null otherwise. Added 2026-11-19.",
}
CHANGELOG_FIELDS: dict[str, dict[str, dict[str, Any]]] = {
    "accounts": {"partner_level": PARTNER_LEVEL},
    "subscriptions": {
        "subscription_price_list_id": {
            "type": ["string", "null"],
            "description": "The price list the subscription was sold from. Added 2026-05-04.",
        },
        "partner_level": {
            "type": ["string", "null"],
            "description": "The Zoom Up partner program level of the subscription's partner. "
            "Added 2026-11-19.",
        },
    },
    "trials": {"sub_reseller_partner_level": SUB_RESELLER_PARTNER_LEVEL},
    "orders": {"sub_reseller_partner_level": SUB_RESELLER_PARTNER_LEVEL},
    "quotes": {
        "sub_reseller_partner_level": SUB_RESELLER_PARTNER_LEVEL,
        "competitive_buyout": {
            "type": ["boolean", "null"],
            "description": "Whether the deal replaces a competitor's service (from the quote's "
            "detail, where it is set on the quote). Added 2026-11-19.",
        },
    },
    "catalog_offers": {
        "zoom_universal_hierarchy": {
            "type": ["object", "null"],
            "additionalProperties": True,
            "properties": {},
            "description": "Where the offer sits in Zoom's universal product hierarchy; its "
            "shape is not documented, so it is kept whole. Added 2026-10-12.",
        }
    },
}


def described(node: dict[str, Any]) -> dict[str, str]:
    text = (node.get("description") or "").strip()
    return {"description": text} if text else {}


def convert(node: dict[str, Any], name: str = "") -> dict[str, Any]:
    return {**_typed(node, name), **described(node)}


def _typed(node: dict[str, Any], name: str) -> dict[str, Any]:
    kind = node.get("type")
    if name in DATES:
        return {"type": ["string", "null"], "format": "date"}
    if kind == "object" or "properties" in node:
        return {
            "type": ["object", "null"],
            "additionalProperties": True,
            "properties": {
                key: convert(child, key) for key, child in node.get("properties", {}).items()
            },
        }
    if kind == "array":
        return {"type": ["array", "null"], "items": convert(node.get("items", {}), name)}
    if kind == "string":
        return {
            "type": ["string", "null"],
            **({"format": "date"} if node.get("format") in DATE_FORMATS else {}),
        }
    if name in IDENTIFIERS:
        return {"type": ["string", "null"]}
    if kind in ("number", "integer", "boolean"):
        return {"type": [kind, "null"]}
    return {"type": ["string", "null"]}  # untyped in the spec


def response(spec: dict, path: str, method: str = "get", key: str | None = None) -> dict[str, Any]:
    schema = spec["paths"][path][method]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    return schema["properties"][key]["items"] if key else schema


def stream(properties: dict[str, Any], keys: tuple[str, ...], description: str) -> dict[str, Any]:
    converted = convert({"type": "object", "properties": properties})
    for key in keys:
        converted["properties"][key] = {
            "type": "string",
            **described(converted["properties"].get(key, {})),
        }
    return {
        "type": "object",
        "description": description,
        "properties": converted["properties"],
        "required": list(keys),
        "additionalProperties": True,
    }


def main(source: str) -> None:
    spec = json.loads(Path(source).read_text())
    order_detail = response(spec, "/commerce/orders/{orderReferenceId}")["properties"]
    versions = response(spec, "/commerce/subscriptions/{subscriptionNumber}/versions")["properties"]
    schemas = {
        "accounts": stream(
            response(spec, "/commerce/accounts", key="account_list")["properties"],
            ("crm_account_number",),
            "GET /commerce/accounts, read whole each run.",
        ),
        "deal_registrations": stream(
            response(spec, "/commerce/deal_registrations", key="deal_registrations")["properties"],
            ("create_reference_id",),
            "GET /commerce/deal_registrations, read whole each run.",
        ),
        "trials": stream(
            response(spec, "/commerce/trials", key="trial_list")["properties"],
            ("trial_id",),
            "GET /commerce/trials, read whole each run.",
        ),
        "quotes": stream(
            response(spec, "/commerce/quotes", key="quote_list")["properties"],
            ("quote_reference_id",),
            "GET /commerce/quotes, sale and trial, incremental on updated_date.",
        ),
        "orders": stream(
            {
                **response(spec, "/commerce/orders", key="order_list")["properties"],
                "create_subscription": order_detail["create_subscription"],
                "amend_subscriptions": order_detail["amend_subscriptions"],
            },
            ("order_reference_id",),
            "GET /commerce/orders, sale and trial, incremental on updated_date, with the detail's "
            "create_subscription and amend_subscriptions.",
        ),
        "subscriptions": stream(
            response(spec, "/commerce/subscriptions/{subscriptionNumber}")["properties"],
            ("subscription_number",),
            "GET /commerce/subscriptions/{subscriptionNumber}.",
        ),
        "subscription_versions": stream(
            {
                "subscription_number": versions["subscription_number"],
                **versions["subscription_versions"]["items"]["properties"],
            },
            ("subscription_number",),
            "GET /commerce/subscriptions/{subscriptionNumber}/versions, a row a version.",
        ),
        "billing_documents": stream(
            response(spec, "/commerce/billing_documents", key="billing_documents")["properties"],
            ("document_number",),
            "GET /commerce/billing_documents: invoices, credit and debit memos.",
        ),
        "invoices": stream(
            response(spec, "/commerce/invoices/{invoiceNumber}")["properties"],
            ("invoice_number",),
            "GET /commerce/invoices/{invoiceNumber}, invoice_items nested.",
        ),
        "catalog_offers": stream(
            {
                **response(spec, "/commerce/catalog", "post", "offers")["properties"],
                "currency": {
                    "type": "string",
                    "description": "The ISO currency code the catalog was asked for (the request's "
                    "currency filter); an offer is a row per currency.",
                },
            },
            ("offer_id", "currency"),
            "POST /commerce/catalog per offer type and currency; currency is the one asked for.",
        ),
    }
    version = schemas["subscription_versions"]["properties"]["version"]
    version["type"] = "integer"  # a key: never null
    schemas["subscription_versions"]["required"].append("version")
    schemas["price_book"] = stream(
        {
            name: {"type": "string", "description": description}
            for name, description in PRICE_BOOK_TEXT.items()
        }
        | {
            name: {"type": "number", "description": description}
            for name, description in PRICE_BOOK_MONEY.items()
        }
        | {
            "price_list_charge_id": {
                "description": "The price list charge; a charge is a line per currency, so the "
                "file's row key is the charge and the currency."
            }
        },
        ("price_list_charge_id", "currency"),
        "GET /commerce/pricebooks?file_type=csv, a row a line; the columns are the "
        "file's header in snake_case (the spec does not list them).",
    )
    for name, added in CHANGELOG_FIELDS.items():
        schemas[name]["properties"].update(added)
    OUT.mkdir(parents=True, exist_ok=True)
    for name, schema in schemas.items():
        (OUT / f"{name}.json").write_text(json.dumps(schema, indent=2) + "\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(SPEC))
