"""Errors an operator meets, each one line that says what to do: a missing or malformed file, a
missing setting, a host that refuses the connection or does not resolve; and the nightly run,
which loads every vendor it can when one fails and names the one that failed."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from commerce_harness.pipeline import BIN, SECRET
from commerce_harness.place import meltano_project
from commerce_harness.taps import ADOBE, ZOHO, ZOOM, ZUORA, fast_zoho
from commerce_taps_common.config.errors import env_var

ROOT = Path(__file__).resolve().parents[2]
TAPS = {tap.name: tap for tap in (ZUORA, ZOHO, ZOOM, ADOBE)}


def closed_port() -> int:
    """A port of 127.0.0.1 nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def offline_config(tap: str, base: str) -> dict:
    """Credentials (the secret is SECRET) and every URL setting under `base`."""
    secret_setting = "refresh_token" if tap == "tap-zoho-partner" else "client_secret"
    config = {"client_id": "an-id", "client_secret": "a-secret", secret_setting: SECRET}
    if tap == "tap-zoom-commerce":
        config["account_id"] = "an-account"
    return config | {setting: f"{base}/{setting}" for setting in TAPS[tap].urls}


def the_one_error_line(result: subprocess.CompletedProcess, exit_code: int = 2) -> str:
    """The run's only error line; no traceback, no secret anywhere."""
    output = result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if " error: " in line]
    assert result.returncode == exit_code, result.stderr[-2000:]
    assert len(lines) == 1, result.stderr[-2000:]
    assert "Traceback" not in output and SECRET not in output
    return lines[0]


@pytest.mark.parametrize(
    ("option", "content", "problem"),
    [
        ("--config", None, "no such file"),
        ("--config", '{"client_id": "an-id",', "not valid JSON at line 1 column 23"),
        ("--state", "{", "not valid JSON at line 1 column 2"),
        ("--catalog", None, "no such file"),
        ("--catalog", "[]", "holds a list, not an object"),
    ],
)
def test_a_missing_or_malformed_file_is_one_line_naming_it(tmp_path, option, content, problem):
    path = tmp_path / "named.json"
    if content is not None:
        path.write_text(content)
    config = tmp_path / "config.json"
    config.write_text(json.dumps(offline_config(ZUORA.name, "http://127.0.0.1:9")))
    arguments = ["--config", str(config)] if option != "--config" else []
    result = subprocess.run(
        [str(BIN / ZUORA.name), *arguments, f"{option}={path}"], capture_output=True, text=True
    )
    line = the_one_error_line(result)
    assert line == f"{ZUORA.name}: file error: {option} {path}: {problem}"


@pytest.mark.parametrize(
    ("tap", "setting"),
    [
        ("tap-zuora-quickstart", "client_secret"),
        ("tap-zoho-partner", "refresh_token"),
        ("tap-zoom-commerce", "client_secret"),
        ("tap-adobe-vipmp", "client_id"),
    ],
)
def test_a_missing_setting_names_its_meltano_variable(tmp_path, tap, setting):
    config = offline_config(tap, "http://127.0.0.1:9")
    del config[setting]
    line = the_one_error_line(TAPS[tap].run_tap(tmp_path, config))
    variable = env_var(tap, setting)
    assert line.startswith(f"{tap}: config error: {setting}: is required; set {variable} or ")


@pytest.mark.parametrize("tap", list(TAPS))
def test_a_refused_connection_names_url_setting_and_the_sandbox(tmp_path, tap):
    base = f"http://127.0.0.1:{closed_port()}"
    result = TAPS[tap].run_tap(tmp_path, offline_config(tap, base), timeout=60)
    line = the_one_error_line(result)
    # The token endpoint is asked first: its setting is the one named.
    setting = next(name for name in TAPS[tap].urls if f"{base}/{name}" in line)
    assert f"config error: {setting}: cannot connect to {base}/{setting}" in line, line
    assert "(connection refused)" in line
    assert f"({env_var(tap, setting)})" in line
    assert line.endswith("is the sandbox running? `commerce-sandbox serve`")
    assert "Backing off" not in result.stderr  # the first refusal ends the run: no retries


