"""The base every commerce-taps Tap derives from."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from functools import cached_property
from typing import Any

import click
import jsonschema
from singer_sdk import Stream, Tap
from singer_sdk.contrib.msgspec import MsgSpecWriter

from commerce_taps_common.config.errors import ConfigError, required_fix
from commerce_taps_common.config.plugin import DEVELOPMENT_DISTRIBUTION, installed_distribution
from commerce_taps_common.config.settings import TENANT
from commerce_taps_common.dates import parse_instant
from commerce_taps_common.http.auth import OAuthTokenAuth
from commerce_taps_common.http.pacing import Pacer
from commerce_taps_common.records.tenant import DEFAULT_TENANT, tenant_map_config, tenant_maps
from commerce_taps_common.reporting.run_hooks import ReportingTap
from commerce_taps_common.sdk import mutable_config


class CommerceTap(ReportingTap, Tap):
    """A tap is its settings, its `stream_types` (in the order they sync) and, where streams hand
    data to each other, its `run_type`: one object per run that those streams share."""

    # msgspec writes Decimals as their exact digits and is ~1.5x faster than the default writer.
    message_writer_class = MsgSpecWriter
    package_name = DEVELOPMENT_DISTRIBUTION  # or the tap's own: see __init_subclass__
    #: The tap's stream classes, in the order they sync.
    stream_types: tuple[type[Stream], ...] = ()
    #: The dataclass of data passed between this tap's streams during one run (None: nothing).
    run_type: type | None = None
    #: (writer, reader) stream pairs: the writer must sync before the reader.
    stream_order: tuple[tuple[str, str], ...] = ()
    #: Deprecated setting name -> the name that replaced it (read as it, with a warning).
    renamed_settings: dict[str, str] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """The SDK's `--about` prints the class docstring: a tap without one says what its
        module's docstring says (`tap-x: what it reads`), the name left out."""
        super().__init_subclass__(**kwargs)
        cls.package_name = installed_distribution(cls.name)
        # Every tap has the `tenant` setting (records/tenant.py), declared here once.
        cls.config_jsonschema["properties"].update(TENANT.to_dict())
        if not cls.__dict__.get("__doc__"):
            text = " ".join((sys.modules[cls.__module__].__doc__ or "").split())
            text = text.removeprefix(f"{cls.name}: ")
            cls.__doc__ = text[:1].upper() + text[1:] or None

    @classmethod
    def get_singer_command(cls) -> click.Command:
        """`--help` opens with the tap's description, not only the SDK's "Execute the Singer
        tap."."""
        command = super().get_singer_command()
        if cls.__doc__:
            command.help = f"{cls.__doc__}\n\nExecute the Singer tap."
        return command

    def setup_mapper(self) -> None:
        """Every stream's records carry the `tenant` setting, first in the stream's key:
        singer-sdk's stream maps, one per stream, built here under the user's own."""
        config = mutable_config(self)
        config["stream_maps"] = tenant_maps(self.streams.values(), config.get("stream_maps") or {})
        config["stream_map_config"] = tenant_map_config(
            config.get("tenant") or DEFAULT_TENANT, config.get("stream_map_config")
        )
        super().setup_mapper()

    def discover_streams(self) -> list[Stream]:
        names = [stream.name for stream in self.stream_types]
        for writer, reader in self.stream_order:
            if names.index(writer) > names.index(reader):
                raise RuntimeError(f"{self.name}: {writer} must sync before {reader}")
        return [stream(tap=self) for stream in self.stream_types]

    def order_streams(self, streams: list[Stream]) -> list[Stream]:
        # The SDK sorts streams by name, and syncs them in that order: keep `stream_types`' order.
        order = {stream.name: index for index, stream in enumerate(self.stream_types)}
        return sorted(streams, key=lambda stream: order[stream.name])

    @cached_property
    def run(self) -> Any:
        """This run's shared data (see `run_type`)."""
        if self.run_type is None:
            raise AttributeError(f"{self.name} passes no data between streams")
        return self.run_type()

    def around_sync(self, sync_all: Callable[[], None]) -> None:
        try:
            super().around_sync(sync_all)
        finally:
            for stream in self.streams.values():
                if shaper := stream.__dict__.get("shaper"):  # the streams that shaped records
                    shaper.warn_invalid()

    def validate_settings(self, *, raise_errors: bool) -> list[str]:
        """One error, naming its setting, instead of the SDK's list of jsonschema messages; then
        the vendor's own checks (`check_settings`)."""
        self.rename_settings()
        if not raise_errors:  # --about and --discover need no valid config
            return []
        schema = self.config_jsonschema
        self.append_builtin_config(schema)
        error = jsonschema.exceptions.best_match(
            jsonschema.Draft7Validator(schema).iter_errors(dict(mutable_config(self)))
        )
        if error is not None:
            if error.validator == "required":
                setting = error.message.split("'")[1]
                raise ConfigError(setting, "is required", required_fix(self.plugin_name, setting))
            setting = ".".join(str(part) for part in error.absolute_path) or "config"
            raise ConfigError(setting, f"invalid value {error.instance!r}: {error.message}")
        self.check_settings(mutable_config(self))
        return []

    def rename_settings(self) -> None:
        """A config written for an older version keeps working: each deprecated name is read as
        its new one unless that is set too, and said once per run."""
        config = mutable_config(self)
        for old, new in self.renamed_settings.items():
            if old not in config:
                continue
            value = config.pop(old)
            if new in config:
                self.logger.warning("Setting %s is deprecated and ignored: %s is set", old, new)
                continue
            config[new] = value
            self.logger.warning("Setting %s is deprecated: read as %s=%r", old, new, value)

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
    def authenticator(self) -> OAuthTokenAuth:
        """The run's one token, shared by every stream (each tap makes its own)."""
        raise NotImplementedError

    @cached_property
    def pacer(self) -> Pacer:
        """One pacer per run: the vendor's rate limit is per tenant, not per stream."""
        return Pacer(self.config.get("requests_per_minute"))
