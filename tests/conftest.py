"""Fixtures every test file may use (sandboxes started on demand and stopped after their scope, a
throwaway PostgreSQL server), and each test's kind marker from its folder: tests/unit,
tests/integration, tests/e2e (pyproject.toml says what each means)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from commerce_harness import conformance
from commerce_harness.postgres import PostgresServer
from commerce_sandbox import SandboxServer
from commerce_sandbox.clock import START_DAY_ENV, default_start_day, parse_start_day

StartSandbox = Callable[..., SandboxServer]
KINDS = ("unit", "integration", "e2e")
TESTS = Path(__file__).parent
VERDICT = pytest.StashKey[conformance.Verdict]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--sandbox-start-day",
        metavar="YYYY-MM-DD",
        help="the first day of every sandbox world the tests build (default: 40 days before "
        "today): replays a failure seen on another day",
    )


def pytest_configure(config: pytest.Config) -> None:
    # Through the environment, so sandboxes started in subprocesses (demo, chaos) start there too.
    if day := config.getoption("--sandbox-start-day"):
        os.environ[START_DAY_ENV] = parse_start_day(day).isoformat()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The folder is the kind: `-m "not e2e"` and the like select by it."""
    for item in items:
        kind = item.path.relative_to(TESTS).parts[0]
        assert kind in KINDS, f"{item.path}: a test belongs in tests/unit, integration or e2e"
        item.add_marker(kind)


def pytest_report_header() -> str:
    return f"sandbox start day: {default_start_day()} (replay with --sandbox-start-day)"


def _started_sandboxes(request: pytest.FixtureRequest) -> Iterator[StartSandbox]:
    """`start(seed=, scale=)` starts a sandbox on a free port of 127.0.0.1 (`accounts=`: more
    accounts of every vendor); every sandbox started stops when the fixture's scope ends, whether
    the test passed or not. Under the `judged_by_specs` marker the sandboxes record every
    exchange, and the vendors' specs judge them after the test: a violation that is not a
    documented slip fails it."""
    judged = request.node.get_closest_marker("judged_by_specs") is not None
    servers: list[SandboxServer] = []
    with contextlib.ExitStack() as started:

        def start(*, seed: int, scale: int, accounts: tuple[str, ...] = ()) -> SandboxServer:
            server = SandboxServer(seed=seed, scale=scale, accounts=accounts, record=judged)
            servers.append(server)
            return started.enter_context(server)

        yield start
    if judged:
        verdict = conformance.judge(
            exchange for server in servers for exchange in server.sandbox.exchanges or ()
        )
        request.config.stash.setdefault(VERDICT, conformance.Verdict()).merge(verdict)
        assert not verdict.violations, verdict.summary()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config):
    """The specs' verdict on every judged exchange of the run (docs/vendor-specs/README.md)."""
    if verdict := config.stash.get(VERDICT, None):
        terminalreporter.write_sep("-", "the vendors' specs on the judged exchanges")
        terminalreporter.write_line(verdict.summary())


sandboxes = pytest.fixture(_started_sandboxes, name="sandboxes")
module_sandboxes = pytest.fixture(_started_sandboxes, scope="module", name="module_sandboxes")


@pytest.fixture(scope="module", name="postgres")
def _postgres() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL server (127.0.0.1, a free port) for a test module; removed after."""
    with PostgresServer() as server:
        yield server


@pytest.fixture(scope="session", name="dagster_dbt_target")
def _dagster_dbt_target(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dbt's files for the Dagster tests' code locations: the project parsed once a session."""
    return tmp_path_factory.mktemp("dagster-dbt") / "target"
