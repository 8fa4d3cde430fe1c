"""The streams' JSON Schemas audited against the vendors' own documents (docs/vendor-specs/): a
field keeps the spec's type and date format unless it is a listed spec slip, money is a number,
an identifier is text, and every field carries a description (the spec's own, where it has one).
In-process and quick: no sandbox, no tap run."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from vendor_specs import zoom_openapi, zuora_openapi

from commerce_taps_common.records.normalise import record_normaliser

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"

# Where the spec documents each stream's records: Zoom by response (path, method, list key, or
# None for the whole body; later entries fill fields the first lacks), Zuora by component.
ZOOM_SOURCES: dict[str, list[tuple[str, str, str | None]]] = {
    "accounts": [("/commerce/accounts", "get", "account_list")],
    "deal_registrations": [("/commerce/deal_registrations", "get", "deal_registrations")],
    "trials": [("/commerce/trials", "get", "trial_list")],
    "quotes": [("/commerce/quotes", "get", "quote_list")],
    "orders": [
        ("/commerce/orders", "get", "order_list"),
        ("/commerce/orders/{orderReferenceId}", "get", None),
    ],
    "subscriptions": [("/commerce/subscriptions/{subscriptionNumber}", "get", None)],
    "subscription_versions": [
        ("/commerce/subscriptions/{subscriptionNumber}/versions", "get", "subscription_versions"),
        ("/commerce/subscriptions/{subscriptionNumber}/versions", "get", None),
    ],
    "billing_documents": [("/commerce/billing_documents", "get", "billing_documents")],
    "invoices": [("/commerce/invoices/{invoiceNumber}", "get", None)],
    "catalog_offers": [("/commerce/catalog", "post", "offers")],
}
# Zoom streams the OpenAPI document does not describe; their schemas describe themselves.
ZOOM_OUTSIDE_SPEC = {
    "price_book": "a CSV file whose columns the spec does not list",
    "webhook_events": "events as the webhook receiver stored them",
}
ZUORA_SOURCES = {
    "accounts": "account",
    "invoices": "invoice",
    "invoice_items": "invoiceItem",
    "orders": "order",
    "subscriptions": "subscription",
}

# Spec slips: where a schema departs from the document's type on purpose, and why. Zoom's are
# keyed by field name (the document repeats its shapes per endpoint), Zuora's by stream and path.
# The value is the (type, format) the schema holds instead.
ZOOM_SLIPS: dict[str, tuple[tuple[str, str | None], str]] = {
    "customer_zoom_account_number": (("string", None), "an account number typed as a number"),
    "zoom_account_numbers[]": (("string", None), "account numbers typed as numbers"),
    "campaign_number": (("string", None), "a campaign number typed as a number"),
    "document_date": (("string", "date"), "a date the spec leaves without its format"),
    "due_date": (("string", "date"), "a date the spec leaves without its format"),
    "invoice_date": (("string", "date"), "a date the spec leaves without its format"),
    "posted_date": (("string", "date"), "a date the spec leaves without its format"),
    "target_date": (("string", "date"), "a date the spec types as an object"),
}
ZUORA_SLIPS: dict[tuple[str, str], tuple[tuple[str, str | None], str]] = {
    ("subscriptions", "contracted_mrr"): (("number", None), "money the spec types as a string"),
    ("orders", "subscriptions[].contracted_mrr"): (
        ("number", None),
        "money the spec types as a string",
    ),
    ("invoice_items", "service_start"): (("string", "date"), "its description says a date"),
    ("invoice_items", "service_end"): (("string", "date"), "its description says a date"),
    # Quickstart nests an expanded collection as {next_page, data}; the tap keeps the list.
    ("orders", "line_items"): (("array", None), "the collection's data list"),
}

# Field names (last word) that hold money or that identify something; "total" and "price" also
# end counters or names in these APIs, so the patterns ask for the whole last word.
MONEY = re.compile(r"(^|_)(amount|amount_value|price|mrr|balance|subtotal|tax|cost|fee)$")
IDENTIFIER = re.compile(r"(^|_)(id|ids|number|numbers|code)$")


def fields(node: dict[str, Any], path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every field of a schema, nested ones too: (`a.b[].c`, its schema)."""
    for name, child in (node.get("properties") or {}).items():
        yield f"{path}{name}", child
        yield from _nested(child, f"{path}{name}")


