"""A TinyDB storage that loads with orjson and writes atomically."""

from __future__ import annotations

import base64
import codecs
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from kino_tui.core.display import is_utf8
from kino_tui.core.errors import DataFileDamaged, DataFileUnreadable
from kino_tui.core.fsutil import atomic_write_bytes, unwritable

#: File names that are not valid UTF-8 reach Python with surrogate escapes, which JSON
#: cannot carry; such strings are stored as this marker plus the base64 of their bytes.
#: A real path can never start with NUL, so the marker is unambiguous.
_RAW_MARK = "\x00fsb64:"
_RAW_MARK_JSON = b"\\u0000fsb64:"
_RAW_MARK_TEXT = _RAW_MARK_JSON.decode("ascii")


def _escape_raw(value: Any) -> Any:
    if isinstance(value, str):
        if not is_utf8(value):
            return _RAW_MARK + base64.b64encode(os.fsencode(value)).decode("ascii")
        return value
    if isinstance(value, dict):
        return {_escape_raw(k): _escape_raw(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escape_raw(v) for v in value]
    return value


def _unescape_raw(value: Any) -> Any:
    if isinstance(value, str):
        if value.startswith(_RAW_MARK):
            return os.fsdecode(base64.b64decode(value[len(_RAW_MARK) :]))
        return value
    if isinstance(value, dict):
        return {_unescape_raw(k): _unescape_raw(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unescape_raw(v) for v in value]
    return value


def dumps(data: Any) -> bytes:
    """JSON bytes for ``data``, keeping non-UTF-8 file names exactly."""
    try:
        return orjson.dumps(data)
    except TypeError:  # orjson.JSONEncodeError: str is not valid UTF-8 (surrogates)
        return orjson.dumps(_escape_raw(data))


#: Text longer than this is written in pieces of this size (the catalog's rows).
_PIECE = 1 << 20
_SURROGATE = re.compile("[\ud800-\udfff]")


class TextSlice:
    """Part of a long text, not copied: ``text[start:stop]`` (a document's rows kept
    around a limited scan's splice, ``core/catalog/splice.py``); the text may be UTF-8
    bytes (``sparse.RowBytes``), cut where a row ends."""

    __slots__ = ("start", "stop", "text")

    def __init__(self, text: str | bytearray, start: int, stop: int) -> None:
        self.text, self.start, self.stop = text, start, stop

    def __len__(self) -> int:
        return self.stop - self.start

    def __str__(self) -> str:
        return "".join(self.chunks())

    def chunks(self, size: int = 1 << 20) -> Iterator[str]:
        """The slice as text, a part of about ``size`` characters at a time."""
        text = self.text
        if isinstance(text, str):
            for start in range(self.start, self.stop, size):
                yield text[start : min(start + size, self.stop)]
            return
        decoder = codecs.getincrementaldecoder("utf-8")()
        view = memoryview(text)
        for start in range(self.start, self.stop, size):
            end = min(start + size, self.stop)
            yield decoder.decode(view[start:end], final=end == self.stop)


class TextPieces:
    """A long text kept in the pieces it was made in, written as one JSON string by
    :func:`dumps_pieces` (a catalog document's rows: joining them was another 60 MB at
    250,000 tracks); ``str()`` joins them. Its pieces hold no surrogate escapes (they
    are text :func:`dumps` made); a piece may be a :class:`TextSlice` of another text."""

    __slots__ = ("pieces",)

    def __init__(self, pieces: Sequence[str | TextSlice]) -> None:
        self.pieces = pieces

    def __str__(self) -> str:
        return "".join(map(str, self.pieces))

    def __eq__(self, other: object) -> bool:
        text = str(other) if isinstance(other, TextPieces) else other
        return isinstance(text, str) and str(self) == text

    __hash__ = None  # type: ignore[assignment]


def dumps_pieces(data: Any) -> Iterator[bytes]:
    """The bytes of :func:`dumps` in pieces: objects member by member and long texts a
    megabyte at a time, so a catalog whose rows are a hundred megabytes of text is
    written without a second copy of it in memory."""
    if isinstance(data, TextPieces):
        yield b'"'
        for piece in data.pieces:
            yield from _escaped(piece)
        yield b'"'
    elif isinstance(data, dict):
        yield b"{"
        for number, (key, value) in enumerate(data.items()):
            yield (b"," if number else b"") + dumps(key) + b":"
            yield from dumps_pieces(value)
        yield b"}"
    elif isinstance(data, str) and len(data) > _PIECE and not _SURROGATE.search(data):
        yield b'"'
        yield from _escaped(data)
        yield b'"'
    else:  # (a text with a name that is not UTF-8 goes whole, as dumps keeps it)
        yield dumps(data)


def _escaped(text: str | TextSlice) -> Iterator[bytes]:
    """A text's JSON escapes, a megabyte at a time (escaping is per character: the
    pieces' escapes are the whole text's)."""
    if isinstance(text, TextSlice):
        for chunk in text.chunks(_PIECE):
            yield orjson.dumps(chunk)[1:-1]
        return
    for start in range(0, len(text), _PIECE):
        yield orjson.dumps(text[start : start + _PIECE])[1:-1]


def loads(data: bytes | str) -> Any:
    """The inverse of :func:`dumps` (also for JSON text kept inside a document)."""
    loaded = orjson.loads(data)
    marked = _RAW_MARK_JSON in data if isinstance(data, bytes) else _RAW_MARK_TEXT in data
    return _unescape_raw(loaded) if marked else loaded


class AtomicJSONStorage(Storage):
    """JSON on disk, replaced whole through a temporary file, fsync and rename.

    A crash or kill at any moment leaves either the previous file or the new one.
    A file that is not valid JSON raises :class:`DataFileDamaged` (a
    :class:`CatalogDamaged`) instead of being silently overwritten; a file that cannot be
    read or written raises :class:`DataFileUnreadable` or :class:`DataFileUnwritable`.
    """

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self.path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            hint = " (is it another user's?)" if isinstance(error, PermissionError) else ""
            raise DataFileUnreadable(self.path, f"{error.strerror or error}{hint}") from error
        try:
            loaded = loads(data)
        except orjson.JSONDecodeError as error:
            raise DataFileDamaged(self.path, f"not valid JSON: {error}") from None
        if not isinstance(loaded, dict):
            raise DataFileDamaged(self.path, "not a JSON object")
        return loaded

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """Replace the file; raises :class:`DataFileUnwritable` (one line naming the file
        and the reason) when it cannot be written."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise unwritable(self.path, error) from error
        atomic_write_bytes(self.path, dumps_pieces(data))

    def close(self) -> None:
        pass


def json_type(value: Any) -> str:
    """What a JSON value is, in words, for a message about a damaged file."""
    for kind, name in (
        (dict, "an object"),
        (list, "a list"),
        (str, "text"),
        (bool, "true or false"),  # before int: a bool is an int to Python
        (int, "a number"),
        (float, "a number"),
    ):
        if isinstance(value, kind):
            return name
    return "null"
