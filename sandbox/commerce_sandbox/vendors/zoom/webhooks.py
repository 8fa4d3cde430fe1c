"""Zoom's webhooks, simulated: the four Commerce events (`commerce.order_status_changed`,
`commerce.quote_status_changed`, `commerce.deal_registration_status_changed`,
`commerce.account_status_changed`) generated as the world changes an order's, quote's, deal
registration's or account's status (or creates one), and delivered as Zoom delivers them
(Zoom's webhook documentation): to the configured `webhook_url`, signed with `webhook_secret`
(`x-zm-signature: v0=HMAC-SHA256(secret, "v0:{ts}:{body}")`, `ts` the real clock's epoch
seconds), after an `endpoint.url_validation` answered correctly (again every 72 hours of
simulated time; 6 failures in a row disable the endpoint), each with a 3-second timeout. A 2xx is
delivered; a 5xx or a network error (refused, reset, timeout) is retried +5, +20 and +60 minutes
later in simulated time (so a retry goes out when the clock is advanced past it); a 3xx or 4xx is
never retried.

Deterministic: event ids come from a generator of their own (seeded like the world), so which
events exist and their ids depend only on seed, scale and the clock's moves, not on how delivery
went. Truth: `webhook_events`, the events delivered (what the warehouse's webhook_events holds), and
`webhook_deliveries`, every event generated with its attempts and outcome."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import random
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any

import requests

from commerce_sandbox.vendors.zoom.world import ZoomWorld

# world stream -> (event, the payload's object key, the object's fields in the payload, its id)
EVENTS = {
    "orders": ("commerce.order_status_changed", "order", ("order_reference_id",)),
    "quotes": ("commerce.quote_status_changed", "quote", ("quote_reference_id",)),
    "deal_registrations": (
        "commerce.deal_registration_status_changed",
        "deal_registration",
        ("deal_reg_number", "create_reference_id"),
    ),
    "accounts": (
        "commerce.account_status_changed",
        "account",
        ("crm_account_number", "create_reference_id"),
    ),
}
# The object id the warehouse's webhook_events carries, per world stream (docs/operations.md).
OBJECT_ID = {
    "orders": "order_reference_id",
    "quotes": "quote_reference_id",
    "deal_registrations": "deal_reg_number",
    "accounts": "crm_account_number",
}
SETTINGS = {"webhook_url": None, "webhook_secret": None}
TRUTH_STREAMS = ("webhook_events", "webhook_deliveries")
RETRY_DELAYS = (5 * 60, 20 * 60, 60 * 60)
TIMEOUT_SECONDS = 3
REVALIDATE_SECONDS = 72 * 3600
VALIDATION_FAILURES_TO_DISABLE = 6
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
HEADERS = {"content-type": "application/json", "user-agent": "Zoom Marketplace/1.0a"}


def _sign(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


@dataclass
class Delivery:
    body: dict[str, Any]
    raw: bytes  # the body as sent, every attempt the same bytes
    object_type: str
    object_id: str
    due: float | None  # simulated instant of the next attempt; None once settled
    attempts: int = 0
    outcome: str = "pending"
    delivered: bool = False


@dataclass
class Endpoint:
    """The subscription's state for one (url, secret): validated when, failures in a row."""

    url: str
    secret: str
    validated_at: float | None = None
    failures: int = 0

    @property
    def disabled(self) -> bool:
        return self.failures >= VALIDATION_FAILURES_TO_DISABLE


