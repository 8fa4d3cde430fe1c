"""A batch of RECORD messages on its way to DuckDB, as a newline-delimited file that DuckDB's
`read_json` reads with the column types given explicitly, so no record becomes Python objects on
the way. A record goes into the file as the raw JSON the tap sent; when the loader has something
to add (a JSON column's exact text, the metadata of its message) msgspec re-writes it once, from
raw slices of its text."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from typing import IO

import msgspec

# Keys added to each spooled record. The record's own keys cannot clash with them: a tap's
# records never carry them.
EXTRACTED_AT = "__sdc_extracted_at"
TABLE_VERSION = "__sdc_table_version"

NULL = b"null"
_encoder = msgspec.json.Encoder()


class RecordSpool:
    """One sink's pending records as a file of JSON lines; `size` bytes written so far.

    `nested_columns`: the keys of a record that are JSON columns; `columns`, every key DuckDB
    reads. DuckDB's JSON reader re-prints a nested value's numbers through a double
    (12345678901234567890.12 becomes 12345678901234567000.0, 1.50 becomes 1.5), while a string
    cast to JSON keeps the tap's exact text: so each nested value travels in place as a string
    of its text, read as VARCHAR and cast to JSON. Keys no column reads are left out."""

    def __init__(
        self,
        directory: str,
        nested_columns: list[str],
        with_metadata: bool,
        columns: Iterable[str] = (),
    ) -> None:
        self.directory = directory
        self.with_metadata = with_metadata
        self.nested_columns = nested_columns
        names = list(
            dict.fromkeys(
                [
                    *columns,
                    *nested_columns,
                    *((EXTRACTED_AT, TABLE_VERSION) if with_metadata else ()),
                ]
            )
        )
        # Every value a raw slice of the record's text (written back as it is), a key the record
        # lacks left unset (and out of the line).
        self._record = msgspec.defstruct(
            "SpooledRecord",
            [(f"f{i}", msgspec.Raw | msgspec.UnsetType, msgspec.UNSET) for i in range(len(names))],
            rename={f"f{i}": name for i, name in enumerate(names)},
        )
        self._fields = {name: f"f{i}" for i, name in enumerate(names)}
        self._nested_fields = [self._fields[name] for name in nested_columns]
        self._decoder = msgspec.json.Decoder(self._record)
        self._rewrites = bool(nested_columns or with_metadata)
        self._handle: IO[bytes] | None = None
        self.path = ""
        self.rows = 0
        self.size = 0

    def append(
        self, record: bytes | msgspec.Raw, extracted_at: msgspec.Raw, version: int | None
    ) -> None:
        """`record` is the JSON text of one object; `extracted_at` the raw JSON of its message's
        time_extracted (empty when absent)."""
        handle = self._handle or self._open()
        if self._rewrites:
            written = handle.write(self._rewritten(record, extracted_at, version))
        else:
            written = handle.write(record) + handle.write(b"\n")
        self.rows += 1
        self.size += written

    def _open(self) -> IO[bytes]:
        descriptor, self.path = tempfile.mkstemp(
            suffix=".jsonl", prefix="batch-", dir=self.directory
        )
        self._handle = os.fdopen(descriptor, "wb", buffering=1 << 20)
        return self._handle

    def _rewritten(
        self, record: bytes | msgspec.Raw, extracted_at: msgspec.Raw, version: int | None
    ) -> bytes:
        try:
            values = self._decoder.decode(record)
        except msgspec.ValidationError as error:
            raise ValueError(f"a record that is not a JSON object ({error})") from None
        for field in self._nested_fields:
            value = getattr(values, field)
            if value is not msgspec.UNSET:
                text = bytes(value)
                # The encoder writes whatever a field holds: the text becomes a JSON string.
                setattr(values, field, None if text == NULL else text.decode())
        if self.with_metadata:
            if extracted_at:
                setattr(values, self._fields[EXTRACTED_AT], extracted_at)
            if version is not None:
                setattr(values, self._fields[TABLE_VERSION], version)
        return _encoder.encode(values) + b"\n"

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
