"""The `tenant` column: which account a record came from, first in every stream's key.

The value is put in by singer-sdk's own stream maps: the tap builds, for every stream, the map a
user would write by hand (`{invoices: {tenant: ..., __key_properties__: [tenant, id]}}`), under
the user's own `stream_maps`. The column is declared in every stream's schema (described), and the
map reads the setting through `stream_map_config`, so the SCHEMA message keeps the declaration.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from singer_sdk import Stream

TENANT = "tenant"
DEFAULT_TENANT = "default"
TENANT_SCHEMA = {
    "type": ["string"],
    "description": (
        "The account the record came from: the tap's `tenant` setting. First in the key: ids are "
        "unique within one account only."
    ),
}
# A map expression, not a quoted literal: the SDK types a literal as a bare string, and keeps
# the schema's declaration (with its description) for any other expression.
EXPRESSION = f"config[{TENANT!r}]"


def with_tenant_column(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with the `tenant` column first."""
    return {**schema, "properties": {TENANT: TENANT_SCHEMA, **schema.get("properties", {})}}


def tenant_maps(streams: Iterable[Stream], user_maps: dict[str, Any]) -> dict[str, Any]:
    """Every selected stream's tenant map, the user's own `stream_maps` merged over them (a
    user's map of a stream adds to its tenant map; `null` still drops the stream). A stream the
    catalog deselects has no columns left for the SDK to check a key against, and sends nothing."""
    maps: dict[str, Any] = {
        stream.name: {
            TENANT: EXPRESSION,
            # A stream without a key keeps none: a key of `tenant` alone would merge its rows.
            **(
                {"__key_properties__": [TENANT, *stream.primary_keys]}
                if stream.primary_keys
                else {}
            ),
        }
        for stream in streams
        if stream.selected
    }
    for name, user_map in user_maps.items():
        if isinstance(user_map, dict) and name in maps:
            maps[name] = {**maps[name], **user_map}
        else:
            maps[name] = user_map
    return maps


def tenant_map_config(tenant: str, user_config: dict[str, Any] | None) -> dict[str, Any]:
    """`stream_map_config` with the tenant the maps read (the tap's setting wins)."""
    return {**(user_config or {}), TENANT: tenant}
