"""Console entry point shared by every tap: the singer-sdk CLI, with user mistakes and vendor
refusals reported as one line on stderr and a non-zero exit instead of a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable

from singer_sdk.exceptions import FatalAPIError, RetriableAPIError

from commerce_taps_common.auth import TokenUnavailable
from commerce_taps_common.errors import ConfigError

EXIT_CONFIG = 2
EXIT_API = 1


def entry_point(tap_class: type, name: str) -> Callable[[], None]:
    def main() -> None:
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
