"""Files a plugin reads and writes: the files named on its command line, and writes that readers
never see half done."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path


def option_values(arguments: Sequence[str], options: Sequence[str]) -> Iterator[tuple[str, str]]:
    """(option, value) for each of `options` in `arguments`, as `--option value` or
    `--option=value`; the value is empty when the option ends the command line."""
    for index, argument in enumerate(arguments):
        option, _, value = argument.partition("=")
        if option in options:
            yield option, value or (arguments[index + 1] if index + 1 < len(arguments) else "")


def write_atomically(path: Path, text: str, mode: int | None = None) -> None:
    """A temporary file beside `path`, flushed to disk and renamed over it: readers see the old
    file or the new one, never half of one; `mode` (e.g. 0o600) is set before the rename."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
