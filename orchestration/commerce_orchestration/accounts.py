"""The portfolio as meltano.yml declares it: the vendor's own extractor is an account, and so is
every extractor `tap-<vendor>--<tenant>` inheriting from it (with its own credentials and state
id); the feeds, the inherited plugins that read one stream of the vendor's (Zoom's
webhook events) and no account. Read from meltano.yml, never typed twice."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ACCOUNT_SEPARATOR = "--"  # tap-<vendor>--<tenant>
DEFAULT_TENANT = "default"  # the taps' own default


@dataclass(frozen=True)
class Extractor:
    """One Meltano extractor that loads part of a vendor's schema."""

    plugin: str  # the Meltano extractor, e.g. tap-zoho-partner--eu
    vendor: str  # its namespace: the warehouse schema, the Dagster pool
    label: str  # the tenant of an account, the plugin's suffix of a feed

    @property
    def asset_name(self) -> str:
        """A Dagster asset name (letters, digits, underscores): `zoho__eu`."""
        return re.sub(r"\W", "_", f"{self.vendor}__{self.label}")


@dataclass(frozen=True)
class Feed(Extractor):
    """An extractor that reads some streams only and no vendor credentials (Zoom's webhook
    events from the receiver's spool)."""

    streams: tuple[str, ...]


@dataclass(frozen=True)
class Portfolio:
    accounts: tuple[Extractor, ...]
    feeds: tuple[Feed, ...]

    @property
    def vendors(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(account.vendor for account in self.accounts))


def read_portfolio(meltano_yml: Path) -> Portfolio:
    extractors: list[dict[str, Any]] = yaml.safe_load(meltano_yml.read_text())["plugins"][
        "extractors"
    ]
    bases = {plugin["name"]: plugin for plugin in extractors if "inherit_from" not in plugin}
    accounts: list[Extractor] = []
    feeds: list[Feed] = []
    for name, base in bases.items():
        vendor = base["namespace"]
        inherited = [plugin for plugin in extractors if plugin.get("inherit_from") == name]
        accounts += [Extractor(name, vendor, _tenant(base, name))] + [
            Extractor(plugin["name"], vendor, _tenant(plugin, name))
            for plugin in inherited
            if plugin["name"].startswith(name + ACCOUNT_SEPARATOR)
        ]
        feeds += [
            Feed(
                plugin["name"],
                vendor,
                plugin["name"].removeprefix(name + "-"),
                tuple(selected.split(".")[0] for selected in plugin["select"]),
            )
            for plugin in inherited
            if "select" in plugin and not plugin["name"].startswith(name + ACCOUNT_SEPARATOR)
        ]
    return Portfolio(tuple(accounts), tuple(feeds))


def _tenant(plugin: dict[str, Any], base: str) -> str:
    """The plugin's `tenant` setting, else its name's suffix, else the taps' default."""
    suffix = plugin["name"].removeprefix(base + ACCOUNT_SEPARATOR)
    configured = (plugin.get("config") or {}).get("tenant")
    return str(configured or (suffix if suffix != plugin["name"] else DEFAULT_TENANT))
