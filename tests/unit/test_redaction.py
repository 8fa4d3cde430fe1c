"""The log redaction every tap installs: secret settings and issued tokens never reach a handler,
in a message, its arguments, its URL-encoded spelling or a traceback."""

from __future__ import annotations

import io
import json
import logging
from urllib.parse import urlencode

from commerce_taps_common.reporting import redaction
from tap_zoho_partner.tap import TapZohoPartner


def logged(*records: tuple) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("test_redaction")
    logger.addHandler(handler)
    try:
        for message, args, exc_info in records:
            logger.error(message, *args, exc_info=exc_info)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_secret_settings_and_tokens_are_redacted_everywhere(tmp_path, monkeypatch):
    secret, refresh, token = "client/secret+value", "1000.refresh-token-value", "issued-token-abc"
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"client_secret": secret, "client_id": "the-client-id"}))
    monkeypatch.setenv("TAP_ZOHO_PARTNER_REFRESH_TOKEN", refresh)
    monkeypatch.setattr(redaction, "_secrets", set())
    monkeypatch.setattr(logging, "_logRecordFactory", logging.LogRecord)  # restored after
    redaction.install(
        "tap-zoho-partner", TapZohoPartner.config_jsonschema, ["--config", str(config)]
    )
    redaction.add_secrets(token, None, "short")
    try:
        raise ValueError(f"refused {token}")
    except ValueError as error:
        failure = error
    text = logged(
        ("POST /token?%s", (urlencode({"client_secret": secret, "refresh_token": refresh}),), None),
        ("body %s", ({"access_token": token},), None),
        ("failed", (), (ValueError, failure, failure.__traceback__)),
    )
    for value in (secret, "client%2Fsecret%2Bvalue", refresh, token):
        assert value not in text
    assert text.count(redaction.REDACTED) == 4
    assert "short" not in redaction._secrets
