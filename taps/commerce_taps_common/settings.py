"""Settings every tap has, declared once."""

from __future__ import annotations

from singer_sdk import typing as th

REQUEST_TIMEOUT = th.Property(
    "request_timeout",
    th.IntegerType,
    default=90,
    minimum=1,
    description="Seconds to wait for one HTTP response before retrying it.",
)


def max_concurrency(default: int, description: str) -> th.Property:
    """Requests in flight at once, 1..32."""
    return th.Property(
        "max_concurrency",
        th.IntegerType,
        default=default,
        minimum=1,
        maximum=32,
        description=description,
    )
