"""A tap's catalog with some streams selected, for running a tap by hand (tests, benchmarks)."""

from __future__ import annotations

import json
import subprocess
from typing import Any, cast


def catalog_selecting(tap_executable: str, streams: set[str]) -> dict[str, Any]:
    """The tap's discovered catalog with exactly `streams` selected."""
    catalog = json.loads(
        subprocess.run(
            [tap_executable, "--discover"], capture_output=True, text=True, check=True
        ).stdout
    )
    for entry in catalog["streams"]:
        for metadata in entry["metadata"]:
            if metadata["breadcrumb"] == []:
                metadata["metadata"]["selected"] = entry["stream"] in streams
    return cast(dict[str, Any], catalog)