def test_an_unknown_host_names_the_url_and_its_setting(tmp_path):
    base = "http://commerce-sandbox.invalid"  # .invalid never resolves (RFC 6761)
    line = the_one_error_line(ZUORA.run_tap(tmp_path, offline_config(ZUORA.name, base)))
    assert f"api_url: cannot connect to {base}/api_url/oauth/token (host name not found)" in line
    assert "TAP_ZUORA_QUICKSTART_API_URL" in line and "check the host name" in line


def test_an_api_host_down_after_the_token_names_its_setting(sandboxes, tmp_path):
    sandbox = fast_zoho(sandboxes(seed=2, scale=2))
    base = f"http://127.0.0.1:{closed_port()}"
    result = ZOHO.run_tap(tmp_path, ZOHO.config(sandbox, api_url=base), timeout=60)
    line = the_one_error_line(result)
    assert f"config error: api_url: cannot connect to {base}/" in line, line
    assert "TAP_ZOHO_PARTNER_API_URL" in line and "commerce-sandbox serve" in line


@pytest.mark.parametrize(
    ("tap", "choices"),
    [
        ("tap-zuora-quickstart", "'apac-production', 'apac-test', 'eu-production'"),
        ("tap-zoho-partner", "['au', 'ca', 'cn', 'eu', 'in', 'jp', 'us']"),
    ],
)
def test_a_typo_in_a_choice_under_meltano_is_the_taps_one_line_with_the_valid_values(
    tmp_path, tap, choices
):
    project, env = meltano_project(tmp_path)
    for setting, value in offline_config(tap, "http://127.0.0.1:9").items():
        if setting not in TAPS[tap].urls:
            env[env_var(tap, setting)] = value
    env[env_var(tap, "data_center")] = "europe"
    result = subprocess.run(
        [str(BIN / "meltano"), "invoke", tap], cwd=project, env=env, capture_output=True, text=True
    )
    line = the_one_error_line(result)
    assert f"{tap}: config error: data_center: invalid value 'europe'" in line, line
    assert choices in line, line


def test_nightly_loads_every_vendor_it_can_and_names_the_one_that_failed(sandboxes, tmp_path):
    sandbox = fast_zoho(sandboxes(seed=4, scale=2))
    project, env = meltano_project(tmp_path)
    warehouse, runs = tmp_path / "warehouse.duckdb", tmp_path / "runs"
    env |= {
        "TARGET_COMMERCE_DUCKDB_DATABASE": str(warehouse),
        "TAP_ZOHO_PARTNER_REQUESTS_PER_MINUTE": "50000",
    }
    for tap in (ZUORA, ZOHO, ZOOM, ADOBE):
        env[env_var(tap.name, "run_summary_dir")] = str(runs)
        env |= tap.env(sandbox)
    # Zoom is down tonight.
    env["TAP_ZOOM_COMMERCE_OAUTH_URL"] = f"http://127.0.0.1:{closed_port()}/zoom/oauth/token"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "nightly.py"),
            "--project",
            str(project),
            "--environment",
            "sandbox",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 1, result.stdout + result.stderr[-3000:]
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("nightly: failed: ") and last.endswith(
        " (the others loaded; see the log above)"
    )
    failed = last.removeprefix("nightly: failed: ").split(" (")[0].split(", ")
    # The job's later tasks (dbt's build) run too, and fail without Zoom's tables.
    assert [task for task in failed if task.startswith("tap-")] == ["tap-zoom-commerce"], last
    assert "Traceback" not in result.stderr
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = dict(
            connection.execute(
                "SELECT schema_name, sum(estimated_size) FROM duckdb_tables() GROUP BY 1"
            ).fetchall()
        )
    assert all(rows.get(schema) for schema in ("zuora", "zoho", "adobe")), rows
    assert not rows.get("zoom"), rows
    statuses = {
        summary["tap"]: summary["status"]
        for summary in (json.loads(path.read_text()) for path in runs.glob("*.json"))
    }
    assert statuses == {
        "tap-zuora-quickstart": "succeeded",
        "tap-zoho-partner": "succeeded",
        "tap-zoom-commerce": "failed",
        "tap-adobe-vipmp": "succeeded",
    }
