"""Each plugin installs on its own (docs/installing.md): one distribution per plugin under
`packages/<name>/`, built in place from the source directories. The fast checks read the
definitions and build every wheel; the slow one installs tap-zoho-partner into a clean venv from
a clone of the repository, the way a user's Meltano project does, and syncs it against the
sandbox."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Callable
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from commerce_harness.taps import ZOHO, fast_zoho

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ROOT / "packages"
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
TAPS = {
    "tap-zuora-quickstart": "tap_zuora_quickstart",
    "tap-zoho-partner": "tap_zoho_partner",
    "tap-zoom-commerce": "tap_zoom_commerce",
    "tap-adobe-vipmp": "tap_adobe_vipmp",
}
SPOOL = {"__init__.py", "spool.py"}  # commerce_webhooks' modules that tap-zoom-commerce reads


def _spool(name: str) -> bool:
    return name in SPOOL


def _receiver(name: str) -> bool:
    return name not in SPOOL


def _every(name: str) -> bool:
    return True


# What each wheel holds: a directory inside the wheel -> the source directory it comes from and
# which of its files (by path relative to it) it takes.
CONTENTS: dict[str, dict[str, tuple[str, Callable[[str], bool]]]] = {
    "commerce-taps-common": {"commerce_taps_common": ("taps/commerce_taps_common", _every)},
    **{
        tap: {
            package: (f"taps/{package}", _every),
            f"{package}/schemas": (f"schemas/{tap}", _every),
        }
        for tap, package in TAPS.items()
    },
    "target-commerce-duckdb": {"target_commerce_duckdb": ("loader/target_commerce_duckdb", _every)},
    "target-commerce-postgres": {
        "target_commerce_postgres": ("loader/target_commerce_postgres", _every)
    },
    "commerce-sandbox": {"commerce_sandbox": ("sandbox/commerce_sandbox", _every)},
    "commerce-webhooks-spool": {"commerce_webhooks": ("webhooks/commerce_webhooks", _spool)},
    "commerce-webhooks": {"commerce_webhooks": ("webhooks/commerce_webhooks", _receiver)},
    "commerce-orchestration": {
        "commerce_orchestration": ("orchestration/commerce_orchestration", _every)
    },
}
# What a tap must never bring into a user's venv.
HEAVY = {"duckdb", "pyarrow", "dbt-core", "starlette", "uvicorn", "commerce-sandbox", "meltano"}
# Declared though no module imports them: uvicorn picks httptools and uvloop when installed;
# dagster.yaml names dagster-postgres' storage, dagster-webserver serves the code location's UI.
USED_WITHOUT_IMPORT = {"httptools", "uvloop", "dagster-postgres", "dagster-webserver"}


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=~!;@]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _project(distribution: str) -> dict:
    return tomllib.loads((PACKAGES / distribution / "pyproject.toml").read_text())["project"]


def _source_files(directory: str) -> set[str]:
    """The files git would commit under `directory` (tracked, or new and not ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "--", directory],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return {path for path in listed if (ROOT / path).is_file()}


def _expected_files(distribution: str) -> dict[str, Path]:
    """Path inside the wheel -> the source file it must be, for `distribution`."""
    expected = {}
    for target, (source, takes) in CONTENTS[distribution].items():
        for path in _source_files(source):
            relative = Path(path).relative_to(source).as_posix()
            if takes(relative):
                expected[f"{target}/{relative}"] = ROOT / path
    return expected


def test_every_distribution_is_listed_and_versioned_as_the_root():
    assert {path.name for path in PACKAGES.iterdir() if path.is_dir()} == set(CONTENTS)
    siblings = set(CONTENTS)
    for distribution in CONTENTS:
        project = _project(distribution)
        assert project["name"] == distribution and project["version"] == VERSION
        for requirement in project["dependencies"]:
            if _name(requirement) in siblings:  # each other by name and this exact version
                assert requirement == f"{_name(requirement)}=={VERSION}", (
                    distribution,
                    requirement,
                )
    for tap, package in TAPS.items():
        assert _project(tap)["scripts"] == {tap: f"{package}.tap:main"}
        assert f"commerce-taps-common=={VERSION}" in _project(tap)["dependencies"]


