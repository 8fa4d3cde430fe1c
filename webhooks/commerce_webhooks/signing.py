"""Zoom's webhook signatures: `x-zm-signature: v0=<hex HMAC-SHA256(secret, "v0:{ts}:{body}")>`, and
the URL-validation answer `hex(HMAC-SHA256(secret, plainToken))`, which uses the same key."""

from __future__ import annotations

import hashlib
import hmac


def signature(secret: bytes, timestamp: str, body: bytes) -> str:
    """The `x-zm-signature` value for a request sent at `timestamp` (epoch seconds, as sent)."""
    message = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret, message, hashlib.sha256).hexdigest()


def signature_matches(secret: bytes, timestamp: str, body: bytes, header: str) -> bool:
    return hmac.compare_digest(signature(secret, timestamp, body).encode(), header.encode())


def encrypted_token(secret: bytes, plain_token: str) -> str:
    return hmac.new(secret, plain_token.encode(), hashlib.sha256).hexdigest()
