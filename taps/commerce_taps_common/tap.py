"""The base every commerce-taps Tap derives from."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any

import jsonschema
from singer_sdk import Tap
from singer_sdk.contrib.msgspec import MsgSpecWriter

from commerce_taps_common.errors import ConfigError, required_fix
from commerce_taps_common.pacing import Pacer
from commerce_taps_common.run_hooks import ReportingTap
from commerce_taps_common.timestamps import parse_instant


class CommerceTap(ReportingTap, Tap):
    # msgspec writes Decimals as their exact digits and is ~1.5x faster than the default writer.
    message_writer_class = MsgSpecWriter
    package_name = "commerce-taps"  # every tap ships in the one distribution

    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        """One error, naming its setting, instead of the SDK's list of jsonschema messages; then
        the vendor's own checks (`check_settings`)."""
        if not raise_errors:  # --about and --discover need no valid config
            return []
        schema = self.config_jsonschema
        self.append_builtin_config(schema)
        error = jsonschema.exceptions.best_match(
            jsonschema.Draft7Validator(schema).iter_errors(dict(self._config))
        )
        if error is not None:
            if error.validator == "required":
                setting = error.message.split("'")[1]
                raise ConfigError(setting, "is required", required_fix(self.name, setting))
            setting = ".".join(str(part) for part in error.absolute_path) or "config"
            raise ConfigError(setting, f"invalid value {error.instance!r}: {error.message}")
        self.check_settings(self._config)
        return []

    def check_settings(self, config: dict[str, Any]) -> None:
        """Vendor checks beyond the JSON Schema; raise ConfigError."""

    @staticmethod
    def check_start_date(config: dict[str, Any]) -> None:
        """`start_date`, if set: an ISO-8601 date or timestamp, not in the future."""
        if start := config.get("start_date"):
            try:
                instant = parse_instant(str(start))
            except ValueError:
                raise ConfigError(
                    "start_date",
                    f"{start!r} is not an ISO-8601 date or timestamp",
                    "use e.g. 2024-01-01 or 2024-01-01T00:00:00Z",
                ) from None
            if instant > dt.datetime.now(dt.UTC):
                raise ConfigError(
                    "start_date",
                    f"{start} is in the future",
                    "use a date in the past (the first run reads from it)",
                )

    @cached_property
    def pacer(self) -> Pacer:
        """One pacer per run: the vendor's rate limit is per tenant, not per stream."""
        return Pacer(self.config.get("requests_per_minute"))