def _nested(node: dict[str, Any], path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if node.get("properties"):
        yield from fields(node, f"{path}.")
    if isinstance(node.get("items"), dict):
        yield f"{path}[]", node["items"]
        yield from _nested(node["items"], f"{path}[]")


def kind(node: dict[str, Any]) -> tuple[str | None, str | None]:
    """(JSON type without null, date format) of a schema or a spec node."""
    types = node.get("type")
    types = [types] if isinstance(types, str) else (types or [])
    base = next((name for name in types if name != "null"), None)
    form = node.get("format")
    if form in ("YYYY-MM-DD", "MM-DD-YYYY"):  # Zoom's spellings of a date
        form = "date"
    return base, form if form in ("date", "date-time") else None


def schema(tap: str, stream: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / tap / f"{stream}.json").read_text())


def streams(tap: str) -> list[str]:
    return sorted(path.stem for path in (SCHEMAS / tap).glob("*.json"))


def zuora_resolve(node: dict[str, Any]) -> dict[str, Any]:
    """A Zuora spec node with its `$ref` and single `allOf` followed."""
    components = zuora_openapi()["components"]["schemas"]
    while True:
        rest = {key: value for key, value in node.items() if key not in ("$ref", "allOf")}
        if "$ref" in node:
            node = {**components[node["$ref"].rsplit("/", 1)[1]], **rest}
        elif len(node.get("allOf", ())) == 1:
            node = {**node["allOf"][0], **rest}
        else:
            return node


def documented(tap: str, stream: str) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(path, schema node, spec node) for every field of a stream the vendor's spec documents."""
    if tap == "tap-zoom-commerce":
        sources, resolve = [], lambda node: node
        for path, method, key in ZOOM_SOURCES.get(stream, []):
            body = zoom_openapi()["paths"][path][method]["responses"]["200"]["content"]
            body = body["application/json"]["schema"]
            sources.append(body["properties"][key]["items"] if key else body)
    elif tap == "tap-zuora-quickstart":
        resolve = zuora_resolve
        sources = [zuora_openapi()["components"]["schemas"][ZUORA_SOURCES[stream]]]
    else:
        return

    def pair(ours: dict[str, Any], theirs: list[dict[str, Any]], path: str):
        for name, child in (ours.get("properties") or {}).items():
            spec_child = next(
                (
                    resolve(node["properties"][name])
                    for node in theirs
                    if name in node.get("properties", {})
                ),
                None,
            )
            if spec_child is None:
                continue
            yield f"{path}{name}", child, spec_child
            yield from descend(child, spec_child, f"{path}{name}")

    def descend(ours: dict[str, Any], theirs: dict[str, Any], path: str):
        if ours.get("properties"):
            yield from pair(ours, [theirs], f"{path}.")
        if kind(ours)[0] == "array" and "data" in theirs.get("properties", {}):
            theirs = resolve(theirs["properties"]["data"])  # a collection the tap keeps as a list
        if isinstance(ours.get("items"), dict) and isinstance(theirs.get("items"), dict):
            spec_items = resolve(theirs["items"])
            yield f"{path}[]", ours["items"], spec_items
            yield from descend(ours["items"], spec_items, f"{path}[]")

    yield from pair(schema(tap, stream), [resolve(source) for source in sources], "")


def slip(tap: str, stream: str, path: str) -> tuple[tuple[str, str | None], str] | None:
    if tap == "tap-zoom-commerce":
        return ZOOM_SLIPS.get(path.rsplit(".", 1)[-1])
    return ZUORA_SLIPS.get((stream, path))


SPEC_STREAMS = [
    (tap, stream)
    for tap in ("tap-zoom-commerce", "tap-zuora-quickstart")
    for stream in streams(tap)
]
ALL_STREAMS = [
    (tap.name, stream) for tap in sorted(SCHEMAS.iterdir()) for stream in streams(tap.name)
]


def test_every_spec_documented_stream_is_paired_with_its_document():
    assert set(ZOOM_SOURCES) == set(streams("tap-zoom-commerce")) - set(ZOOM_OUTSIDE_SPEC)
    assert set(ZUORA_SOURCES) == set(streams("tap-zuora-quickstart"))
    for tap, stream in SPEC_STREAMS:
        if stream not in ZOOM_OUTSIDE_SPEC:
            assert len(list(documented(tap, stream))) >= 5, f"{tap} {stream}: nothing paired"


