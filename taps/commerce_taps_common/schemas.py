"""Where the per-stream JSON Schemas live.

They are kept at the repository root in ``schemas/<tap>/<stream>.json``. A built wheel carries them
as package data (``commerce_taps_common/schemas``, see pyproject's force-include); an editable
install reads the repository copy.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from singer_sdk import SchemaDirectory


def schemas_root() -> Path:
    packaged = Path(str(importlib.resources.files(__package__))) / "schemas"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "schemas"


def schema_directory(tap_name: str) -> SchemaDirectory:
    """The SchemaDirectory holding one ``<stream>.json`` per stream of ``tap_name``."""
    directory = schemas_root() / tap_name
    if not directory.is_dir():
        raise FileNotFoundError(f"no schemas for {tap_name} under {schemas_root()}")
    return SchemaDirectory(directory)
