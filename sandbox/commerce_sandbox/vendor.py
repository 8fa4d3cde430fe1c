"""The vendor interface: each simulated API is a Vendor under its own path prefix, with routes,
a world built from (seed, scale) for one account, `advance`, `truth`, the key of each truth
stream, and settings. The server supplies what is common (request counters, fault plan,
latency); a vendor supplies its quirks. A leaf module: the worlds and the vendors import it, it
imports none of them."""

from __future__ import annotations

import abc
import base64
import binascii
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from commerce_sandbox.accounts import DEFAULT_ACCOUNT, account_seed, credential
from commerce_sandbox.clock import Clock
from commerce_sandbox.faults import Fault
from commerce_sandbox.ratelimit import MinuteWindow
from commerce_sandbox.tokens import TokenStore


@dataclass
class Request:
    method: str
    path: str  # without the vendor prefix
    query: dict[str, list[str]]
    headers: dict[str, str]  # names lower-cased
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def params(self) -> dict[str, str]:
        """Query parameters, the last value of each."""
        return {key: values[-1] for key, values in self.query.items()}

    def form(self) -> dict[str, str]:
        """A form-encoded body's fields, the last value of each."""
        return {
            key: values[-1] for key, values in parse_qs(self.body.decode(errors="replace")).items()
        }

    def carried(self) -> Iterator[str]:
        """Every value the request may carry a credential or a token in (which account's it is:
        commerce_sandbox.accounts)."""
        for value in self.headers.values():
            scheme, _, rest = value.partition(" ")
            yield from (value, rest)
            if scheme.lower() == "basic":
                try:
                    yield from base64.b64decode(rest, validate=True).decode().split(":", 1)
                except (binascii.Error, UnicodeDecodeError):
                    pass
        for values in self.query.values():
            yield from values
        yield from self.form().values()

    def bearer_token(self) -> str | None:
        scheme, _, token = (self.header("authorization") or "").partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None


@dataclass
class Response:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    raw: bytes | None = None  # a body sent as is (pre-encoded pages)


Handler = Callable[[Request], Response]
StreamCounts = dict[str, dict[str, int]]  # stream -> {"created": n, "changed": n, "deleted": n}


StreamKey = str | tuple[str, ...]  # the field, or fields, that identify one record of a stream
GUARANTEE_DAYS = 30
MIN_GUARANTEED_SCALE = 2


class Vendor(abc.ABC):
    prefix: str
    #: stream -> its primary key, for every stream `truth` serves: what a warehouse table of the
    #: stream is compared by (the tests and the demo read it from here).
    stream_keys: dict[str, StreamKey]
    #: stream -> the kinds of change ("created", "changed", "deleted") every world of the vendor
    #: makes to it within GUARANTEE_DAYS of its start, whatever the start day, seed and scale (at
    #: least MIN_GUARANTEED_SCALE): what tests may build on without searching for a seed. Every
    #: stream of `stream_keys` has rows at the start and after those days, too.
    guaranteed_changes: dict[str, tuple[str, ...]] = {}
    default_settings: dict[str, Any] = {"latency_ms": 0}
    #: Whether the vendor reports errors inside HTTP 200 bodies; an injected `200_error` is a 500
    #: for a vendor that does not.
    errors_inside_200 = False

    def __init__(self, seed: int, scale: int, clock: Clock, account: str = DEFAULT_ACCOUNT) -> None:
        self.seed, self.scale, self.clock, self.account = seed, scale, clock, account
        #: What the account's world grows from (commerce_sandbox.accounts).
        self.world_seed = account_seed(seed, account)
        self.settings = dict(self.default_settings)
        self.tokens = TokenStore(credential("", account))
        self.rate_window = MinuteWindow()

    @abc.abstractmethod
    def routes(self) -> dict[tuple[str, str], Handler]:
        """(method, path without prefix) -> handler."""

    @abc.abstractmethod
    def not_found(self, request: Request) -> Response: ...

    @abc.abstractmethod
    def advance(self, start: float, end: float) -> StreamCounts:
        """Move the world from `start` to `end` (epoch seconds of the simulated clock)."""

    @abc.abstractmethod
    def truth(self, stream: str) -> list[dict] | None:
        """Every current record of `stream` as the API serialises it; None for an unknown stream."""

    @abc.abstractmethod
    def fault_response(self, fault: Fault) -> Response:
        """The vendor's own answer for an injected 400/404/429/500/502/503 (or 200_error)."""

    def credential(self, value: str) -> str:
        """The demo credential `value` as this vendor's account accepts it."""
        return credential(value, self.account)

    @functools.cached_property
    def _route_table(self) -> dict[tuple[str, str], Handler]:
        return self.routes()

    def handle(self, request: Request) -> Response:
        handler = self._route_table.get((request.method, request.path))
        return handler(request) if handler else self.not_found(request)

    def token_of(self, request: Request) -> str | None:
        """The access token a request carries (vendors with another scheme override this)."""
        return request.bearer_token()

    def expire_token(self, request: Request) -> None:
        """Revoke the token this request carries, before its stated expiry."""
        self.tokens.expire(self.token_of(request))
