"""Write the two derived API documents the conformance check reads (docs/vendor-specs/README.md):

- `adobe-vipmp-openapi3.json`: Adobe's Swagger 2.0 file in OpenAPI 3.0 terms (the validator reads
  OpenAPI 3 only), converted rule by rule and nothing else changed;
- `zuora-quickstart-openapi-reduced.json`: Zuora's file cut to the operations the tap calls, every
  reference inlined to a bounded depth (its schemas refer to each other in cycles, which no
  validator loads in reasonable time).

Run again when either vendor file changes (tests/unit/test_vendor_specs.py fails until then):

    .venv/bin/python scripts/derive_vendor_specs.py
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "docs" / "vendor-specs"
ADOBE_SWAGGER = SPECS / "adobe-vipmp-swagger-2.0.json"
ADOBE_OPENAPI = SPECS / "adobe-vipmp-openapi3.json"
ZUORA_FULL = SPECS / "zuora-quickstart-openapi-2024-01-24.yaml"
ZUORA_REDUCED = SPECS / "zuora-quickstart-openapi-reduced.json"

# The operations tap-zuora-quickstart calls (its streams' paths).
ZUORA_OPERATIONS = (
    ("get", "/accounts"),
    ("get", "/subscriptions"),
    ("get", "/orders"),
    ("get", "/invoices"),
    ("get", "/invoice_items"),
)
# A reference is inlined at most this many levels deep, and never inside itself: what lies
# beyond (a cycle's second turn, nesting no answer reaches) becomes "any value".
MAX_DEPTH = 5
METHODS = ("get", "put", "post", "delete", "options", "head", "patch")


def _java_only(pattern: str) -> bool:
    """A pattern in Java's regex dialect (the file is generated from Java code): `\\p{L}` or
    `\\p{Alnum}` classes, or a class nested in a class (`[^<>[\\"]]`, a union in Java and a
    different pattern in JSON Schema's ECMA 262 dialect)."""
    if "\\p{" in pattern:
        return True
    escaped = in_class = False
    for character in pattern:
        if escaped:
            escaped = False
        elif character == "\\":
            escaped = True
        elif character == "[":
            if in_class:
                return True
            in_class = True
        elif character == "]":
            in_class = False
    return False


def _refs_to_components(node: Any) -> Any:
    """Swagger's `#/definitions/X` is OpenAPI 3's `#/components/schemas/X`. A `pattern` in Java's
    dialect is dropped: JSON Schema reads patterns as ECMA 262, where it means something else or
    nothing."""
    if isinstance(node, dict):
        return {
            key: (
                value.replace("#/definitions/", "#/components/schemas/")
                if key == "$ref" and isinstance(value, str)
                else _refs_to_components(value)
            )
            for key, value in node.items()
            if not (key == "pattern" and isinstance(value, str) and _java_only(value))
        }
    if isinstance(node, list):
        return [_refs_to_components(item) for item in node]
    return node


def _parameter(parameter: dict[str, Any]) -> dict[str, Any]:
    """A Swagger query, path or header parameter: its type keywords move into `schema`."""
    schema_keys = (
        "type",
        "format",
        "items",
        "enum",
        "default",
        "minimum",
        "maximum",
        "pattern",
        "minLength",
        "maxLength",
    )
    converted = {key: value for key, value in parameter.items() if key not in schema_keys}
    converted.pop("collectionFormat", None)
    converted["schema"] = {key: parameter[key] for key in schema_keys if key in parameter}
    if parameter.get("collectionFormat") == "multi":  # repeated `name=a&name=b`
        converted.update(style="form", explode=True)
    return converted


def swagger_to_openapi(swagger: dict[str, Any]) -> dict[str, Any]:
    """Swagger 2.0 to OpenAPI 3.0.3 for what Adobe's file uses: host and basePath become a
    server; `definitions` components; a `body` parameter the request body; each response's
    `schema` its content under every type the operation `produces`; security definitions of
    type apiKey stay apiKey schemes."""
    swagger = _refs_to_components(swagger)
    default_produces = swagger.get("produces", ["application/json"])
    default_consumes = swagger.get("consumes", ["application/json"])
    paths: dict[str, Any] = {}
    for path, item in swagger["paths"].items():
        paths[path] = {}
        for method, operation in item.items():
            if method not in METHODS:
                continue
            converted = {
                key: value
                for key, value in operation.items()
                if key not in ("parameters", "responses", "produces", "consumes")
            }
            parameters = operation.get("parameters", [])
            converted["parameters"] = [
                _parameter(parameter) for parameter in parameters if parameter["in"] != "body"
            ]
            body = [parameter for parameter in parameters if parameter["in"] == "body"]
            if body:
                converted["requestBody"] = {
                    "required": body[0].get("required", False),
                    "description": body[0].get("description", ""),
                    "content": {
                        media: {"schema": body[0]["schema"]}
                        for media in operation.get("consumes", default_consumes)
                    },
                }
            # Adobe's generator writes `*/*` where its pages say JSON (every sample is JSON):
            # validators deserialize a body by the spec's media type, so `*/*` would judge the
            # body as text.
            produces = [
                "application/json" if media == "*/*" else media
                for media in operation.get("produces", default_produces)
            ]
            converted["responses"] = {
                status: {
                    "description": response.get("description", ""),
                    **(
                        {"content": {media: {"schema": response["schema"]} for media in produces}}
                        if "schema" in response
                        else {}
                    ),
                }
                for status, response in operation["responses"].items()
            }
            paths[path][method] = converted
    return {
        "openapi": "3.0.3",
        "info": swagger["info"],
        "servers": [
            {"url": f"https://{swagger['host']}{swagger.get('basePath', '/').rstrip('/')}"}
        ],
        "tags": swagger.get("tags", []),
        "paths": paths,
        "components": {
            "schemas": swagger.get("definitions", {}),
            "securitySchemes": swagger.get("securityDefinitions", {}),
        },
    }


def _inline(node: Any, document: dict[str, Any], chain: tuple[str, ...]) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            reference = node["$ref"]
            if reference in chain or len(chain) >= MAX_DEPTH:
                return {"description": f"(not expanded: {reference} at depth {len(chain)})"}
            target: Any = document
            for part in reference.removeprefix("#/").split("/"):
                target = target[part]
            return _inline(copy.deepcopy(target), document, (*chain, reference))
        return {key: _inline(value, document, chain) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline(item, document, chain) for item in node]
    return node


def reduce_openapi(
    document: dict[str, Any], operations: tuple[tuple[str, str], ...]
) -> dict[str, Any]:
    """`document` with only `operations`, each reference inlined (a cycle cut where it closes,
    any reference at most MAX_DEPTH deep) so the result holds no reference at all."""
    paths: dict[str, Any] = {}
    for method, path in operations:
        item = document["paths"][path]
        shared = {key: value for key, value in item.items() if key not in METHODS}
        paths.setdefault(path, shared)[method] = item[method]
    return {
        "openapi": document["openapi"],
        "info": {
            **document["info"],
            "description": "Reduced by scripts/derive_vendor_specs.py to the operations "
            "tap-zuora-quickstart calls, references inlined.",
        },
        "servers": document.get("servers", []),
        "security": document.get("security", []),
        "paths": _inline(paths, document, ()),
        "components": {"securitySchemes": document["components"].get("securitySchemes", {})},
    }


def derived() -> dict[Path, str]:
    """Each derived file and the text it must hold."""
    swagger = json.loads(ADOBE_SWAGGER.read_text())
    zuora = yaml.load(ZUORA_FULL.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return {
        ADOBE_OPENAPI: json.dumps(swagger_to_openapi(swagger), indent=1, ensure_ascii=False) + "\n",
        ZUORA_REDUCED: json.dumps(reduce_openapi(zuora, ZUORA_OPERATIONS), indent=1) + "\n",
    }


def main() -> int:
    for path, text in derived().items():
        path.write_text(text)
        print(f"wrote {path.relative_to(ROOT)} ({len(text):,} characters)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
