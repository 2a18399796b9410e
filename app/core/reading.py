"""Read a delimited file once, check it, and stream its rows into a staging table with COPY.

A file that is wholly wrong (empty, binary, wrong delimiter, wrong header) raises
``FileRefused`` before a row is written. A row that cannot be read (wrong column count, bad
encoding, NUL bytes) becomes a ``RowReject`` with its line number; the good rows still load.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from app.core.errors import ValidationError

csv.field_size_limit(sys.maxsize)

SNIFF_BYTES = 64 * 1024
DELIMITER_NAMES = {",": "comma", "\t": "tab", "|": "pipe", ";": "semicolon"}


class FileRefused(ValidationError):
    code = "import_file_refused"


@dataclass(frozen=True)
class RowReject:
    line_no: int
    column: str
    reason: str
    value: str = ""


def open_binary(path: Path) -> tuple[IO[bytes], IO[bytes]]:
    """The file's bytes (gunzipped when gzip) and the raw handle whose position is progress."""
    raw = open(path, "rb")  # noqa: SIM115 - closed by the caller through the returned handles
    if raw.read(2) == b"\x1f\x8b":
        raw.seek(0)
        return gzip.GzipFile(fileobj=raw), raw
    raw.seek(0)
    return raw, raw


def check_file(path: Path, *, encoding: str, delimiter: str, what: str) -> list[str]:
    """Refuse a file that is not a delimited text file of the expected shape; return its header."""
    if not path.exists() or path.stat().st_size == 0:
        raise FileRefused("The file is empty.", fields={"file": "empty"})
    data, raw = open_binary(path)
    try:
        try:
            head = data.read(SNIFF_BYTES)
        except (OSError, EOFError) as exc:
            raise FileRefused("The file is a damaged gzip archive.") from exc
    finally:
        raw.close()
    if not head.strip():
        raise FileRefused("The file is empty.", fields={"file": "empty"})
    # A binary file (xlsx, PDF, UTF-16) has NUL bytes in its first line or all through its
    # start; one stray NUL in a data row is that row's reject, not the file's.
    start = head[:4096]
    if b"\x00" in start.split(b"\n", 1)[0] or start.count(b"\x00") * 100 > len(start):
        raise FileRefused(
            f"This is not a text file ({what} must be a delimited text file, CSV or tab-separated)."
        )
    first_line = head.splitlines()[0].decode(encoding, errors="replace").lstrip("\ufeff")
    header = next(csv.reader([first_line], delimiter=delimiter))
    if len(header) < 2:
        for other, other_name in DELIMITER_NAMES.items():
            if other != delimiter and len(first_line.split(other)) > 2:
                raise FileRefused(
                    f"Wrong delimiter: {what} is {DELIMITER_NAMES.get(delimiter, delimiter)}-"
                    f"separated, and this file looks {other_name}-separated.",
                    fields={"file": "delimiter"},
                )
        raise FileRefused(f"This is not a delimited text file with a header row ({what}).")
    if len(head.splitlines()) < 2 and len(head) < SNIFF_BYTES:
        raise FileRefused("The file has a header row but no data rows.", fields={"file": "empty"})
    return [name.strip() for name in header]


def read_rows(
    path: Path,
    *,
    encoding: str,
    delimiter: str,
    on_progress: Callable[[int, int], None] | None = None,
) -> Iterator[tuple[int, list[str] | RowReject]]:
    """Yield (line number, cells) for each data row, or a RowReject for one that can't be read.

    Bytes that are not valid in ``encoding`` are kept as surrogates by the decoder and the row
    is rejected here, so one bad row never stops the file.
    """
    data, raw = open_binary(path)
    text = io.TextIOWrapper(data, encoding=encoding, errors="surrogateescape", newline="")
    strict = codecs.lookup(encoding).name not in ("latin-1", "iso8859-1")
    try:
        reader = csv.reader(text, delimiter=delimiter, strict=False)
        header = next(reader, None)
        width = len(header or ())
        rows = 0
        for row in reader:
            line_no = reader.line_num
            if not row:
                continue
            rows += 1
            if on_progress is not None and rows % 2000 == 0:
                on_progress(raw.tell(), rows)
            if len(row) != width:
                yield line_no, RowReject(line_no, "", f"expected {width} columns, found {len(row)}")
                continue
            joined = "\x1f".join(row)
            if "\x00" in joined:
                yield line_no, RowReject(line_no, "", "contains a NUL byte")
                continue
            if strict:
                try:
                    joined.encode(encoding)
                except UnicodeEncodeError:
                    yield line_no, _encoding_reject(line_no, header, row, encoding)
                    continue
            yield line_no, row
        if on_progress is not None:
            on_progress(raw.tell(), rows)
    except csv.Error as exc:
        raise FileRefused(f"The file could not be read as delimited text: {exc}") from exc
    finally:
        raw.close()


def _encoding_reject(
    line_no: int, header: Sequence[str], row: Sequence[str], encoding: str
) -> RowReject:
    for name, cell in zip(header, row, strict=False):
        try:
            cell.encode(encoding)
        except UnicodeEncodeError:
            return RowReject(line_no, name, f"not valid {encoding} text")
    return RowReject(line_no, "", f"not valid {encoding} text")
