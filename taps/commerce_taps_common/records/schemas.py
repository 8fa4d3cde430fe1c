"""Where the per-stream JSON Schemas live.

They are kept at the repository root in ``schemas/<tap>/<stream>.json``. A tap's own wheel
(``packages/<tap>``) carries its schemas as package data of the tap (``<tap_package>/schemas``); the
all-in-one wheel of the root pyproject carries them all in ``commerce_taps_common/schemas``; an
editable install reads the repository copy.
"""

from __future__ import annotations

import importlib.resources
import importlib.util
from pathlib import Path
from typing import Any

from singer_sdk import SchemaDirectory

from commerce_taps_common.records.shape import with_extra_column
from commerce_taps_common.records.tenant import with_tenant_column


def schemas_root() -> Path:
    packaged = Path(str(importlib.resources.files("commerce_taps_common"))) / "schemas"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "schemas"


class StreamSchemas(SchemaDirectory):
    """The schema files, each with the columns every stream has: `tenant` (tenant.py) and
    `_sdc_extra` (shape.py)."""

    def fetch_schema(self, key: str) -> dict[str, Any]:
        return with_tenant_column(with_extra_column(super().fetch_schema(key)))


def _in_tap_package(tap_name: str) -> Path | None:
    """``<tap_package>/schemas`` of an installed tap's own distribution, if there is one."""
    spec = importlib.util.find_spec(tap_name.replace("-", "_"))
    for location in (spec and spec.submodule_search_locations) or ():
        if (directory := Path(location) / "schemas").is_dir():
            return directory
    return None


def schema_directory(tap_name: str) -> SchemaDirectory:
    """The schemas of ``tap_name``'s streams, one ``<stream>.json`` each."""
    directory = _in_tap_package(tap_name) or schemas_root() / tap_name
    if not directory.is_dir():
        raise FileNotFoundError(f"no schemas for {tap_name} under {schemas_root()}")
    return StreamSchemas(directory)
