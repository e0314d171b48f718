"""Items packed as rows of values, one document per library root and kind (paths relative
to the root, trailing defaults left out, a CRC of the rows), and unpacked lazily:
:class:`PackedDocument` keeps its rows as JSON text until asked, :class:`PackedCatalog`
is the file as read.
"""

from __future__ import annotations

import contextlib
import gc
import json
import zlib
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any, TypeVar

from kino_tui.core.catalog.compact import PackedItem, ScanItem
from kino_tui.core.catalog.storage import TextPieces, dumps, loads
from kino_tui.core.catalog.validate import (
    CHECKSUM,
    COUNTS,
    DAMAGE,
    FOLDERS,
    UNAVAILABLE,
    check_rows,
    damaged,
)
from kino_tui.core.display import is_utf8
from kino_tui.core.models import (
    AUDIO_FIELDS,
    CAST_FIELDS,
    PARTS_INDEX,
    PATH_INDEX,
    ROOT_INDEX,
    ROW_FIELDS,
    SEGMENT_FIELDS,
    SUBTITLE_FIELDS,
    MediaItem,
    dict_of_row,
)

#: Parses one row where it starts in a document's text (orjson parses only whole texts).
_DECODER = json.JSONDecoder()
#: How a name that is not UTF-8 starts in the rows' text (see ``storage.dumps``).
_RAW_MARK = "\\u0000fsb64:"


def packed_row(item: MediaItem) -> list[Any]:
    """An item's row as stored: no root (the document holds it), a path relative to the
    root, no parts when the only part is the path itself."""
    row = item.to_row()
    row[ROOT_INDEX] = None  # the document holds the root
    if item.parts == [item.path]:
        row[PARTS_INDEX] = None  # the usual single part is the path itself
    prefix = item.root.rstrip("/") + "/"
    if item.path.startswith(prefix):
        row[PATH_INDEX] = item.path[len(prefix) :]  # relative: no leading slash
    return row


_Item = TypeVar("_Item", MediaItem, PackedItem, ScanItem)


def row_groups(items: Iterable[_Item]) -> dict[tuple[str, str], list[_Item]]:
    """Items by (root, kind), each group in path order."""
    groups: dict[tuple[str, str], list[_Item]] = {}
    for item in sorted(items, key=lambda i: i.path):
        groups.setdefault((item.root, item.kind), []).append(item)
    return groups


def rows_document(root: str, kind: str, rows: list[list[Any]]) -> dict[str, Any]:
    text = dumps(rows).decode("utf-8")
    return {"root": root, "kind": kind, "rows": text, CHECKSUM: _checksum(text)}


def _checksum(rows: str) -> int:
    """The CRC-32 of a document's rows as kino wrote them. Rows whose text still has it
    are used without checking every value's type (a third of the load at 50,000 items);
    any other rows (edited by hand, damaged on disk, written before it) are checked."""
    return zlib.crc32(rows.encode("utf-8", "surrogatepass"))


def _verified(doc: dict[str, Any]) -> bool:
    """Whether the document's rows are exactly as kino wrote them (see :func:`_checksum`)."""
    rows = doc.get("rows")
    return isinstance(rows, str) and doc.get(CHECKSUM) == _checksum(rows)


_ROWS_A_CHUNK = 1000


def items_document(root: str, kind: str, items: Sequence[ScanItem]) -> dict[str, Any]:
    """One document with its index: the folders its items are in and how many each holds
    (the folders as one text, NUL-separated: one string to parse instead of a mapping of
    thousands), and how many items are unavailable. A scan learns from it which documents
    an unchanged folder needs without unpacking a row."""
    # a thousand rows at a time, without every row's list held at once (250,000 of them
    # were a quarter of a first scan's peak memory); rows a scan kept as text
    # (PackedItem) go as they are. One row a line: a reader can parse them a piece at a
    # time (see row_chunks; no JSON text holds a raw newline, so each one ends a row).
    pieces: list[str] = []
    checksum = 0
    for start in range(0, len(items), _ROWS_A_CHUNK):
        piece = b",\n".join(
            item.stored_row() if isinstance(item, PackedItem) else dumps(packed_row(item))
            for item in items[start : start + _ROWS_A_CHUNK]
        )
        piece = (b",\n" if start else b"[") + piece
        checksum = zlib.crc32(piece, checksum)
        pieces.append(piece.decode("utf-8"))
    checksum = zlib.crc32(b"]" if pieces else b"[]", checksum)
    pieces.append("]" if pieces else "[]")
    # the pieces are written in turn, never joined (see TextPieces)
    document = {"root": root, "kind": kind, "rows": TextPieces(pieces), CHECKSUM: checksum}
    counts: dict[str, int] = {}
    for item in items:
        folder = item.folder
        counts[folder] = counts.get(folder, 0) + 1
    document[FOLDERS] = "\0".join(counts)
    document[COUNTS] = list(counts.values())
    document[UNAVAILABLE] = sum(1 for item in items if not item.available)
    return document


