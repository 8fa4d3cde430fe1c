"""Headless Chromium for the page tests (Debian's `chromium`; `make browser` installs it): pages
are rendered the way a browser renders them, their DOM dumped and their pixels shot."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--force-color-profile=srgb",
    "--hide-scrollbars",
)


def chromium(
    tmp_path: Path, *arguments: str, window: str = "800,400"
) -> subprocess.CompletedProcess:
    """Chromium with its own profile under `tmp_path`, a window of `window` pixels."""
    executable = shutil.which("chromium")
    assert executable, "chromium is missing: `make browser` installs it"
    return subprocess.run(
        [
            executable,
            *CHROMIUM_FLAGS,
            f"--window-size={window}",
            f"--user-data-dir={tmp_path / 'profile'}",
            *arguments,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
