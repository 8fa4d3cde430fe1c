"""Run a tap into the loader the way Meltano does (tap stdout piped into target stdin), over HTTP
against the sandbox, into a real DuckDB file."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent


@dataclass
class PipelineRun:
    tap_exit: int
    target_exit: int
    state: dict[str, Any] | None  # the last STATE the loader emitted (what Meltano would save)
    tap_log: str
    target_log: str

    def check(self) -> PipelineRun:
        assert self.tap_exit == 0 and self.target_exit == 0, (
            f"tap exit {self.tap_exit}, target exit {self.target_exit}\n"
            f"--- tap log (tail)\n{self.tap_log[-4000:]}\n--- target log (tail)\n{self.target_log[-4000:]}"
        )
        return self


def _write_json(path: Path, value: Any) -> str:
    path.write_text(json.dumps(value))
    return str(path)


def run_pipeline(
    workdir: Path,
    tap: str,
    tap_config: dict[str, Any],
    target_config: dict[str, Any],
    state: dict[str, Any] | None = None,
    timeout: float = 300,
) -> PipelineRun:
    workdir.mkdir(parents=True, exist_ok=True)
    tap_command = [str(BIN / tap), "--config", _write_json(workdir / "tap.json", tap_config)]
    if state:
        tap_command += ["--state", _write_json(workdir / "state.json", state)]
    target_command = [
        str(BIN / "target-commerce-duckdb"),
        "--config",
        _write_json(workdir / "target.json", target_config),
    ]
    tap_log, target_log = workdir / "tap.log", workdir / "target.log"
    with tap_log.open("w") as tap_err, target_log.open("w") as target_err:
        tap_process = subprocess.Popen(tap_command, stdout=subprocess.PIPE, stderr=tap_err)
        target_process = subprocess.Popen(
            target_command, stdin=tap_process.stdout, stdout=subprocess.PIPE, stderr=target_err
        )
        tap_process.stdout.close()  # the target owns the pipe now; a dead target stops the tap
        output, _ = target_process.communicate(timeout=timeout)
        tap_process.wait(timeout=timeout)
    # A Singer target writes each state it has committed as one JSON line.
    states = [json.loads(line) for line in output.decode().splitlines() if line.strip()]
    return PipelineRun(
        tap_exit=tap_process.returncode,
        target_exit=target_process.returncode,
        state=states[-1] if states else None,
        tap_log=tap_log.read_text(),
        target_log=target_log.read_text(),
    )


def target_config(tmp_path: Path, schema: str) -> dict[str, Any]:
    return {
        "database": str(tmp_path / "warehouse.duckdb"),
        "default_target_schema": schema,
        "hard_delete": True,
    }


def assert_tables_equal_truth(
    sandbox: Any, database: Path, vendor: str, keys: dict[str, Any]
) -> None:
    """Every table of `keys` (stream -> primary key) in schema `vendor` equals the sandbox's truth."""
    import duckdb

    from commerce_sandbox.reconcile import compare_table

    with duckdb.connect(str(database), read_only=True) as connection:
        diffs = [
            compare_table(
                connection,
                vendor,
                stream,
                sandbox.control.truth(vendor, stream),
                vendor=vendor,
                key=key,
            )
            for stream, key in keys.items()
        ]
    assert all(diff.equal for diff in diffs), "\n".join(diff.summary() for diff in diffs)


def run_tap(
    tmp_path: Path, tap: str, config: dict[str, Any], *args: str, timeout: float = 300
) -> subprocess.CompletedProcess:
    """The tap's command line with `config`, output captured."""
    return subprocess.run(
        [str(BIN / tap), "--config", _write_json(tmp_path / "config.json", config), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def assert_one_line_config_error(
    result: subprocess.CompletedProcess, setting: str, secret: str
) -> None:
    """A user's mistake: one line naming the setting, exit code 2, no traceback, no secret."""
    errors = [line for line in result.stderr.splitlines() if "config error" in line]
    assert result.returncode == 2, result.stderr[-2000:]
    assert len(errors) == 1 and f"config error: {setting}:" in errors[0], result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert secret not in result.stderr + result.stdout
