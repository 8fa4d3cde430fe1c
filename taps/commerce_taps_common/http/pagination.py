"""Pagination helpers shared by the taps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests
from singer_sdk.exceptions import FatalAPIError
from singer_sdk.pagination import BaseAPIPaginator


class RepeatedCursorError(FatalAPIError):
    pass


class CursorPaginator(BaseAPIPaginator[str | None]):
    """An opaque next-page cursor read from each response. Ends on a missing/empty cursor. A cursor
    seen before anywhere in this listing (not only the previous one) is an error, not a loop."""

    def __init__(self, next_cursor: Callable[[requests.Response], Any]) -> None:
        super().__init__(None)
        self._next_cursor = next_cursor
        self._seen: set[str] = set()

    def get_next(self, response: requests.Response) -> str | None:
        cursor: str | None = self._next_cursor(response)
        if not cursor:
            return None
        if cursor in self._seen:
            raise RepeatedCursorError(
                f"{response.request.path_url.split('?')[0]} returned a cursor it had already "
                f"returned ({len(self._seen)} pages in): the listing would never end"
            )
        self._seen.add(cursor)
        return cursor