class Webhooks:
    def __init__(
        self, seed: int, world: ZoomWorld, settings: dict[str, Any], account_id: str
    ) -> None:
        self._ids = random.Random(f"zoom-webhooks-{seed}")
        self._settings, self._account_id = settings, account_id
        # Statuses as of now: history made before the sandbox started sends nothing.
        self._statuses = {
            (stream, key): record["status"]
            for stream in EVENTS
            for key, record in world.records[stream].items()
        }
        self.deliveries: list[Delivery] = []
        self._pending: list[Delivery] = []
        self._endpoint: Endpoint | None = None
        self._session = requests.Session()
        world.status_listener = self._status_changed

    # ---- generation -------------------------------------------------------------------------
    def _status_changed(self, at: float, stream: str, key: str, record: dict) -> None:
        if stream not in EVENTS or self._statuses.get((stream, key)) == record["status"]:
            return
        self._statuses[(stream, key)] = record["status"]
        event, object_type, fields = EVENTS[stream]
        body = {
            "event": event,
            "event_ts": int(at * 1000),
            "event_id": str(uuid.UUID(int=self._ids.getrandbits(128), version=4)),
            "payload": {
                "account_id": self._account_id,
                object_type: {
                    **{name: record[name] for name in fields},
                    "status": record["status"],
                },
            },
        }
        subscribed = bool(self._settings.get("webhook_url"))
        delivery = Delivery(
            body,
            json.dumps(body, separators=(",", ":")).encode(),
            object_type,
            record[OBJECT_ID[stream]],
            due=at if subscribed else None,
            outcome="pending" if subscribed else "no webhook_url configured",
        )
        self.deliveries.append(delivery)
        if subscribed:
            self._pending.append(delivery)

    # ---- delivery ---------------------------------------------------------------------------
    def deliver(self, now: float) -> int:
        """Attempt every delivery due by `now` (the clock after an advance); answers how many were
        delivered."""
        due = sorted(
            (delivery for delivery in self._pending if delivery.due <= now),
            key=lambda delivery: delivery.due,
        )
        if not due:
            return 0
        endpoint = self._current_endpoint()
        if endpoint is None or endpoint.disabled:
            reason = "endpoint disabled" if endpoint else "no webhook_url configured"
            for delivery in due:
                self._settle(delivery, reason)
        elif not self._validated(endpoint, now):
            for delivery in due:
                delivery.attempts += 1
                self._retry_or_give_up(delivery, now, "endpoint failed url_validation")
        else:
            for delivery in due:
                self._attempt(endpoint, delivery, now)
        self._pending = [delivery for delivery in self._pending if delivery.due is not None]
        return sum(delivery.delivered for delivery in due)

    def _current_endpoint(self) -> Endpoint | None:
        url, secret = self._settings.get("webhook_url"), self._settings.get("webhook_secret")
        if not url:
            return None
        if self._endpoint is None or (self._endpoint.url, self._endpoint.secret) != (url, secret):
            self._endpoint = Endpoint(url, secret or "")
        return self._endpoint

    def _post(self, endpoint: Endpoint, raw: bytes) -> requests.Response:
        timestamp = str(int(time.time()))
        signature = _sign(endpoint.secret, f"v0:{timestamp}:".encode() + raw)
        return self._session.post(
            endpoint.url,
            data=raw,
            headers={
                **HEADERS,
                "x-zm-request-timestamp": timestamp,
                "x-zm-signature": f"v0={signature}",
                "x-zm-request-id": str(uuid.uuid4()),
            },
            timeout=TIMEOUT_SECONDS,
            allow_redirects=False,
        )

    def _validated(self, endpoint: Endpoint, now: float) -> bool:
        if endpoint.validated_at is not None and now - endpoint.validated_at < REVALIDATE_SECONDS:
            return True
        plain = secrets.token_urlsafe(16)
        body = {
            "payload": {"plainToken": plain},
            "event_ts": int(now * 1000),
            "event": "endpoint.url_validation",
        }
        try:
            response = self._post(endpoint, json.dumps(body, separators=(",", ":")).encode())
            answer = response.json() if response.status_code in (200, 204) else {}
        except (requests.RequestException, ValueError):
            answer = {}
        if answer == {
            "plainToken": plain,
            "encryptedToken": _sign(endpoint.secret, plain.encode()),
        }:
            endpoint.validated_at, endpoint.failures = now, 0
            return True
        endpoint.validated_at = None
        endpoint.failures += 1
        return False

    def _attempt(self, endpoint: Endpoint, delivery: Delivery, now: float) -> None:
        delivery.attempts += 1
        try:
            status = self._post(endpoint, delivery.raw).status_code
        except requests.RequestException as error:
            self._retry_or_give_up(delivery, now, f"network error ({type(error).__name__})")
            return
        if 200 <= status < 300:
            delivery.delivered = True
            self._settle(delivery, f"delivered ({status})")
        elif status >= 500:
            self._retry_or_give_up(delivery, now, f"HTTP {status}")
        else:  # Zoom does not retry a 3xx or 4xx
            self._settle(delivery, f"refused (HTTP {status}), not retried")

    def _retry_or_give_up(self, delivery: Delivery, now: float, reason: str) -> None:
        if delivery.attempts > len(RETRY_DELAYS):
            self._settle(delivery, f"{reason}; gave up after {delivery.attempts} attempts")
        else:
            delivery.due = now + RETRY_DELAYS[delivery.attempts - 1]
            delivery.outcome = f"{reason}; retry due"

    @staticmethod
    def _settle(delivery: Delivery, outcome: str) -> None:
        delivery.due, delivery.outcome = None, outcome

    # ---- truth ------------------------------------------------------------------------------
    def truth(self, stream: str) -> list[dict]:
        if stream == "webhook_events":
            return [self._row(delivery) for delivery in self.deliveries if delivery.delivered]
        return [
            {
                **self._row(delivery),
                "delivered": delivery.delivered,
                "attempts": delivery.attempts,
                "outcome": delivery.outcome,
            }
            for delivery in self.deliveries
        ]

    @staticmethod
    def _row(delivery: Delivery) -> dict[str, Any]:
        body = delivery.body
        subject = body["payload"][delivery.object_type]
        return {
            "event_id": body["event_id"],
            "event": body["event"],
            "event_ts": (EPOCH + dt.timedelta(milliseconds=body["event_ts"])).isoformat(),
            "account_id": body["payload"]["account_id"],
            "object_type": delivery.object_type,
            "object_id": delivery.object_id,
            "status": subject["status"],
            "payload": body["payload"],
        }