@pytest.mark.parametrize("tap, stream", SPEC_STREAMS)
def test_types_and_date_formats_are_the_specs_or_a_listed_slip(tap, stream):
    wrong = []
    for path, ours, theirs in documented(tap, stream):
        listed = slip(tap, stream, path)
        expected = listed[0] if listed else kind(theirs)
        if theirs.get("type") is None and not listed:
            continue  # untyped in the spec (a oneOf, say): nothing to hold the schema to
        if kind(ours) != expected:
            wrong.append(f"{path}: {kind(ours)}, spec {kind(theirs)}, expected {expected}")
    assert not wrong, f"{tap} {stream}:\n" + "\n".join(wrong)


def test_every_listed_slip_is_a_real_departure_from_the_spec():
    """A slip the vendor has since fixed (or a misspelt path) must not linger in the lists."""
    found = set()
    for tap, stream in SPEC_STREAMS:
        for path, _ours, theirs in documented(tap, stream):
            if (listed := slip(tap, stream, path)) and kind(theirs) != listed[0]:
                found.add(path.rsplit(".", 1)[-1] if tap == "tap-zoom-commerce" else (stream, path))
    assert set(ZUORA_SLIPS) <= found, set(ZUORA_SLIPS) - found
    # campaign_number is a number in one Zoom response only, one this suite does not read.
    assert set(ZOOM_SLIPS) - {"campaign_number"} <= found, set(ZOOM_SLIPS) - found


@pytest.mark.parametrize("tap, stream", ALL_STREAMS)
def test_money_is_a_number_and_identifiers_are_text(tap, stream):
    wrong = []
    for path, node in fields(schema(tap, stream)):
        name = path.rsplit(".", 1)[-1].removesuffix("[]")
        base, _ = kind(node)
        if base == "array" or base == "object":
            continue  # the elements or members are checked themselves
        decimal_text = base == "string" and node.get("format") == "x-singer.decimal"
        if MONEY.search(name) and base not in ("number", "integer") and not decimal_text:
            wrong.append(f"{path}: money typed {base}")
        if IDENTIFIER.search(name) and base != "string":
            wrong.append(f"{path}: identifier typed {base}")
    assert not wrong, f"{tap} {stream}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("tap, stream", SPEC_STREAMS)
def test_descriptions_are_the_specs_own(tap, stream):
    wrong = []
    for path, ours, theirs in documented(tap, stream):
        text = (theirs.get("description") or "").strip()
        if text and ours.get("description") != text:
            wrong.append(f"{path}: {ours.get('description')!r}, spec {text!r}")
    assert not wrong, f"{tap} {stream}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("tap, stream", ALL_STREAMS)
def test_every_field_and_stream_is_described(tap, stream):
    document = schema(tap, stream)
    assert (document.get("description") or "").strip(), f"{tap} {stream}: no stream description"
    bare = [
        path
        for path, node in fields(document)
        if not path.endswith("[]") and not (node.get("description") or "").strip()
    ]
    assert not bare, f"{tap} {stream}: {len(bare)} fields without a description: {bare}"


def test_numbers_reach_a_text_field_as_text():
    """Zoom writes account numbers as JSON numbers where the schema says text."""
    normalise = record_normaliser(
        {
            "type": "object",
            "properties": {
                "customer_zoom_account_number": {"type": ["string", "null"]},
                "zoom_account_numbers": {"type": "array", "items": {"type": "string"}},
                "auto_renew": {"type": ["string", "null"]},
                "contracted_mrr": {"type": ["number", "null"]},
            },
        }
    )
    record = normalise(
        {
            "customer_zoom_account_number": 3000000007,
            "zoom_account_numbers": [3000000007, Decimal("3000000014"), 7.5],
            "auto_renew": True,
            "contracted_mrr": "12.50",
        }
    )
    assert record == {
        "customer_zoom_account_number": "3000000007",
        "zoom_account_numbers": ["3000000007", "3000000014", "7.5"],
        "auto_renew": True,  # a boolean is not a number to spell out
        "contracted_mrr": Decimal("12.50"),
    }
