"""`commerce-webhooks serve` as a child process on a free local port, for the tests, the benchmark
and the demo: started, waited for (`/healthz`), killed or stopped, started again on its port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

from commerce_webhooks.cli import SECRET_VARIABLE

EXECUTABLE = Path(sys.executable).parent / "commerce-webhooks"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen, timeout: float) -> None:
    """Until `url`/healthz answers 200; RuntimeError if `process` exits first or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited (code {process.returncode})")
        try:
            if requests.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url}: no answer from /healthz within {timeout} s")


class ReceiverProcess:
    def __init__(self, spool: Path, secret: str, log: Path | None = None) -> None:
        self.spool, self.secret = spool, secret
        self.log = log or spool.with_name(spool.stem + ".log")
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def webhook_url(self) -> str:
        return f"{self.url}/webhooks/zoom"

    def start(self, timeout: float = 30) -> ReceiverProcess:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [EXECUTABLE, "serve", "--port", str(self.port), "--spool", str(self.spool)],
                env={**os.environ, SECRET_VARIABLE: self.secret},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_until_healthy(self.url, self.process, timeout)
        except RuntimeError as error:
            self.kill()
            raise RuntimeError(
                f"commerce-webhooks: {error}\n{self.log.read_text()[-2000:]}"
            ) from None
        return self

    def kill(self) -> None:
        """SIGKILL: no shutdown of any kind, as in a crash."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def subscribe(self, control: Any) -> None:
        """Point the sandbox's Zoom at this receiver (a commerce_sandbox.SandboxControl): from the
        next clock advance on, its world's status changes are delivered here."""
        control.configure("zoom", webhook_url=self.webhook_url, webhook_secret=self.secret)

    def __enter__(self) -> ReceiverProcess:
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()


def receive_sandbox_days(
    control: Any, spool: Path, secret: str, days: float = 1
) -> tuple[ReceiverProcess, dict]:
    """The demo's step: start the receiver (spooling to `spool`), subscribe the sandbox's Zoom to
    it, and advance the sandbox clock `days`, during which the world's status changes are
    delivered. Answers the running receiver (stop it when done) and what the advance changed;
    `control.truth("zoom", "webhook_events")` then holds every event delivered."""
    receiver = ReceiverProcess(spool, secret).start()
    try:
        receiver.subscribe(control)
        return receiver, control.advance(days=days)
    except BaseException:
        receiver.stop()
        raise
