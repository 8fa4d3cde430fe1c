"""A host that cannot be reached at the start of a run (connection refused, name not found) is a
setting pointing at the wrong place or a server that is not running, not a blip to retry for half
a minute: the run stops at once with one line naming the URL, the setting that holds it, and for a
local host, the sandbox."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlparse

import requests
from urllib3.exceptions import NameResolutionError, NewConnectionError

from commerce_taps_common.config.errors import ConfigError, env_var

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


class HostUnreachable(Exception):
    """Nothing answers at `url` (raised only before the run has had any answer)."""

    def __init__(self, url: str, reason: str) -> None:
        self.url, self.reason = url, reason
        super().__init__(f"cannot connect to {url} ({reason})")


def unreachable_reason(error: BaseException | None) -> str | None:
    """`connection refused` / `host name not found` / the connect failure's text, when `error`
    says the connection was never made; None for anything else (timeouts, resets, HTTP errors)."""
    if not isinstance(error, requests.ConnectionError) or isinstance(error, requests.Timeout):
        return None
    cause = getattr(error.args[0] if error.args else None, "reason", None)
    if isinstance(cause, NameResolutionError):
        return "host name not found"
    if isinstance(cause, NewConnectionError):
        return "connection refused" if "refused" in str(cause).lower() else "no connection"
    return None


def setting_for_url(config: Mapping[str, Any], url: str) -> str:
    """The setting whose URL is the longest prefix of `url`; `data_center` when none is (the
    host came from the data center's table)."""
    matches = [
        (len(value), name)
        for name, value in config.items()
        if isinstance(value, str)
        and value.startswith(("http://", "https://"))
        and url.startswith(value.rstrip("/"))
    ]
    if matches:
        return max(matches)[1]
    return "data_center" if "data_center" in config else "the URL settings"


def unreachable_config_error(
    plugin: str, config: Mapping[str, Any], error: HostUnreachable
) -> ConfigError:
    setting = setting_for_url(config, error.url)
    if urlparse(error.url).hostname in LOCAL_HOSTS:
        fix = "is the sandbox running? `commerce-sandbox serve`"
    else:
        fix = "check the host name and the network"
    known = (
        f", the URL this setting ({env_var(plugin, setting)}) gives" if setting in config else ""
    )
    return ConfigError(setting, f"cannot connect to {error.url} ({error.reason}){known}", fix)
