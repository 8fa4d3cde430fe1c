"""The sandbox for the demo, the benchmarks and the standard tests: `commerce-sandbox serve` as a
child process (its own interpreter, so serving never competes with the measuring or the
reporting process), or a server in this process that lives until the process ends."""

from __future__ import annotations

import atexit
import tempfile
import time
from pathlib import Path
from subprocess import Popen
from typing import Any

from commerce_harness.pipeline import BIN
from commerce_sandbox import SandboxControl, SandboxServer


class SandboxError(RuntimeError):
    """The sandbox's process ended, or did not listen in time."""


class SandboxProcess:
    """`with SandboxProcess(scale=50) as sandbox:` serves a world on a free port of 127.0.0.1;
    `options` are more `serve` options (e.g. "--latency-ms", "100"); a large world takes longer
    than the default `startup_timeout` to grow."""

    def __init__(
        self,
        *options: str,
        seed: int = 1,
        scale: int = 50,
        cwd: Path | None = None,
        startup_timeout: float = 60,
    ) -> None:
        self.command = [
            str(BIN / "commerce-sandbox"),
            "serve",
            "--port",
            "0",
            "--seed",
            str(seed),
            "--scale",
            str(scale),
            *options,
        ]
        self.cwd = cwd
        self.startup_timeout = startup_timeout
        self.url = ""
        self.startup_seconds = 0.0
        self.process: Popen | None = None

    @property
    def control(self) -> SandboxControl:
        return SandboxControl(self.url)

    def start(self) -> SandboxProcess:
        """Start the server and wait until it listens (it writes its URL to a file then)."""
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="sandbox-") as scratch:
            ready = Path(scratch) / "url"
            self.process = Popen([*self.command, "--ready-file", str(ready)], cwd=self.cwd)
            while not (ready.exists() and (url := ready.read_text().strip())):
                if self.process.poll() is not None:
                    raise SandboxError(f"the sandbox exited (exit {self.process.returncode})")
                if time.monotonic() - started > self.startup_timeout:
                    self.stop()
                    raise SandboxError(f"the sandbox did not start in {self.startup_timeout} s")
                time.sleep(0.1)
        self.url, self.startup_seconds = url, time.monotonic() - started
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None

    def __enter__(self) -> SandboxProcess:
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()


def sandbox_until_exit(seed: int, scale: int) -> SandboxServer:
    """A sandbox for a test class that singer-sdk builds at import time, before any fixture runs:
    it stops when the test process ends."""
    sandbox = SandboxServer(seed=seed, scale=scale)
    sandbox.__enter__()
    atexit.register(sandbox.__exit__, None, None, None)
    return sandbox
