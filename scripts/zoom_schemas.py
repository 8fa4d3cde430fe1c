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


def convert(node: dict[str, Any], name: str = "") -> dict[str, Any]:
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
        return {"type": ["array", "null"], "items": convert(node.get("items", {}))}
    if kind == "string":
        return {
            "type": ["string", "null"],
            **({"format": "date"} if node.get("format") == "YYYY-MM-DD" else {}),
        }
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
        converted["properties"][key] = {"type": "string"}
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
                "subscription_number": {"type": "string"},
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
                "currency": {"type": "string"},
            },
            ("offer_id", "currency"),
            "POST /commerce/catalog per offer type and currency; currency is the one asked for.",
        ),
    }
    schemas["subscription_versions"]["properties"]["version"] = {"type": "integer"}
    schemas["subscription_versions"]["required"].append("version")
    schemas["price_book"] = stream(
        {
            name: {"type": "string"}
            for name in (
                "offer_id",
                "offer_name",
                "offer_type",
                "price_list_id",
                "partner_sku_code",
                "charge_type",
                "billing_period",
                "currency",
            )
        }
        | {"list_price": {"type": "number"}, "partner_price": {"type": "number"}},
        ("price_list_charge_id",),
        "GET /commerce/pricebooks?file_type=csv, a row a line; the columns are the "
        "file's header in snake_case (the spec does not list them).",
    )
    OUT.mkdir(parents=True, exist_ok=True)
    for name, schema in schemas.items():
        (OUT / f"{name}.json").write_text(json.dumps(schema, indent=2) + "\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(SPEC))
