"""Settings every tap has, declared once."""

from __future__ import annotations

from singer_sdk import typing as th

from commerce_taps_common.records.tenant import DEFAULT_TENANT

REQUEST_TIMEOUT = th.Property(
    "request_timeout",
    th.IntegerType,
    default=90,
    minimum=1,
    description="Seconds to wait for one HTTP response before retrying it.",
)


def max_concurrency(default: int, description: str) -> th.Property[int]:
    """Requests in flight at once, 1..32."""
    return th.Property(
        "max_concurrency",
        th.IntegerType,
        default=default,
        minimum=1,
        maximum=32,
        description=description,
    )


def sweep_runs(stream: str, default: int, what: str) -> th.Property[int]:
    """`<stream>_sweep_runs`: the promise that `what` is read again within this many runs."""
    return th.Property(
        f"{stream}_sweep_runs",
        th.IntegerType,
        default=default,
        minimum=1,
        description=(
            f"{what} is read again within this many runs (counted in runs, not days: a nightly "
            "job makes them days), so a change nothing else signals lands within them."
        ),
    )


def sweep_budget(stream: str, default: int) -> th.Property[int]:
    """`<stream>_sweep_budget`: the most detail requests a run spends on the rotation."""
    return th.Property(
        f"{stream}_sweep_budget",
        th.IntegerType,
        default=default,
        minimum=1,
        description=(
            f"Most detail requests a run spends re-reading unchanged {stream}s (new and changed "
            f"ones are read regardless); when {stream}_sweep_runs needs more, the tap warns and "
            "the rest wait for the next run."
        ),
    )


TENANT = th.Property(
    "tenant",
    th.StringType,
    default=DEFAULT_TENANT,
    pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$",
    description=(
        "A short label for the account this tap reads (e.g. emea, us-store): every record "
        "carries it in its `tenant` column, first in every stream's key, so accounts whose ids "
        "coincide load side by side into the same tables. Letters, digits, '.', '_' and '-'."
    ),
)
