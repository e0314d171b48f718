"""The catalog file read for a limited scan without its rows as Python text: each
document's rows (a JSON string inside the file, 100 MB at 250,000 tracks) are unescaped
a megabyte at a time into one buffer of UTF-8 bytes (:class:`RowBytes`), the rest of the
file parsed and checked as :meth:`Catalog.read` does. Reading the file whole held its
bytes, orjson's copy of them and the rows' text at once: three times its size.

Anything unexpected (no file, an older layout or field list, rows that are not one
string, a checksum that does not hold, names stored escaped) gives None: the caller
reads the file as usual, which says what is wrong.
"""

from __future__ import annotations

import mmap
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
            if os.fstat(handle.fileno()).st_size == 0:
                return None
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                return _read(mapped, path)
    except (OSError, orjson.JSONDecodeError, *DAMAGE):
        return None


def _read(mapped: mmap.mmap, path: Path) -> PackedCatalog | None:
    size = len(mapped)
    spans: list[tuple[int, int]] = []  # each rows string's escaped text
    parts: list[bytes] = []
    cursor = 0
    while True:
        key = _find(mapped, _KEY, cursor, size)
        if key < 0:
            break
        start = key + len(_KEY)
        # the text ends with "]" before its closing quote; inside, every quote is escaped
        close = _find(mapped, b']"', start, size)
        if close < 0:
            return None
        parts += [mapped[cursor:start], b'"']
        spans.append((start, close + 1))
        cursor = close + 2
    parts.append(mapped[cursor:size])
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
        rows = _unescaped(mapped, start, stop)
        if rows is None or zlib.crc32(rows) != document.get(CHECKSUM) or _RAW_MARK in rows:
            return None
        document["rows"] = rows
    folders = {doc["path"]: doc["key"] for doc in raw.get("folders", {}).values()}
    return PackedCatalog(path, documents, list(ROW_FIELDS), folders)


def _unescaped(mapped: mmap.mmap, start: int, stop: int) -> RowBytes | None:
    """The JSON string's text ``mapped[start:stop]`` unescaped, as UTF-8 bytes: a piece
    ending at a row's end at a time (an escape never spans two)."""
    rows = RowBytes(stop - start)  # unescaped, the text is never longer
    filled = 0
    position = start
    while position < stop:
        end = min(position + _WINDOW, stop)
        if end < stop:
            separator = _find(mapped, _SEPARATOR, end, stop)
            end = stop if separator < 0 else separator + len(_SEPARATOR)
        text = orjson.loads(b'"' + mapped[position:end] + b'"')
        if not isinstance(text, str):
            return None
        data = text.encode("utf-8")
        rows[filled : filled + len(data)] = data
        filled += len(data)
        _forget(mapped, position, end)
        position = end
    del rows[filled:]
    return rows


def _find(mapped: mmap.mmap, needle: bytes, start: int, stop: int) -> int:
    """``mapped.find`` a window at a time, each window's pages let go of once looked at
    (they are the file's, in the page cache: the process does not keep them)."""
    position = start
    while position < stop:
        end = min(position + _WINDOW, stop)
        found = mapped.find(needle, position, min(end + len(needle) - 1, stop))
        _forget(mapped, position, end)
        if found >= 0:
            return found
        position = end
    return -1


def _forget(mapped: mmap.mmap, start: int, stop: int) -> None:
    page = mmap.PAGESIZE
    first = start - start % page
    if stop > first:
        mapped.madvise(mmap.MADV_DONTNEED, first, stop - first)


def as_text(document: PackedDocument) -> None:
    """A document read with its rows as bytes gets them as text, as every other reader
    of it expects (unpacking it whole, say)."""
    rows = document.raw.get("rows")
    if isinstance(rows, RowBytes):
        document.raw["rows"] = rows.decode("utf-8")
