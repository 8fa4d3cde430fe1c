"""A batch of RECORD messages on its way to DuckDB, kept as the raw JSON the tap sent: each record
is written once to a newline-delimited file that DuckDB's `read_json` reads with the column types
given explicitly, so no record becomes Python objects on the way."""

from __future__ import annotations

import os
import tempfile
from typing import IO, Any

import msgspec
from msgspec.structs import astuple

# Keys spliced into each spooled record. The record's own keys cannot clash with them: a tap's
# records never carry them, and DuckDB refuses an object with a duplicate key rather than guess.
EXTRACTED_AT = "__sdc_extracted_at"
TABLE_VERSION = "__sdc_table_version"
NESTED_PREFIX = "__sdc_json_"

NULL = b"null"
_encoder = msgspec.json.Encoder()


def nested_key(position: int) -> str:
    """Where a JSON column's value travels, as a string: DuckDB's JSON reader re-prints nested
    numbers through a double (12345678901234567890.12 becomes 12345678901234567000.0, 1.50 becomes
    1.5), while a string cast to JSON keeps the tap's exact text."""
    return f"{NESTED_PREFIX}{position}"


class RecordSpool:
    """One sink's pending records as a file of JSON lines; `size` bytes written so far."""

    def __init__(self, directory: str, nested_columns: list[str], with_metadata: bool) -> None:
        self.directory = directory
        self.with_metadata = with_metadata
        self.nested_columns = nested_columns
        # Decodes only the JSON-typed properties of a record, as raw slices of its text.
        self._nested = (
            msgspec.json.Decoder(
                msgspec.defstruct(
                    "NestedValues",
                    [(f"f{i}", msgspec.Raw, msgspec.Raw()) for i in range(len(nested_columns))],
                    rename={f"f{i}": name for i, name in enumerate(nested_columns)},
                )
            )
            if nested_columns
            else None
        )
        self._nested_keys = [nested_key(position) for position in range(len(nested_columns))]
        self._handle: IO[bytes] | None = None
        self.path = ""
        self.rows = 0
        self.size = 0

    def append(
        self, record: bytes | msgspec.Raw, extracted_at: bytes | msgspec.Raw, version: int | None
    ) -> None:
        """`record` is the JSON text of one object; `extracted_at` the raw JSON of its message's
        time_extracted (empty when absent)."""
        handle = self._handle or self._open()
        extras: dict[str, Any] = {}
        if self.with_metadata:
            extras[EXTRACTED_AT] = extracted_at or None  # Raw is encoded as the text it is
            if version is not None:
                extras[TABLE_VERSION] = version
        if self._nested is not None:
            for key, value in zip(
                self._nested_keys, astuple(self._nested.decode(record)), strict=True
            ):
                text = bytes(value)
                if text and text != NULL:
                    extras[key] = text.decode()
        if not extras:
            written = handle.write(record) + handle.write(b"\n")
        else:
            tail = memoryview(_encoder.encode(extras))[1:]  # '"key":value,...}'
            body = memoryview(record)[:-1]  # the object without its closing brace
            if len(record) < 8:  # perhaps an empty object, {} or { }
                body = memoryview(bytes(body).rstrip())
            separator = b"" if body[-1:] == b"{" else b","
            written = handle.write(b"".join((body, separator, tail, b"\n")))
        self.rows += 1
        self.size += written

    def _open(self) -> IO[bytes]:
        descriptor, self.path = tempfile.mkstemp(
            suffix=".jsonl", prefix="batch-", dir=self.directory
        )
        self._handle = os.fdopen(descriptor, "wb", buffering=1 << 20)
        return self._handle

    def close(self) -> str:
        """Finish the file and hand its path over; the spool starts afresh."""
        path, handle = self.path, self._handle
        if handle is not None:
            handle.close()
        self._handle, self.path, self.rows, self.size = None, "", 0, 0
        return path

    def discard(self) -> None:
        path = self.close()
        if path:
            os.unlink(path)
