"""Every relative link in the repository's Markdown points at a file that exists, and at a heading
that exists when it names one; every repository path a page cites in backticks exists too. Pages
move and files get renamed: a citation of a file that is not in the repository fails here."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Directories that are not the repository's own text: environments, outputs, dbt's build.
SKIP_DIRS = {".venv", ".git", ".meltano", ".bench", "output", "warehouse", "node_modules"}
SKIP_PATHS = {ROOT / "transform" / name for name in ("target", "dbt_packages", "logs")}
# Top-level directories whose paths, cited in backticks, must exist.
CITED_ROOTS = (
    "taps",
    "loader",
    "sandbox",
    "webhooks",
    "tests",
    "scripts",
    "benchmarks",
    "docs",
    "schemas",
    "packages",
)
# Generated at run time, so cited but never committed.
GENERATED = ("transform/target/",)

LINK = re.compile(r"(?<!\\)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
CODE_SPAN = re.compile(r"`([^`\n]+)`")
FENCE = re.compile(r"^\s*(```|~~~)")


def _pages() -> list[Path]:
    pages = []
    for directory, subdirectories, files in os.walk(ROOT):
        here = Path(directory)
        subdirectories[:] = [
            d
            for d in subdirectories
            if d not in SKIP_DIRS and not d.startswith(".") and here / d not in SKIP_PATHS
        ]
        pages.extend(here / f for f in files if f.endswith(".md"))
    return sorted(pages)


def _prose(page: Path) -> list[tuple[int, str]]:
    """The page's lines outside fenced code blocks, numbered."""
    lines, fenced = [], False
    for number, line in enumerate(page.read_text().splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            lines.append((number, line))
    return lines


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"`|\*\*|\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    anchors, seen = set(), {}
    for _, line in _prose(page):
        if match := re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line):
            slug = _slug(match.group(1))
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


PAGES = _pages()


def _id(page: Path) -> str:
    return str(page.relative_to(ROOT))


@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_every_relative_link_resolves(page):
    broken = []
    for number, line in _prose(page):
        for target in LINK.findall(CODE_SPAN.sub("", line)):
            if re.match(r"[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
                continue
            path, _, anchor = target.partition("#")
            file = (page.parent / path).resolve() if path else page
            if not file.exists():
                broken.append(f"{_id(page)}:{number}: {target}: no such file")
            elif anchor and file.suffix == ".md" and anchor not in _anchors(file):
                broken.append(f"{_id(page)}:{number}: {target}: no heading #{anchor}")
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_every_cited_repository_path_exists(page):
    missing = []
    for number, line in _prose(page):
        for span in CODE_SPAN.findall(line):
            candidate = span.split("::")[0].rstrip("/").rstrip(".,:;")
            if not candidate.startswith(tuple(f"{top}/" for top in CITED_ROOTS)):
                continue
            if re.search(r"[<>*{}\s$]|\.\.\.", candidate) or candidate.startswith(GENERATED):
                continue  # a pattern (`schemas/<tap>/<stream>.json`), not a path
            if not (ROOT / candidate).exists():
                missing.append(f"{_id(page)}:{number}: `{span}`")
    assert not missing, "cited paths that are not in the repository:\n" + "\n".join(missing)
