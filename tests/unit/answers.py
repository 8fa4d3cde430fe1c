"""What a vendor would have answered, as a real `requests.Response` with no server behind it: the
unit tests hand these to the taps' own response handling (validate_response, paginators)."""

from __future__ import annotations

import json
from typing import Any

import requests

from commerce_taps_common.http.listing import parsed_body


def answer(
    url: str,
    status: int = 200,
    body: Any = None,
    headers: dict[str, str] | None = None,
    method: str = "GET",
) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.url = url
    response.request = requests.Request(method, url).prepare()
    response.headers.update(headers or {})
    response._content = b"" if body is None else json.dumps(body).encode()
    response.encoding = "utf-8"
    return response


def checked(stream: Any, url: str, body: Any, **kwargs: Any) -> requests.Response:
    """An answer the stream's own validate_response accepted (so `parsed_body` holds it)."""
    response = answer(url, body=body, **kwargs)
    stream.validate_response(response)
    assert parsed_body(response) == body
    return response
