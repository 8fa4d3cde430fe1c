"""A tap alone, or piped into the loader the way Meltano does (tap stdout into target stdin), as
child processes of this venv's console scripts, each with its config in a file."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

BIN = Path(sys.executable).parent
LOADER = "target-commerce-duckdb"


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
            f"--- tap log (tail)\n{self.tap_log[-4000:]}\n"
            f"--- target log (tail)\n{self.target_log[-4000:]}"
        )
        return self


class TapOutput(NamedTuple):
    """A tap's run on its own: the process, its records per stream, its last state."""

    result: subprocess.CompletedProcess
    records: dict[str, list[dict[str, Any]]]
    state: dict[str, Any] | None


def write_json(path: Path, value: Any) -> str:
    path.write_text(json.dumps(value))
    return str(path)


def command(executable: str, config_file: Path, config: dict[str, Any]) -> list[str]:
    """`executable --config <config_file>`, the file holding `config`."""
    return [str(BIN / executable), "--config", write_json(config_file, config)]


def run_pipeline(
    workdir: Path,
    tap: str,
    tap_config: dict[str, Any],
    target_config: dict[str, Any],
    state: dict[str, Any] | None = None,
    timeout: float = 300,
) -> PipelineRun:
    workdir.mkdir(parents=True, exist_ok=True)
    tap_command = command(tap, workdir / "tap.json", tap_config)
    if state:
        tap_command += ["--state", write_json(workdir / "state.json", state)]
    target_command = command(LOADER, workdir / "target.json", target_config)
    tap_log, target_log = workdir / "tap.log", workdir / "target.log"
    with tap_log.open("w") as tap_err, target_log.open("w") as target_err:
        tap_process = subprocess.Popen(tap_command, stdout=subprocess.PIPE, stderr=tap_err)
        target_process = subprocess.Popen(
            target_command, stdin=tap_process.stdout, stdout=subprocess.PIPE, stderr=target_err
        )
        assert tap_process.stdout is not None  # stdout=PIPE
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


def start_pipeline(
    workdir: Path, tap: str, tap_config: dict[str, Any], target_config: dict[str, Any]
) -> tuple[subprocess.Popen, subprocess.Popen]:
    """The tap piped into the loader, both left running (for tests that kill one mid-run);
    their logs discarded, the loader's STATE lines on its stdout pipe."""
    workdir.mkdir(parents=True, exist_ok=True)
    tap_process = subprocess.Popen(
        command(tap, workdir / "tap.json", tap_config),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    target_process = subprocess.Popen(
        command(LOADER, workdir / "target.json", target_config),
        stdin=tap_process.stdout,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert tap_process.stdout is not None  # stdout=PIPE
    tap_process.stdout.close()  # the target owns the pipe now
    return tap_process, target_process


def target_config(tmp_path: Path, schema: str) -> dict[str, Any]:
    return {
        "database": str(tmp_path / "warehouse.duckdb"),
        "default_target_schema": schema,
        "hard_delete": True,
    }


def run_tap(
    tmp_path: Path,
    tap: str,
    config: dict[str, Any],
    *args: str,
    state: dict[str, Any] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess:
    """The tap's command line with `config` (and `state`), output captured."""
    if state is not None:
        args = (*args, "--state", write_json(tmp_path / "state.json", state))
    return subprocess.run(
        [*command(tap, tmp_path / "config.json", config), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def read_singer(result: subprocess.CompletedProcess) -> TapOutput:
    """A tap's Singer output parsed: its records per stream, its last state."""
    messages = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    records: dict[str, list[dict[str, Any]]] = {}
    for message in messages:
        if message["type"] == "RECORD":
            records.setdefault(message["stream"], []).append(message["record"])
    states = [message["value"] for message in messages if message["type"] == "STATE"]
    return TapOutput(result, records, states[-1] if states else None)


# What the config tests put in a secret setting: it must never appear in any output.
SECRET = "s3cr3t-value-never-printed"


def assert_one_line_config_error(
    result: subprocess.CompletedProcess, setting: str, secret: str = SECRET
) -> None:
    """A user's mistake: one line naming the setting, exit code 2, no traceback, no secret."""
    errors = [line for line in result.stderr.splitlines() if "config error" in line]
    assert result.returncode == 2, result.stderr[-2000:]
    assert len(errors) == 1 and f"config error: {setting}:" in errors[0], result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert secret not in result.stderr + result.stdout
