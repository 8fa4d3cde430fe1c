"""Where the per-stream JSON Schemas live.

They are kept at the repository root in ``schemas/<tap>/<stream>.json``. A built wheel carries them
as package data (``commerce_taps_common/schemas``, see pyproject's force-include); an editable
install reads the repository copy.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from singer_sdk import SchemaDirectory

from commerce_taps_common.shape import with_extra_column


def schemas_root() -> Path:
    packaged = Path(str(importlib.resources.files(__package__))) / "schemas"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "schemas"


class StreamSchemas(SchemaDirectory):
    """The schema files, each with the `_sdc_extra` column every stream has (see shape.py)."""

    def fetch_schema(self, key: str) -> dict:
        return with_extra_column(super().fetch_schema(key))


def schema_directory(tap_name: str) -> SchemaDirectory:
    """The schemas of ``tap_name``'s streams, one ``<stream>.json`` each."""
    directory = schemas_root() / tap_name
    if not directory.is_dir():
        raise FileNotFoundError(f"no schemas for {tap_name} under {schemas_root()}")
    return StreamSchemas(directory)
