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
