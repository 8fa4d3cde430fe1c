"""Bearer tokens as vendors issue them: a lifetime in real seconds (a tap's token clock is the wall
clock, not the simulated one), validation, and early expiry for the `expire_token` fault."""

from __future__ import annotations

import secrets
import time


class TokenStore:
    """`suffix` ends every token issued: an account's tokens name the account (see accounts.py)."""

    def __init__(self, suffix: str = "") -> None:
        self.suffix = suffix
        self._expiry: dict[str, float] = {}  # token -> time.monotonic() deadline
        self.issued: list[str] = []  # every token ever issued: the secrets tests look for them

    def issue(self, ttl_seconds: float) -> str:
        token = secrets.token_hex(16) + self.suffix
        self._expiry[token] = time.monotonic() + ttl_seconds
        self.issued.append(token)
        return token

    def valid(self, token: str | None) -> bool:
        deadline = self._expiry.get(token or "")
        if deadline is None:
            return False
        if deadline <= time.monotonic():
            del self._expiry[token]
            return False
        return True

    def expire(self, token: str | None) -> None:
        self._expiry.pop(token or "", None)