#: Document keys of the index (absent in documents written before it: their rows are
#: unpacked when the index is needed, and the next save adds it).
COMPARED = ("rows", CHECKSUM, FOLDERS, COUNTS, UNAVAILABLE)


def packed_again(
    groups: dict[tuple[str, str], list[ScanItem]], before: dict[tuple[str, str], dict[str, Any]]
) -> tuple[list[dict[str, Any]], bool]:
    """The documents of these (root, kind) groups packed again, and whether any differs
    from the document it replaces (``before``, by the same key; a key left in ``before``
    is a document whose items are all gone: that is a change too). Empties ``before``."""
    written: list[dict[str, Any]] = []
    changed = False
    for (root, kind), group in groups.items():
        document = items_document(root, kind, group)
        old = before.pop((root, kind), None)
        if old is None or any(old.get(name) != document[name] for name in COMPARED):
            changed = True
        written.append(document)
    return written, changed or bool(before)


def pack(items: Iterable[ScanItem]) -> dict[str, dict[str, Any]]:
    """One TinyDB document per library root and kind, its rows as JSON text."""
    return numbered(
        items_document(root, kind, group) for (root, kind), group in row_groups(items).items()
    )


def numbered(documents: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """TinyDB's numbered documents, in (root, kind) order."""
    ordered = sorted(documents, key=lambda doc: (doc["root"], doc["kind"]))
    return {str(number): doc for number, doc in enumerate(ordered, start=1)}


def _unpack(doc: dict[str, Any], stored_fields: list[str]) -> list[MediaItem]:
    """The items of one document (rows as JSON text, or as lists in the older layouts)."""
    rows = doc["rows"]
    verified = _verified(doc)
    if isinstance(rows, str):
        rows = loads(rows)
    root = doc["root"]
    if not verified:
        check_rows(rows, stored_fields, f"{doc.get('kind', 'other')} items of {root}")
    _absolute(rows, root, stored_fields)
    if stored_fields == list(ROW_FIELDS):
        return list(map(MediaItem.from_row, rows))
    # written by a kino with other fields: match them by name
    return [MediaItem.from_dict(_row_as_dict(stored_fields, row)) for row in rows]


_PIECE = 1 << 18


def row_chunks(rows: str) -> Iterator[list[Any]]:
    """A document's rows (its JSON text) parsed a piece of about 256 KB at a time: rows
    written one a line (see :func:`items_document`) are never all held as lists at once
    (250,000 of them are a quarter of a gigabyte); rows written on one line (before
    that) are parsed whole."""
    if rows.find("\n") < 0:
        yield loads(rows)
        return
    start, end = 1, len(rows) - 1  # within the brackets
    while start < end:
        stop = rows.find("\n", min(start + _PIECE, end))
        if stop < 0:
            stop = end
        yield loads("[" + rows[start:stop].rstrip(",") + "]")
        start = stop + 1


def records_of_rows(rows: list[list[Any]], root: str) -> Iterator[dict[str, Any]]:
    """The items of rows as :meth:`PackedDocument.stored_rows` gives them, as
    ``MediaItem.to_dict`` gives them (without making the items; see ``dict_of_row``)."""
    _absolute(rows, root, ROW_FIELDS)
    return map(dict_of_row, rows)


def item_of_row(row: list[Any], root: str) -> MediaItem:
    """The item of one row as :meth:`PackedDocument.stored_rows` gives it."""
    _absolute([row], root, ROW_FIELDS)
    return MediaItem.from_row(row)


def items_of_rows(rows: list[list[Any]], root: str) -> list[MediaItem]:
    """:func:`item_of_row` for many rows of one root."""
    _absolute(rows, root, ROW_FIELDS)
    return list(map(MediaItem.from_row, rows))


def _absolute(rows: list[list[Any]], root: str, stored_fields: Sequence[str]) -> None:
    """Put back what a stored row leaves out: its root, its absolute path, its parts."""
    prefix = root.rstrip("/") + "/"
    root_index, parts_index = stored_fields.index("root"), stored_fields.index("parts")
    path_index = stored_fields.index("path")
    for row in rows:
        row[root_index] = root
        path = row[path_index]
        if path[0] != "/":
            path = row[path_index] = prefix + path
        if row[parts_index] is None:
            row[parts_index] = [path]


def _row_as_dict(names: list[str], row: list[Any]) -> dict[str, Any]:
    data = dict(zip(names, row, strict=False))  # short rows: the rest are defaults
    data["audio"] = [dict(zip(AUDIO_FIELDS, a, strict=False)) for a in data.get("audio") or ()]
    data["subtitles"] = [
        dict(zip(SUBTITLE_FIELDS, s, strict=False)) for s in data.get("subtitles") or ()
    ]
    data["segments"] = [
        dict(zip(SEGMENT_FIELDS, s, strict=False)) for s in data.get("segments") or ()
    ]
    data["cast"] = [dict(zip(CAST_FIELDS, c, strict=False)) for c in data.get("cast") or ()]
    return data


@contextlib.contextmanager
def objects_for_life() -> Iterator[None]:
    """Build long-lived objects without the cyclic GC: unpacking makes ~10^6 objects and
    no cycles, so collections only cost time; afterwards they are frozen out of it (a full
    collection walking a 50,000-item catalog costs half a second)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()


class PackedDocument:
    """One stored (root, kind) document: its rows stay JSON text until :meth:`items`."""

    __slots__ = ("_fields", "_items", "_path", "kind", "raw", "root")

    def __init__(self, raw: dict[str, Any], fields: list[str], path: Path) -> None:
        self.raw = raw
        self.root: str = raw["root"]
        self.kind: str = raw["kind"]
        self._fields = fields
        self._path = path
        self._items: list[MediaItem] | None = None

    @property
    def unpacked(self) -> bool:
        return self._items is not None

    @property
    def indexed(self) -> bool:
        """Whether the document carries its folder index (see :meth:`folders`)."""
        return isinstance(self.raw.get(FOLDERS), str)

    def items(self) -> list[MediaItem]:
        """The items (unpacked once; the same objects on every call); raises
        :class:`CatalogDamaged` when the rows cannot be read."""
        if self._items is None:
            try:
                with objects_for_life():
                    self._items = _unpack(self.raw, self._fields)
            except DAMAGE as error:
                raise damaged(self._path, error) from None
        return self._items

    def stored_rows(self) -> Iterator[list[Any]] | None:
        """The rows as stored (relative paths, no root, trailing defaults left out), in
        the order of :meth:`items`, parsed a piece at a time; None unless they are text in
        the current layout (see :func:`item_of_row`)."""
        rows = self.raw.get("rows")
        if not isinstance(rows, str) or self._fields != list(ROW_FIELDS):
            return None
        return chain.from_iterable(row_chunks(rows))

    @property
    def verified(self) -> bool:
        """Whether the rows are text exactly as kino wrote them (their checksum holds)."""
        return _verified(self.raw)

    def rows_under(self, folders: Sequence[str]) -> list[list[Any]] | None:
        """:meth:`stored_rows` of the items in ``folders`` (absolute, under this
        document's root) or below them, parsed alone: rows are stored in path order, so a
        folder's are one run of the text, found with ``str.find`` (an album among
        250,000 tracks: its rows, not 90 MB parsed). None when that cannot be done
        (another layout, names stored escaped): read :meth:`stored_rows`."""
        text = self.raw.get("rows")
        root = self.root.rstrip("/") + "/"
        if not isinstance(text, str) or self._fields != list(ROW_FIELDS) or _RAW_MARK in text:
            return None
        if not _verified(self.raw):  # rows to check first: unpack them (see items)
            return None
        found: list[list[Any]] = []
        for folder in folders:
            relative = folder.rstrip("/").removeprefix(root) + "/"
            if not folder.startswith(root) or not is_utf8(relative):
                return None
            # the path follows the id and the kind: '["id","track","Artist/Album/01.mp3",'
            needle = f',"{self.kind}",' + dumps(relative).decode("utf-8")[:-1]
            at = text.find(needle)
            if at < 0:
                continue  # nothing there now
            position = text.rfind("[", 0, at)  # the row's own bracket (an id holds none)
            while True:
                row, end = _DECODER.raw_decode(text, position)
                if not row[PATH_INDEX].startswith(relative):
                    break
                found.append(row)
                if not text.startswith(",", end):
                    position = end
                    break
                position = end + 1  # past the comma (and the newline) before the next row
                while text[position : position + 1].isspace():
                    position += 1
            if text.find(needle, position) >= 0:
                return None  # not one run after all
        return found

    def item_dicts(self) -> Iterator[dict[str, Any]] | None:
        """Each item as ``MediaItem.to_dict`` gives it, in stored (path) order, straight
        from rows kino wrote as they are (checksum intact; no item made, nothing to check),
        parsed a piece at a time; None for any other rows (unpack them with :meth:`items`)."""
        rows = self.raw.get("rows")
        if not isinstance(rows, str) or self._fields != list(ROW_FIELDS):
            return None
        if not _verified(self.raw):
            return None
        return self._dicts(rows)

    def _dicts(self, rows: str) -> Iterator[dict[str, Any]]:
        for chunk in row_chunks(rows):
            _absolute(chunk, self.root, ROW_FIELDS)
            yield from map(dict_of_row, chunk)

    def folders(self) -> dict[str, int]:
        """How many items each folder (an absolute path) holds, from the stored index
        without unpacking a row; from the items for a document stored without one."""
        stored = self.raw.get(FOLDERS)
        if not isinstance(stored, str):  # no index (or another one): from the items
            counts: dict[str, int] = {}
            for item in self.items():
                counts[item.folder] = counts.get(item.folder, 0) + 1
            return counts
        try:
            folders = stored.split("\0") if stored else []
            numbers = self.raw[COUNTS]
            if len(folders) != len(numbers) or not all(type(n) is int for n in numbers):
                raise ValueError(f"an index of {len(folders)} folders and counts {numbers!r:.40}")
            return dict(zip(folders, numbers, strict=True))
        except DAMAGE as error:
            raise damaged(self._path, error) from None

    def unavailable(self) -> int:
        """How many of the items are marked unavailable."""
        stored = self.raw.get(UNAVAILABLE)
        if stored is None or self._items is not None:
            return sum(1 for item in self.items() if not item.available)
        try:
            return int(stored)
        except DAMAGE as error:
            raise damaged(self._path, error) from None


class PackedCatalog:
    """The catalog file as read: its folders, and its items still packed by root and kind.

    Each document is unpacked the first time it is asked for, so a caller can take the
    kinds it needs first (see :meth:`items`) and the rest later, and a scan can leave
    the documents of unchanged folders packed (see :meth:`Catalog.update`).
    """

    def __init__(
        self,
        path: Path,
        documents: list[dict[str, Any]],
        fields: list[str],
        folders: dict[str, str],
    ) -> None:
        self.path = path
        self.folders = folders
        #: False when the file has an older layout or field order: a scan packs it anew.
        self.current = True
        try:
            self.documents = [PackedDocument(doc, fields, path) for doc in documents]
            self.kinds = frozenset(str(doc.kind) for doc in self.documents)
        except DAMAGE as error:
            raise damaged(path, error) from None

    @classmethod
    def empty(cls, path: Path) -> PackedCatalog:
        """A catalog with nothing in it (no file yet, or a damaged one set aside)."""
        return cls(path, [], list(ROW_FIELDS), {})

    def items(self, kinds: Collection[str] | None = None) -> list[MediaItem]:
        """The items of these kinds (all of them by default); raises
        :class:`CatalogDamaged` when their rows cannot be read."""
        found: list[MediaItem] = []
        for document in self.documents:
            if kinds is None or document.kind in kinds:
                found.extend(document.items())
        return found

    def data(self) -> CatalogData:
        """Everything, as :class:`CatalogData`."""
        return CatalogData({item.id: item for item in self.items()}, dict(self.folders))


@dataclass(slots=True)
class CatalogData:
    """The catalog in memory: items by id and each scanned folder's signature."""

    items: dict[str, MediaItem] = field(default_factory=dict)
    folders: dict[str, str] = field(default_factory=dict)
