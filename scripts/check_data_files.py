"""The pre-commit hooks check-yaml and check-json, offline: each YAML or JSON file named on the
command line parses; one line per file that does not, and exit status 1."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml


def problem(path: Path) -> str | None:
    """Why `path` does not parse (None: it does)."""
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".json":
            json.loads(text)
        else:
            list(yaml.safe_load_all(text))  # a file may hold several documents
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as error:
        return f"{path}: {error}"
    return None


def main(paths: list[str]) -> int:
    problems = [found for path in paths if (found := problem(Path(path)))]
    for found in problems:
        print(found, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
