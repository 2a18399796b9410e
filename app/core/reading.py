"""Read a delimited file once, check it, and stream its rows into a staging table with COPY.

A file that is wholly wrong (empty, binary, wrong delimiter, wrong header) raises
``FileRefused`` before a row is written. A row that cannot be read (wrong column count, bad
encoding, NUL bytes) becomes a ``RowReject`` with its line number; the good rows still load.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from app.core.errors import ValidationError
from app.core.unpacking import DamagedArchive, open_unpacked

csv.field_size_limit(sys.maxsize)

SNIFF_BYTES = 64 * 1024
# A voter-file line is a few hundred characters; these are far past any real one.
MAX_LINE_CHARS = 1_000_000
MAX_FIELD_CHARS = 10_000
NUL_FIELDS = re.compile(rb"(?<=[\t,|;\n])\x00+(?=[\t,|;\r\n])")
DELIMITER_NAMES = {",": "comma", "\t": "tab", "|": "pipe", ";": "semicolon"}


class FileRefused(ValidationError):
    code = "import_file_refused"


@dataclass(frozen=True)
class RowReject:
    line_no: int
    column: str
    reason: str
    value: str = ""


def check_file(
    path: Path,
    *,
    encoding: str,
    delimiter: str,
    what: str,
    columns: Sequence[str] | None = None,
) -> list[str]:
    """Refuse a file that is not a delimited text file of the expected shape; return its header.

    ``columns``: the file has no header row, its columns are these, by position (the first
    line is data and must have as many).
    """
    if not path.exists() or path.stat().st_size == 0:
        raise FileRefused("The file is empty.", fields={"file": "empty"})
    data, raw = open_unpacked(path)
    try:
        try:
            head = data.read(SNIFF_BYTES)
        except DamagedArchive as exc:
            raise FileRefused("The file is a damaged gzip archive.") from exc
    finally:
        raw.close()
    if text_encoding(head, encoding) != encoding:  # UTF-16 with its BOM: check it as UTF-8
        head = head[: len(head) // 2 * 2].decode("utf-16", errors="replace").encode("utf-8")
        encoding = "utf-8"
    if not head.strip():
        raise FileRefused("The file is empty.", fields={"file": "empty"})
    # A binary file (xlsx, PDF, UTF-16 without a BOM) has NUL bytes in its first line or all
    # through its start; one stray NUL in a data row is that row's reject, not the file's.
    # Fields that are only NULs (North Carolina's empty fields) are empty, not binary.
    start = NUL_FIELDS.sub(b"", head[:4096])
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
    if columns is not None:
        if len(header) != len(columns):
            raise FileRefused(
                f"This is not {what}: it has no header row, and its first line has "
                f"{len(header)} columns where the layout lists {len(columns)}.",
                fields={"file": "columns"},
            )
        return list(columns)
    if len(head.splitlines()) < 2 and len(head) < SNIFF_BYTES:
        raise FileRefused("The file has a header row but no data rows.", fields={"file": "empty"})
    return [name.strip() for name in header]


def read_rows(
    path: Path,
    *,
    encoding: str,
    delimiter: str,
    columns: Sequence[str] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> Iterator[tuple[int, list[str] | RowReject]]:
    """Yield (line number, cells) for each data row, or a RowReject for one that can't be read.

    Bytes that are not valid in ``encoding`` are kept as surrogates by the decoder and the row
    is rejected here, so one bad row never stops the file. A line or a field past the limits
    (``MAX_LINE_CHARS``, ``MAX_FIELD_CHARS``) is that row's reject: it is never held whole in
    memory nor sent to the database. ``columns``: the file has no header row (see
    ``check_file``).
    """
    data, raw = open_unpacked(path)
    encoding = text_encoding(data.peek(2)[:2], encoding)
    text = io.TextIOWrapper(data, encoding=encoding, errors="surrogateescape", newline="")
    strict = codecs.lookup(encoding).name not in ("latin-1", "iso8859-1")
    overlong: set[int] = set()
    try:
        reader = csv.reader(_bounded_lines(text, overlong), delimiter=delimiter, strict=False)
        header = list(columns) if columns is not None else next(reader, None)
        width = len(header or ())
        rows = 0
        for row in reader:
            line_no = reader.line_num
            if line_no in overlong:
                rows += 1
                yield (
                    line_no,
                    RowReject(line_no, "", f"line longer than {MAX_LINE_CHARS} characters"),
                )
                continue
            if not row:
                continue
            rows += 1
            if on_progress is not None and rows % 2000 == 0:
                on_progress(raw.tell(), rows)
            if len(row) != width:
                yield line_no, RowReject(line_no, "", f"expected {width} columns, found {len(row)}")
                continue
            joined = "\x1f".join(row)
            if len(joined) > MAX_FIELD_CHARS:
                long = next((i for i, cell in enumerate(row) if len(cell) > MAX_FIELD_CHARS), None)
                if long is not None:
                    yield (
                        line_no,
                        RowReject(
                            line_no, header[long], f"longer than {MAX_FIELD_CHARS} characters"
                        ),
                    )
                    continue
            if "\x00" in joined:
                # North Carolina writes NULs in empty fields; a NUL inside text is damage.
                row = ["" if not cell.strip("\x00 ") else cell for cell in row]
                if any("\x00" in cell for cell in row):
                    yield line_no, RowReject(line_no, "", "contains a NUL byte")
                    continue
                joined = "\x1f".join(row)
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


def text_encoding(start: bytes, encoding: str) -> str:
    """UTF-16 when the file starts with its byte-order mark (North Carolina's snapshot layout
    says UTF-16), whatever the layout says; else the layout's encoding."""
    return "utf-16" if start[:2] in (b"\xff\xfe", b"\xfe\xff") else encoding


def _bounded_lines(text: IO[str], overlong: set[int]) -> Iterator[str]:
    """The text's lines; one past ``MAX_LINE_CHARS`` is skipped in pieces and read as blank
    (its number goes into ``overlong``), so it never sits whole in memory."""
    line_no = 0
    while True:
        line = text.readline(MAX_LINE_CHARS + 1)
        if not line:
            return
        line_no += 1
        if len(line) > MAX_LINE_CHARS and not line.endswith("\n"):
            while line and not line.endswith("\n"):
                line = text.readline(MAX_LINE_CHARS)
            overlong.add(line_no)
            yield "\n"
            continue
        yield line


def _encoding_reject(
    line_no: int, header: Sequence[str], row: Sequence[str], encoding: str
) -> RowReject:
    for name, cell in zip(header, row, strict=False):
        try:
            cell.encode(encoding)
        except UnicodeEncodeError:
            return RowReject(line_no, name, f"not valid {encoding} text")
    return RowReject(line_no, "", f"not valid {encoding} text")
