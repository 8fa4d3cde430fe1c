"""A read of another path than the stream's own, and the parsed body of a checked response.

A stream reads its own path through the SDK's hooks (`request_records(context)`,
`get_url_params`, `prepare_request_payload`). A `Listing` is a read of another path (a
per-customer list, a directory the stream walks): `CommerceRESTStream.listing` pages it through
the same hooks, its `params` as the read's context, on its `path`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

import requests
from singer_sdk.streams.rest import PageContext


@dataclass(frozen=True)
class Listing:
    #: Path under the stream's `url_base`.
    path: str
    #: Query parameters, before the paging parameters the vendor adds (`get_url_params`).
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class ListingPage(PageContext[Any]):
    """One page of a `Listing`: the SDK's page context, and the path it is read on."""

    path: str = ""


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
