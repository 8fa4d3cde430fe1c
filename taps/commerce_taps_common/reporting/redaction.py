"""No secret in any log line at any level: every log record of the tap's process (the SDK's,
urllib3's at debug level, which prints each request line with its query string, and ours) has the
known secret values replaced before any handler formats it.

The secrets are the values of the settings the tap's config schema marks secret, read from the
config files on the command line (and `--config ENV`'s variables) before the SDK starts, and each
access or refresh token the tap is issued (`add_secrets`), for the rest of the run."""

from __future__ import annotations

import json
import logging
import os
import traceback
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

from commerce_taps_common.files import option_values

REDACTED = "<redacted>"
#: Shorter values would redact ordinary words; no real secret is this short.
MIN_SECRET_LENGTH = 6

_secrets: set[str] = set()


def add_secrets(*values: Any) -> None:
    """Redact these values (and their URL-encoded spellings) from every later log record."""
    for value in values:
        if isinstance(value, str) and len(value) >= MIN_SECRET_LENGTH:
            _secrets.update({value, quote(value, safe=""), quote_plus(value)})


def redacted(text: str) -> str:
    # Longest first: a secret that contains another is replaced whole.
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


class _RedactingRecord(logging.LogRecord):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.exc_info and _secrets:
            # Formatters reuse exc_text when set: the traceback is printed redacted.
            self.exc_text = redacted("".join(traceback.format_exception(*self.exc_info))).rstrip()

    def getMessage(self) -> str:
        return redacted(super().getMessage())


def install(tap_name: str, config_schema: dict[str, Any], arguments: Sequence[str]) -> None:
    """Every record made from now on in this process is redacted; the secret settings' values
    come from `arguments`' --config files (or the environment, for `--config ENV`)."""
    if logging.getLogRecordFactory() is logging.LogRecord:
        logging.setLogRecordFactory(_RedactingRecord)
    names = [
        name
        for name, schema in config_schema.get("properties", {}).items()
        if schema.get("secret") or schema.get("writeOnly")
    ]
    prefix = tap_name.upper().replace("-", "_")
    add_secrets(*(os.environ.get(f"{prefix}_{name.upper()}") for name in names))
    for config in _config_files(arguments):
        add_secrets(*(config.get(name) for name in names))


def _config_files(arguments: Sequence[str]) -> Iterable[dict[str, Any]]:
    for _, value in option_values(arguments, ("--config",)):
        try:
            document = json.loads(Path(value).read_text())
        except (OSError, ValueError):
            continue  # ENV, or a file the CLI's own checks report
        if isinstance(document, dict):
            yield document
