"""The fault plan: faults queued through the control surface, consumed by matching requests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KINDS = (
    "400",
    "404",
    "429",
    "500",
    "502",
    "503",
    "200_error",
    "stall",
    "truncate",
    "expire_token",
    "surprise",
)
# Answered with the vendor's own error body; `200_error` is an error inside an HTTP 200 body, for
# vendors that report errors that way (Zoho).
STATUS_KINDS = ("400", "404", "429", "500", "502", "503", "200_error")
MAX_STALL_SECONDS = 60


@dataclass
class Fault:
    kind: str
    count: int = 1
    path: str = ""  # a substring of the request path (without the vendor prefix); empty hits all
    after: int = 0  # matching requests let through before the fault's first use
    reset_header: bool = True  # 429 only: whether the rate-limit reset headers come with it
    seconds: float = 10  # stall: how long; 429 with reset_header: the wait its headers ask for
    code: int | None = (
        None  # the vendor's error code in the body (its default for the status when None)
    )
    retry_after: str = (
        "seconds"  # 429 with reset_header: "seconds", or "date" (an instant, as Zoom sends)
    )
    # surprise: every row of the answer gets `extra` (fields no schema declares) and `bad`
    # (fields set to values their type cannot hold, e.g. {"total": "N/A"}), where it has them.
    extra: dict[str, Any] | None = None
    bad: dict[str, Any] | None = None

    def surprise(self, body: Any) -> Any:
        """`body` with every row of its lists (or the body itself, a detail) surprised."""
        rows = body if isinstance(body, list) else []
        if isinstance(body, dict):
            rows = [
                row
                for value in body.values()
                if isinstance(value, list)
                for row in value
                if isinstance(row, dict)
            ] or [body]
        for row in rows:
            row.update(self.extra or {})
            row.update({name: value for name, value in (self.bad or {}).items() if name in row})
        return body

    @property
    def status(self) -> int:
        return int(self.kind[:3])

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> Fault:
        kind = str(body["kind"])
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; known: {', '.join(KINDS)}")
        known = {
            name: body[name]
            for name in (
                "count",
                "path",
                "after",
                "reset_header",
                "seconds",
                "code",
                "retry_after",
                "extra",
                "bad",
            )
            if name in body
        }
        fault = cls(kind=kind, **known)
        fault.seconds = min(float(fault.seconds), MAX_STALL_SECONDS)
        return fault


class FaultPlan:
    def __init__(self) -> None:
        self.pending: list[Fault] = []

    def add(self, faults: list[dict[str, Any]]) -> None:
        self.pending.extend(Fault.from_json(fault) for fault in faults)

    def take(self, path: str) -> Fault | None:
        """The first pending fault matching `path`, one use of it consumed."""
        for fault in self.pending:
            if fault.count > 0 and fault.path in path:
                if fault.after > 0:
                    fault.after -= 1
                    continue
                fault.count -= 1
                if fault.count == 0:
                    self.pending.remove(fault)
                return fault
        return None
