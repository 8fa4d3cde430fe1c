"""The vendor interface: each simulated API is a Vendor under its own path prefix."""

from __future__ import annotations

import abc
import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from commerce_sandbox.clock import Clock


@dataclass
class Request:
    method: str
    path: str  # without the vendor prefix
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((value for key, value in self.headers.items() if key.lower() == lowered), None)


@dataclass
class Response:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    raw: bytes | None = None  # a body sent as is (CSV files, pre-encoded pages)


class Vendor(abc.ABC):
    prefix: str
    default_settings: dict[str, Any] = {"latency_ms": 0}

    def __init__(self, seed: int, scale: int, clock: Clock) -> None:
        self.seed, self.scale, self.clock = seed, scale, clock
        self.settings = dict(self.default_settings)

    @abc.abstractmethod
    def handle(self, request: Request) -> Response: ...

    @abc.abstractmethod
    def advance(self, start: float, end: float) -> dict[str, dict[str, int]]:
        """Move the world from `start` to `end` (epoch seconds); counts per stream."""

    @abc.abstractmethod
    def truth(self, stream: str) -> list[dict] | None: ...

    @abc.abstractmethod
    def fault_response(self, status: int, reset_header: bool) -> Response:
        """The vendor's own shape of an injected 429/5xx."""

    @abc.abstractmethod
    def expire_token(self, request: Request) -> None:
        """Revoke the token this request carries, before its stated expiry."""


def local_time_text(epoch: float, zone: ZoneInfo) -> str:
    return dt.datetime.fromtimestamp(int(epoch), zone).isoformat()


def all_vendors(seed: int, scale: int, clock: Clock) -> list[Vendor]:
    from commerce_sandbox.vendors.zuora import Zuora

    return [Zuora(seed, scale, clock)]
