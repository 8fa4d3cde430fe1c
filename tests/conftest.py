"""Fixtures every test file may use: sandboxes started on demand and stopped after their scope."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import pytest

from commerce_sandbox import SandboxServer
from commerce_sandbox.postgres import PostgresServer

StartSandbox = Callable[..., SandboxServer]


def _started_sandboxes() -> Iterator[StartSandbox]:
    """`start(seed=, scale=)` starts a sandbox on a free port of 127.0.0.1; every sandbox started
    stops when the fixture's scope ends, whether the test passed or not."""
    with contextlib.ExitStack() as started:

        def start(*, seed: int, scale: int) -> SandboxServer:
            return started.enter_context(SandboxServer(seed=seed, scale=scale))

        yield start


sandboxes = pytest.fixture(_started_sandboxes, name="sandboxes")
module_sandboxes = pytest.fixture(_started_sandboxes, scope="module", name="module_sandboxes")


@pytest.fixture(scope="module", name="postgres")
def _postgres() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL server (127.0.0.1, a free port) for a test module; removed after."""
    with PostgresServer() as server:
        yield server
