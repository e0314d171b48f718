"""The catalog file read for a limited scan without its rows as Python text: each
document's rows (a JSON string inside the file, 100 MB at 250,000 tracks) are unescaped
a megabyte at a time into one buffer of UTF-8 bytes (:class:`RowBytes`), the file read
a window at a time (``os.pread``: a file cut short meanwhile is an error, not a crash),
the rest of it parsed and checked as :meth:`Catalog.read` does. Reading the file whole
held its bytes, orjson's copy of them and the rows' text at once: three times its size.

Anything unexpected (no file, an older layout or field list, rows that are not one
string, a checksum that does not hold, names stored escaped) gives None: the caller
reads the file as usual, which says what is wrong.
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path

import orjson

from kino_tui.core.catalog.migrations import SCHEMA_VERSION
from kino_tui.core.catalog.rows import PackedCatalog, PackedDocument
from kino_tui.core.catalog.validate import CHECKSUM, DAMAGE, check_documents, check_file
from kino_tui.core.models import ROW_FIELDS

#: How much of the file is looked at or unescaped at once.
_WINDOW = 1 << 20
_KEY = b'"rows":"'
#: The rows' separator (",\n") as the file stores it, escaped.
_SEPARATOR = b",\\n"
_RAW_MARK = b"\\u0000fsb64:"


class RowBytes(bytearray):
    """A document's rows (their JSON text, one row a line) as UTF-8 bytes, read by
    :func:`read_sparse`, their checksum verified."""


def read_sparse(path: Path) -> PackedCatalog | None:
    """The catalog as :meth:`Catalog.read` gives it, each document's rows as
    :class:`RowBytes`; None when it cannot be read this way (read it as usual)."""
    try:
        with open(path, "rb") as handle:
            return _read(_File(handle.fileno()), path)
    except (OSError, orjson.JSONDecodeError, *DAMAGE):
        return None


class _File:
    """The catalog file read a window at a time (``os.pread``: nothing of it kept)."""

    def __init__(self, descriptor: int) -> None:
        self.descriptor = descriptor
        self.size = os.fstat(descriptor).st_size

    def read(self, start: int, stop: int) -> bytes:
        data = os.pread(self.descriptor, stop - start, start)
        if len(data) != stop - start:
            raise ValueError("the file changed while it was read")
        return data

    def find(self, needle: bytes, start: int, stop: int) -> int:
        position = start
        while position < stop:
            end = min(position + _WINDOW, stop)
            found = self.read(position, min(end + len(needle) - 1, stop)).find(needle)
            if found >= 0:
                return position + found
            position = end
        return -1


def _read(file: _File, path: Path) -> PackedCatalog | None:
    size = file.size
    if size == 0:
        return None
    spans: list[tuple[int, int]] = []  # each rows string's escaped text
    parts: list[bytes] = []
    cursor = 0
    while True:
        key = file.find(_KEY, cursor, size)
        if key < 0:
            break
        start = key + len(_KEY)
        # the text ends with "]" before its closing quote; inside, every quote is escaped
        close = file.find(b']"', start, size)
        if close < 0:
            return None
        parts += [file.read(cursor, start), b'"']
        spans.append((start, close + 1))
        cursor = close + 2
    parts.append(file.read(cursor, size))
    raw = orjson.loads(b"".join(parts))
    del parts
    if not isinstance(raw, dict):
        return None
    check_file(raw)
    meta = raw.get("meta", {}).get("1", {})
    if meta.get("schema") != SCHEMA_VERSION or meta.get("fields") != list(ROW_FIELDS):
        return None
    documents = list(raw.get("items", {}).values())
    check_documents(documents)
    if len(documents) != len(spans) or any(doc.get("rows") != "" for doc in documents):
        return None
    for document, (start, stop) in zip(documents, spans, strict=True):
        rows = _unescaped(file, start, stop)
        if rows is None or zlib.crc32(rows) != document.get(CHECKSUM) or _RAW_MARK in rows:
            return None
        document["rows"] = rows
    folders = {doc["path"]: doc["key"] for doc in raw.get("folders", {}).values()}
    return PackedCatalog(path, documents, list(ROW_FIELDS), folders)


def _unescaped(file: _File, start: int, stop: int) -> RowBytes | None:
    """The JSON string's text ``file[start:stop]`` unescaped, as UTF-8 bytes: a piece
    ending at a row's end at a time (an escape never spans two)."""
    rows = RowBytes(stop - start)  # unescaped, the text is never longer
    filled = 0
    position = start
    while position < stop:
        end = min(position + _WINDOW, stop)
        if end < stop:
            separator = file.find(_SEPARATOR, end, stop)
            end = stop if separator < 0 else separator + len(_SEPARATOR)
        text = orjson.loads(b'"' + file.read(position, end) + b'"')
        if not isinstance(text, str):
            return None
        data = text.encode("utf-8")
        rows[filled : filled + len(data)] = data
        filled += len(data)
        position = end
    del rows[filled:]
    return rows


def as_text(document: PackedDocument) -> None:
    """A document read with its rows as bytes gets them as text, as every other reader
    of it expects (unpacking it whole, say)."""
    rows = document.raw.get("rows")
    if isinstance(rows, RowBytes):
        document.raw["rows"] = rows.decode("utf-8")
