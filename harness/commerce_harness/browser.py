"""Headless Chromium (Debian's `chromium`, `make browser`) for the page tests: a page's DOM after
its scripts ran, or a screenshot of it."""

from __future__ import annotations

import os
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
    tmp_path: Path, *arguments: str, window: str = "800,400", timeout: float = 120
) -> subprocess.CompletedProcess:
    """Chromium on `arguments` (e.g. `--dump-dom <url>`), its profile in `tmp_path`."""
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
        timeout=timeout,
    )


def keep_picture(shot: Path, picture: Path) -> None:
    """The README's pictures (docs/*.png) are the page tests' screenshots; `make pictures` renews
    them (UPDATE_PICTURES=1). Other runs leave them be: a picture of today's world would change
    the working tree at every `make test`."""
    assert shot.stat().st_size > 0, f"{shot}: an empty screenshot"
    if os.environ.get("UPDATE_PICTURES") == "1":
        shutil.copy(shot, picture)