def _imports(path: Path) -> set[str]:
    """The modules `path` imports when it runs: not those under `if TYPE_CHECKING:`, which only
    the type checker reads (their distributions are development dependencies)."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in (
            "TYPE_CHECKING",
            "typing.TYPE_CHECKING",
        ):
            node.body = []
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def test_each_distribution_declares_exactly_the_distributions_its_modules_import():
    owner = {}  # module file inside a wheel -> the distribution that ships it
    for distribution in CONTENTS:
        owner.update(dict.fromkeys(_expected_files(distribution), distribution))
    first_party = {path.split("/")[0] for path in owner}
    third_party = packages_distributions()
    for distribution in CONTENTS:
        imported = set()
        for path in _expected_files(distribution).values():
            if path.suffix != ".py":
                continue
            for module in _imports(path):
                top = module.split(".")[0]
                if top in sys.stdlib_module_names or top == "__future__":
                    continue
                if top in first_party:
                    as_file = module.replace(".", "/")
                    imported.add(owner.get(f"{as_file}.py") or owner[f"{as_file}/__init__.py"])
                else:
                    imported.update(name.lower() for name in third_party[top])
        imported.discard(distribution)
        project = _project(distribution)
        declared = {_name(r) for r in project["dependencies"]}
        for extra in project.get("optional-dependencies", {}).values():
            declared |= {_name(r) for r in extra}
        assert imported - declared == set(), f"{distribution} imports undeclared distributions"
        assert declared - imported - USED_WITHOUT_IMPORT == set(), f"{distribution}: unused"
    for tap in TAPS:
        assert not {_name(r) for r in _project(tap)["dependencies"]} & HEAVY


@pytest.fixture(scope="module", name="wheels")
def _wheels(tmp_path_factory) -> Path:
    """Every distribution's wheel, built with pip as a user's pip builds it (hatchling in a venv
    of its own, installed once, rather than an isolated build environment per wheel)."""
    work = tmp_path_factory.mktemp("wheels")
    python = _venv(work / "build")
    _run([python, "-m", "pip", "install", "--quiet", "hatchling>=1.25"])
    _run(
        [python, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
        + ["--wheel-dir", str(work / "dist")]
        + [str(PACKAGES / distribution) for distribution in CONTENTS]
    )
    return work / "dist"


@pytest.mark.parametrize("distribution", list(CONTENTS))
def test_the_wheel_holds_exactly_the_package_and_its_schemas(wheels, distribution):
    normalized = distribution.replace("-", "_")
    (wheel,) = wheels.glob(f"{normalized}-{VERSION}-py3-none-any.whl")
    with zipfile.ZipFile(wheel) as archive:
        files = {
            name: archive.read(name)
            for name in archive.namelist()
            if not name.startswith(f"{normalized}-{VERSION}.dist-info/")
        }
    expected = _expected_files(distribution)
    assert set(files) == set(expected)
    assert all(files[name] == source.read_bytes() for name, source in expected.items())


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{command}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def _venv(path: Path) -> str:
    _run([sys.executable, "-m", "venv", str(path)])
    return str(path / "bin" / "python")


def _clean_environment() -> dict[str, str]:
    """This process's environment without what points into the development venv."""
    return {
        name: value
        for name, value in os.environ.items()
        if name not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}
    }


@pytest.mark.slow
def test_one_tap_installs_from_the_repository_alone_and_syncs(sandboxes, tmp_path):
    """The pip_url of docs/installing.md, with this repository as the git remote: the clone pip
    makes sees committed files only."""
    python = _venv(tmp_path / "venv")
    specs = [
        f"git+file://{ROOT}#subdirectory=packages/{name}"
        for name in ("commerce-taps-common", "tap-zoho-partner")
    ]
    environment = _clean_environment()
    _run([python, "-m", "pip", "install", "--quiet", *specs], env=environment, timeout=540)

    listed = _run([python, "-m", "pip", "list", "--format=json"], env=environment).stdout
    installed = {_name(entry["name"]) for entry in json.loads(listed)}
    assert {"commerce-taps-common", "tap-zoho-partner", "singer-sdk"} <= installed
    assert not installed & (HEAVY | set(CONTENTS) - {"commerce-taps-common", "tap-zoho-partner"})

    tap = str(tmp_path / "venv" / "bin" / "tap-zoho-partner")
    about = json.loads(_run([tap, "--about", "--format=json"], env=environment).stdout)
    assert about["name"] == "tap-zoho-partner"
    assert "api_url" in about["settings"]["properties"]

    sandbox = fast_zoho(sandboxes(seed=11, scale=20))
    config = tmp_path / "config.json"
    config.write_text(json.dumps(ZOHO.config(sandbox)))
    run = _run([tap, "--config", str(config)], env=environment, cwd=tmp_path, timeout=300)
    records: dict[str, list[dict]] = {}
    for line in run.stdout.splitlines():
        message = json.loads(line)
        if message["type"] == "RECORD":
            records.setdefault(message["stream"], []).append(message["record"])
    for stream, key in ZOHO.keys.items():
        fields = (key,) if isinstance(key, str) else key

        def keys(rows: list[dict], fields=fields) -> set[tuple[str, ...]]:
            return {tuple(str(row[field]) for field in fields) for row in rows}

        truth = keys(sandbox.control.truth("zoho", stream))
        assert truth and keys(records.get(stream, [])) == truth, stream
