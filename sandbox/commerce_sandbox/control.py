"""A small client for the sandbox's control surface (`/_control`), in-process or remote."""

from __future__ import annotations

import decimal
from typing import Any

import requests

from commerce_sandbox.accounts import DEFAULT_ACCOUNT, slot_name


class SandboxControl:
    """`account` names one of a vendor's accounts (commerce_sandbox.accounts); the default one
    when not given."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self._session = requests.Session()

    def _call(self, method: str, path: str, body: dict | None = None) -> Any:
        response = self._session.request(
            method, f"{self.url}/_control/{path}", json=body, timeout=600
        )
        response.raise_for_status()
        return response.json(parse_float=decimal.Decimal)

    def reset(self, seed: int, scale: int) -> dict:
        return self._call("POST", "reset", {"seed": seed, "scale": scale})

    def advance(self, days: float = 0, seconds: float = 0) -> dict:
        """Move the simulated clock; answers {vendor: {stream: {created, changed, deleted}}}."""
        return self._call("POST", "advance", {"days": days, "seconds": seconds})

    def now(self) -> str:
        return self._call("GET", "clock")["now"]

    def accounts(self) -> list[str]:
        """The accounts every vendor serves, the default one first."""
        return self._call("GET", "accounts")["accounts"]

    def truth(self, vendor: str, stream: str, account: str = DEFAULT_ACCOUNT) -> list[dict]:
        return self._call("GET", f"truth/{slot_name(vendor, account)}/{stream}")["records"]

    def stats(self) -> dict[str, dict[str, int]]:
        return self._call("GET", "stats")

    def statuses(self, vendor: str, account: str = DEFAULT_ACCOUNT) -> dict[int, int]:
        """Responses the vendor sent since the last `reset_stats`, per HTTP status."""
        counts = self._call("GET", "statuses").get(slot_name(vendor, account), {})
        return {int(status): count for status, count in counts.items()}

    def reset_stats(self) -> None:
        self._call("POST", "stats/reset")

    def inject(self, vendor: str, faults: list[dict], account: str = DEFAULT_ACCOUNT) -> None:
        self._call("POST", f"faults/{slot_name(vendor, account)}", {"faults": faults})

    def configure(self, vendor: str, account: str = DEFAULT_ACCOUNT, **settings: Any) -> None:
        self._call("POST", f"config/{slot_name(vendor, account)}", settings)
