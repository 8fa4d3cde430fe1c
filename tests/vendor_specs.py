"""The vendors' API documents, committed in docs/vendor-specs (see its README), read once a run."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import yaml

SPECS = Path(__file__).resolve().parents[1] / "docs" / "vendor-specs"


@cache
def zoom_openapi() -> dict[str, Any]:
    """Zoom Commerce, OpenAPI 3.0 (2026-02-07). Callers must not change it: it is shared."""
    return json.loads((SPECS / "zoom-commerce-openapi-2026-02-07.json").read_text())


@cache
def zuora_openapi() -> dict[str, Any]:
    """Zuora Quickstart, OpenAPI 3.0.3 (2024-01-24). Callers must not change it: it is shared."""
    text = (SPECS / "zuora-quickstart-openapi-2024-01-24.yaml").read_text()
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
