"""The seams with singer-sdk's internals (commerce_taps_common.sdk for the taps,
target_commerce_duckdb.sdk for the loaders) against the installed singer-sdk: each private or
@final member they use is still there, of the same kind and signature as in singer-sdk 0.54.9,
one test per member, named after it; and no other module of the taps or loaders touches one."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from singer_sdk import Stream, Tap, Target
from singer_sdk.plugin_base import PluginBase
from singer_sdk.singerlib.encoding.base import GenericSingerReader
from singer_sdk.sinks import BatchSink, Sink
from target_postgres.connector import PostgresConnector

from commerce_taps_common import sdk as tap_sdk
from target_commerce_duckdb import sdk as loader_sdk

ROOT = Path(__file__).parents[2]
SEAMS = {ROOT / "taps/commerce_taps_common/sdk.py", ROOT / "loader/target_commerce_duckdb/sdk.py"}

# The methods the seams call or override, with their signatures in singer-sdk 0.54.9
# (target-postgres 0.8.1 for the connector's).
METHODS: dict[tuple[type, str], str] = {
    (PluginBase, "_validate_config"): "(self, *, raise_errors: 'bool' = True) -> 'list[str]'",
    (Tap, "load_streams"): "(self) -> 'list[Stream]'",
    (Tap, "sync_all"): "(self) -> 'None'",
    (Stream, "sync"): "(self, context: 'types.Context | None' = None) -> 'None'",
    (Stream, "_write_schema_message"): "(self) -> 'None'",
    (Stream, "_generate_record_messages"): (
        "(self, record: 'types.Record') -> 't.Generator[singer.RecordMessage, None, None]'"
    ),
    (Stream, "_write_activate_version_message"): "(self, full_table_version: 'int') -> 'None'",
    (Target, "drain_all"): "(self, *, is_endofpipe: 'bool' = False) -> 'None'",
    (Target, "_process_schema_message"): "(self, message_dict: 'dict') -> 'None'",
    (Target, "_assert_sink_exists"): "(self, stream_name: 'str') -> 'None'",
    (Target, "_handle_max_record_age"): "(self) -> 'None'",
    (Target, "_write_state_message"): "(self, state: 'dict') -> 'None'",
    (Sink, "_parse_timestamps_in_record"): (
        "(self, record: 'dict', schema: 'dict', treatment: 'DatetimeErrorTreatmentEnum') -> 'None'"
    ),
    (GenericSingerReader, "_process_unknown_message"): "(self, message_dict: 'dict') -> 'None'",
    (PostgresConnector, "_connect"): "(self) -> 't.Iterator[sqlalchemy.engine.Connection]'",
}
# Of those, the ones singer-sdk marks @final: the seams override them only for want of a hook.
FINAL = {(Tap, "load_streams"), (Tap, "sync_all"), (Stream, "sync"), (Target, "drain_all")}
# Functions and classes of singer-sdk's private modules, with their signatures.
PRIVATE_MODULE_NAMES: dict[str, tuple[Any, str]] = {
    "merge_missing_config_jsonschema": (
        tap_sdk.merge_missing_config_jsonschema,
        "(source_jsonschema: 'dict', target_jsonschema: 'dict') -> 'None'",
    ),
    "utc_now": (tap_sdk.utc_now, "() -> 'datetime.datetime'"),
    "BaseBatchFileEncoding": (
        loader_sdk.BaseBatchFileEncoding,
        "(format: 'str', compression: 'str | None' = None) -> None",
    ),
}
# Instance attributes the seams read (checked on real objects below).
ATTRIBUTES = (
    "_tap",
    "_stream_version",
    "_config",
    "_sinks_active",
    "_sinks_to_clear",
    "_latest_state",
    "_engine",
)
SCHEMA = {"type": "object", "properties": {"id": {"type": "integer"}}}


def _name(owner: type, member: str) -> str:
    return f"{owner.__name__}.{member}"


@pytest.mark.parametrize(("owner", "member"), list(METHODS), ids=[_name(*key) for key in METHODS])
def test_each_method_the_seams_use_keeps_its_signature(owner: type, member: str) -> None:
    method = inspect.getattr_static(owner, member, None)
    assert inspect.isfunction(method), f"{_name(owner, member)}: gone or no longer a method"
    signature = str(inspect.signature(method))
    assert signature == METHODS[owner, member], (
        f"{_name(owner, member)} changed: {signature}; adapt the seam (and this test) to it"
    )


@pytest.mark.parametrize(
    ("owner", "member"), sorted(FINAL, key=str), ids=[_name(*key) for key in sorted(FINAL, key=str)]
)
def test_the_final_methods_overridden_are_still_final(owner: type, member: str) -> None:
    assert getattr(getattr(owner, member), "__final__", False), (
        f"{_name(owner, member)} is no longer @final: override it where it is used, drop the "
        "seam's hook"
    )


@pytest.mark.parametrize("name", list(PRIVATE_MODULE_NAMES))
def test_each_name_of_a_private_module_keeps_its_signature(name: str) -> None:
    value, expected = PRIVATE_MODULE_NAMES[name]
    assert str(inspect.signature(value)) == expected, f"{name} changed: adapt the seam"


class _Things(Stream):
    name = "things"
    schema = SCHEMA

    def get_records(self, context: Any) -> Any:
        return iter(())


class _Tap(Tap):
    name = "tap-seam"
    config_jsonschema = {"type": "object", "properties": {}}

    def discover_streams(self) -> list[Stream]:
        return [_Things(self)]


class _Sink(BatchSink):
    def process_batch(self, context: dict[str, Any]) -> None:
        pass


class _Target(Target):
    name = "target-seam"
    config_jsonschema = {"type": "object", "properties": {}}
    default_sink_class = _Sink


def test_the_taps_seam_reads_a_tap_and_its_streams() -> None:
    tap = _Tap(config={"start_date": "2024-01-01"})
    stream = tap.streams["things"]
    assert tap_sdk.stream_tap(stream) is tap, "Stream._tap"
    assert tap_sdk.stream_version(stream) is None, "Stream._stream_version"
    tap_sdk.mutable_config(tap)["start_date"] = "2025-01-01"
    assert tap.config["start_date"] == "2025-01-01", "PluginBase._config"


def test_the_loaders_seam_reads_a_target_and_its_sinks() -> None:
    target = _Target(config={})
    assert loader_sdk.active_sinks(target) == {}, "Target._sinks_active"
    assert loader_sdk.replaced_sinks(target) == [], "Target._sinks_to_clear"
    assert loader_sdk.latest_state(target) is None, "Target._latest_state"
    sink = target.get_sink("things", schema=SCHEMA, key_properties=["id"])
    assert loader_sdk.active_sinks(target) == {"things": sink}, "Target._sinks_active"


def test_the_loaders_seam_reads_a_sql_connectors_engine_and_connection() -> None:
    connector = PostgresConnector(config={"sqlalchemy_url": "sqlite://"})
    assert isinstance(loader_sdk.sql_engine(connector), sqlalchemy.Engine), "SQLConnector._engine"
    with loader_sdk.sql_connection(connector) as connection:
        assert connection.execute(sqlalchemy.text("SELECT 1")).scalar() == 1, "_connect"


def _touches(path: Path, private: set[str], final: set[str]) -> list[str]:
    """Where `path` reads, calls or overrides a `private` member, overrides a `final` one, or
    imports from a private singer-sdk module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Attribute) and node.attr in private:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: .{node.attr}")
        elif isinstance(node, ast.FunctionDef) and node.name in private | final:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: def {node.name}")
        elif (
            isinstance(node, ast.ImportFrom)
            and (node.module or "").startswith("singer_sdk")
            and any(part.startswith("_") for part in (node.module or "").split("."))
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: from {node.module}")
    return found


def test_no_module_but_the_seams_touches_singer_sdks_internals() -> None:
    private = {member for _, member in METHODS if member.startswith("_")} | set(ATTRIBUTES)
    final = {member for _, member in FINAL}
    touches = [
        touch
        for folder in ("taps", "loader")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path not in SEAMS
        for touch in _touches(path, private, final)
    ]
    assert not touches, "go through commerce_taps_common.sdk or target_commerce_duckdb.sdk:\n" + (
        "\n".join(touches)
    )
