"""What one listing asks for, and the parsed body of a checked response.

A `Listing` describes a request beyond paging: the path under the API root, the query parameters
and, for listings read by POST, the body. `CommerceRESTStream.listing` pages it with the stream's
paginator. It is never the SDK's partition context, which says which partition a stream syncs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

import requests


@dataclass(frozen=True)
class Listing:
    #: Path under the stream's `url_base`; None for the stream's own `path`.
    path: str | None = None
    #: Query parameters, beside the paging parameters the stream's paginator adds.
    params: Mapping[str, Any] = field(default_factory=dict)
    #: HTTP method; None for the stream's own.
    method: str | None = None
    #: JSON body (POST listings).
    payload: Mapping[str, Any] | None = None


_BODIES: WeakKeyDictionary[requests.Response, Any] = WeakKeyDictionary()


def keep_parsed_body(response: requests.Response, body: Any) -> None:
    """Remember the body `validate_response` parsed, so nothing parses it twice."""
    _BODIES[response] = body


def parsed_body(response: requests.Response) -> Any:
    """The body of a response that `validate_response` accepted (money as Decimal)."""
    try:
        return _BODIES[response]
    except KeyError:
        raise LookupError(f"{response.url}: the response was not checked by the stream") from None
