"""Console entry point shared by every tap: the singer-sdk CLI, with user mistakes and vendor
refusals reported as one line on stderr and a non-zero exit instead of a traceback."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from singer_sdk import Tap
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError

from commerce_taps_common.config.errors import ConfigError
from commerce_taps_common.files import option_values
from commerce_taps_common.http.auth import TokenUnavailable
from commerce_taps_common.reporting import redaction

EXIT_CONFIG = 2
EXIT_API = 1
#: The options that name a JSON file the tap reads (`--config ENV` reads the environment).
FILE_OPTIONS = ("--config", "--state", "--catalog", "--properties")


def file_problems(arguments: Sequence[str]) -> list[str]:
    """`--config /path: no such file` for each file option whose file is missing, unreadable or
    not a JSON object; checked before the SDK reads them, which would end in a traceback."""
    problems = []
    for option, value in option_values(arguments, FILE_OPTIONS):
        if not value or (option == "--config" and value == "ENV"):
            continue
        path = Path(value)
        try:
            document = json.loads(path.read_text())
        except FileNotFoundError:
            problems.append(f"{option} {path}: no such file")
        except IsADirectoryError:
            problems.append(f"{option} {path}: is a directory, not a JSON file")
        except OSError as error:
            problems.append(f"{option} {path}: cannot be read ({error.strerror})")
        except ValueError as error:  # JSONDecodeError, UnicodeDecodeError
            where = (
                f" at line {error.lineno} column {error.colno}"
                if isinstance(error, json.JSONDecodeError)
                else ""
            )
            problems.append(f"{option} {path}: not valid JSON{where}")
        else:
            if not isinstance(document, dict):
                problems.append(
                    f"{option} {path}: holds a {type(document).__name__}, not an object"
                )
    return problems


def entry_point(tap_class: type[Tap], name: str) -> Callable[[], None]:
    def main() -> None:
        if problems := file_problems(sys.argv[1:]):
            print(f"{name}: file error: {problems[0]}", file=sys.stderr)
            sys.exit(EXIT_CONFIG)
        redaction.install(name, tap_class.config_jsonschema, sys.argv[1:])
        try:
            tap_class.cli()
        except ConfigError as error:
            print(f"{name}: config error: {error}", file=sys.stderr)
            sys.exit(EXIT_CONFIG)
        except (
            FatalAPIError,
            RetriableAPIError,
            TokenUnavailable,
        ) as error:  # retriable: retries ran out
            print(f"{name}: error: {error}", file=sys.stderr)
            sys.exit(EXIT_API)

    return main
