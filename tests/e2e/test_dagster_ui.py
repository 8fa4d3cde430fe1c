"""The Dagster UI's asset graph: dagster-webserver serving the code location (two accounts of every
vendor in a copy of meltano.yml), its global lineage page drawn by headless Chromium. Every
account's load and every mart is on the page (read from the DOM); the picture goes to docs/ for
docs/orchestration.md."""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import yaml

from commerce_harness import ROOT
from commerce_harness.browser import chromium, keep_picture
from commerce_harness.orchestration import dbt_env
from commerce_harness.pipeline import BIN
from commerce_harness.place import add_accounts, meltano_project
from commerce_harness.postgres import free_port
from commerce_harness.taps import TAPS
from commerce_harness.warehouse import TRANSFORM
from commerce_sandbox.accounts import DEFAULT_ACCOUNT

ACCOUNTS = (DEFAULT_ACCOUNT, "emea")  # meltano.yml has Adobe's emea; the others get one
MARTS = sorted(path.stem for path in (TRANSFORM / "models" / "marts").glob("*.sql"))
PICTURE = ROOT / "docs" / "dagster-asset-graph.png"
# No "join the community" dialog over the page.
INSTANCE = {"nux": {"enabled": False}, "telemetry": {"enabled": False}}


@pytest.fixture(name="webserver")
def _webserver(tmp_path: Path, dagster_dbt_target: Path) -> Iterator[str]:
    project, env = meltano_project(tmp_path)
    add_accounts(project, [(tap, account) for tap in TAPS for account in ACCOUNTS[1:]])
    home = tmp_path / "dagster"
    home.mkdir()
    (home / "dagster.yaml").write_text(yaml.safe_dump(INSTANCE))
    env |= {
        "DAGSTER_HOME": str(home),
        "COMMERCE_MELTANO_PROJECT": str(project),
        **dbt_env(dagster_dbt_target),
    }
    url = f"http://127.0.0.1:{free_port()}"
    command = [str(BIN / "dagster-webserver"), "-m", "commerce_orchestration.definitions"]
    with (tmp_path / "webserver.log").open("w") as log:
        process = subprocess.Popen(
            [*command, "-h", "127.0.0.1", "-p", url.rsplit(":", 1)[1]],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        started = time.monotonic()
        while not _answers(url):  # the code location loads first (dbt parses the project)
            assert process.poll() is None, (tmp_path / "webserver.log").read_text()[-3000:]
            assert time.monotonic() - started < 300, "dagster-webserver did not answer in 300 s"
            time.sleep(1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=60)


def _answers(url: str) -> bool:
    try:
        return requests.get(f"{url}/server_info", timeout=5).ok
    except requests.ConnectionError:
        return False


def test_the_asset_graph_shows_every_account_and_every_mart(webserver, tmp_path):
    picture = tmp_path / "graph.png"
    # Tall enough that the graph and the asset list draw every asset (both draw what is seen).
    page = chromium(
        tmp_path,
        "--virtual-time-budget=30000",
        f"--screenshot={picture}",
        "--dump-dom",
        f"{webserver}/asset-groups",
        window="1600,3000",
        timeout=240,
    )
    assert page.returncode == 0, page.stderr[-2000:]
    shown = set(re.findall(r">(\w+)<", page.stdout))
    loads = {f"{tap.vendor}__{account}" for tap in TAPS for account in ACCOUNTS}
    assert loads <= shown and set(MARTS) <= shown, sorted((loads | set(MARTS)) - shown)
    keep_picture(picture, PICTURE)
