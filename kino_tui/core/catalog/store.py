"""The scanned catalog: every media item and the folder signatures of the last scan.

This module is the only owner of the catalog file, a TinyDB database with three
tables: ``meta`` (schema version and the item field order), ``items`` (one document
per library root and item kind) and ``folders`` (each scanned folder's signature).
A document's ``rows`` hold its items as JSON text, one list of values per item: rows
instead of one document per item make a 50,000-item catalog half the size and three
times faster to load, and keeping them as text lets a reader unpack only the kinds it
needs first (the UI unpacks the movies it opens on before the rest). The whole file is
written in one atomic replace (TinyDB's table-by-table writes would let a reader see a
half-updated library) and read in one orjson parse.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import os
import threading
import time
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from tinydb import TinyDB

from kino_tui.core.catalog.storage import AtomicJSONStorage, dumps, json_type, loads
from kino_tui.core.errors import (
    CatalogDamaged,
    CatalogTooNew,
    DataFileDamaged,
    DataFileUnwritable,
    LockTimeout,
)
from kino_tui.core.fsutil import clean_stale_temporaries, file_lock, unwritable
from kino_tui.core.models import (
    AUDIO_FIELDS,
    KINDS,
    PARTS_INDEX,
    PATH_INDEX,
    ROOT_INDEX,
    ROW_FIELDS,
    SEGMENT_FIELDS,
    SUBTITLE_FIELDS,
    MediaItem,
)

SCHEMA_VERSION = 3

RawCatalog = dict[str, dict[str, Any]]
#: What a damaged file raises while it is unpacked.
_DAMAGE = (TypeError, KeyError, ValueError, AttributeError, IndexError)


class _BadShape(ValueError):
    """Valid JSON, but not what kino writes; the message says what is wrong."""


_NONE: type = type(None)
_TEXT: frozenset[type] = frozenset({str})
_OPTIONAL_TEXT: frozenset[type] = frozenset({str, _NONE})
_OPTIONAL_WHOLE: frozenset[type] = frozenset({int, _NONE})
_NUMBER: frozenset[type] = frozenset({int, float})
_OPTIONAL_NUMBER: frozenset[type] = frozenset({int, float, _NONE})
#: The JSON types each stored item field may hold (exact types: ``true`` is no number).
#: Fields a newer kino may add are not checked; the values in lists are checked below.
_FIELD_TYPES: dict[str, frozenset[type]] = {
    **dict.fromkeys(ROW_FIELDS, _OPTIONAL_TEXT),
    "id": _TEXT,
    "kind": _TEXT,
    "path": _TEXT,
    "parts": frozenset({list, _NONE}),
    "root": _OPTIONAL_TEXT,
    **dict.fromkeys(("size", "inode", "device"), frozenset({int})),
    "mtime": _NUMBER,
    **dict.fromkeys(("available", "embedded_cover"), frozenset({bool})),
    **dict.fromkeys(("duration", "frame_rate", "rating"), _OPTIONAL_NUMBER),
    **dict.fromkeys(
        (
            "year",
            "bitrate",
            "width",
            "height",
            "season",
            "episode",
            "track",
            "disc",
            "runtime",
            "episode_end",
        ),
        _OPTIONAL_WHOLE,
    ),
    **dict.fromkeys(("audio", "subtitles", "genres", "segments"), frozenset({list})),
    "ids": frozenset({dict}),
}
_TRACK_TYPES: dict[str, tuple[frozenset[type], ...]] = {
    "audio": (_OPTIONAL_TEXT, _OPTIONAL_WHOLE, _OPTIONAL_TEXT, _OPTIONAL_TEXT, frozenset({bool})),
    "subtitles": (
        _OPTIONAL_TEXT,
        _OPTIONAL_TEXT,
        frozenset({bool}),
        frozenset({bool}),
        _OPTIONAL_TEXT,
        _OPTIONAL_TEXT,
        frozenset({bool}),
    ),
    "segments": (_NUMBER, _NUMBER, _TEXT),
}
_REQUIRED = ("id", "kind", "path", "root", "parts")
_CONTAINERS = frozenset({"parts", "genres", "ids", *_TRACK_TYPES})
_KINDS = frozenset(KINDS)


def _damaged(path: Path, error: Exception) -> DataFileDamaged:
    reason = str(error) if isinstance(error, _BadShape) else repr(error)
    return DataFileDamaged(path, reason)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _check_file(raw: dict[str, Any]) -> None:
    """Raise :class:`_BadShape` unless the file's tables are shaped as kino writes them
    (the documents of ``items`` are checked after migration, see :func:`_check_documents`)."""
    for name in ("meta", "items", "folders"):
        table = raw.get(name, {})
        if not isinstance(table, dict):
            raise _BadShape(f'"{name}" is {json_type(table)}, not a table')
        for doc_id, doc in table.items():
            if not isinstance(doc, dict):
                raise _BadShape(f"{name} document {doc_id} is {json_type(doc)}, not an object")
    meta = raw.get("meta", {}).get("1", {})
    schema = meta.get("schema", 0)
    if type(schema) is not int or schema < 0:
        raise _BadShape(f"the schema version is {_shown(schema)}, not a number")
    stored_fields = meta.get("fields")
    if stored_fields is not None:
        if not isinstance(stored_fields, list) or not all(type(f) is str for f in stored_fields):
            raise _BadShape(f"the field list is {_shown(stored_fields)}, not a list of names")
        missing = [name for name in _REQUIRED if name not in stored_fields]
        if missing or len(set(stored_fields)) != len(stored_fields):
            raise _BadShape(f"the field list {_shown(stored_fields)} lacks {missing or 'nothing'}")
    for doc_id, doc in raw.get("folders", {}).items():
        if type(doc.get("path")) is not str or type(doc.get("key")) is not str:
            raise _BadShape(f"folders document {doc_id} is {_shown(doc)}, not a path and a key")


def _check_documents(documents: Iterable[dict[str, Any]]) -> None:
    """Raise :class:`_BadShape` unless every (migrated) items document has a root, a kind,
    rows, and an index of the right types (the rows themselves are checked on unpacking)."""
    for doc in documents:
        root, kind = doc.get("root"), doc.get("kind")
        if type(root) is not str or not root.startswith("/"):
            raise _BadShape(f"an items document's root is {_shown(root)}, not a folder")
        if kind not in _KINDS:
            raise _BadShape(f"the items of {root} have the kind {_shown(kind)}")
        if not isinstance(doc.get("rows"), str | list):
            raise _BadShape(f"the {kind} rows of {root} are {json_type(doc.get('rows'))}")
        counts = doc.get(_COUNTS)
        if type(doc.get(_FOLDERS)) is str and (  # another index (or none) is rebuilt
            type(counts) is not list or not set(map(type, counts)) <= {int}
        ):
            raise _BadShape(f"the folder index of the {kind} items of {root} is damaged")


def _check_rows(rows: Any, stored_fields: list[str], where: str) -> None:
    """Raise :class:`_BadShape` unless ``rows`` are lists of values of the right types
    (without a Python loop over the rows: one would cost a third of the load)."""
    if type(rows) is not list:
        raise _BadShape(f"the {where} are {json_type(rows)}, not a list of rows")
    if not rows:
        return
    if not set(map(type, rows)) <= {list}:
        bad = next(row for row in rows if type(row) is not list)
        raise _BadShape(f"a row of the {where} is {_shown(bad)}")
    shortest = 1 + max(stored_fields.index(name) for name in _REQUIRED)
    # the types of each row's values: a catalog has few distinct such signatures, so
    # they are checked field by field, and the rows are walked only by C loops
    for signature in set(map(tuple, map(map, itertools.repeat(type), rows))):
        if not shortest <= len(signature) <= len(stored_fields):
            raise _BadShape(f"a row of the {where} has {len(signature)} values")
        for index, (name, kind) in enumerate(zip(stored_fields, signature, strict=False)):
            allowed = _FIELD_TYPES.get(name)  # None: a field of a newer kino
            if allowed is not None and kind not in allowed:
                number, row = next(
                    (n, r) for n, r in enumerate(rows) if len(r) > index and type(r[index]) is kind
                )
                shown = _shown(row[index])
                raise _BadShape(f"row {number + 1} of the {where}: {name} is {shown}")
    kinds = set(map(itemgetter(stored_fields.index("kind")), rows))
    if not kinds <= _KINDS:
        raise _BadShape(f"the {where} have the kind {_shown(sorted(kinds - _KINDS))}")
    if "" in map(itemgetter(stored_fields.index("path")), rows):
        raise _BadShape(f"an item of the {where} has an empty path")
    for index, name in enumerate(stored_fields):
        if name not in _CONTAINERS:
            continue
        # the non-empty lists (or objects) stored in this field, in the rows that have it
        values = filter(
            None, itertools.chain.from_iterable(map(itemgetter(slice(index, index + 1)), rows))
        )
        if name in ("parts", "genres"):
            inner = set(map(type, itertools.chain.from_iterable(values)))
            if not inner <= {str}:
                raise _BadShape(f"the {name} of the {where} hold {_shown(inner)}")
        elif name == "ids":
            if not set(map(type, itertools.chain.from_iterable(map(dict.values, values)))) <= {str}:
                raise _BadShape(f"the ids of the {where} are not all text")
        else:
            tracks = list(itertools.chain.from_iterable(values))
            _check_tracks(tracks, _TRACK_TYPES[name], f"{name} of the {where}")


def _check_tracks(tracks: list[Any], types: tuple[frozenset[type], ...], where: str) -> None:
    """The streams stored in ``audio`` or ``subtitles``: lists of values of these types."""
    if not tracks:
        return
    if not set(map(type, tracks)) <= {list}:
        raise _BadShape(f"the {where} are not lists")
    for signature in set(map(tuple, map(map, itertools.repeat(type), tracks))):
        if len(signature) > len(types) or any(
            kind not in allowed for kind, allowed in zip(signature, types, strict=False)
        ):
            shown = _shown([t.__name__ for t in signature])
            raise _BadShape(f"the {where} hold values of the types {shown}")


def _from_documents(raw: RawCatalog) -> RawCatalog:
    """Version 0 kept one TinyDB document per item; pack them into rows per root."""
    items = [MediaItem.from_dict(doc) for doc in raw.get("items", {}).values()]
    documents = {
        str(number): {"root": root, "rows": [_packed_row(item) for item in group]}
        for number, ((root, _), group) in enumerate(sorted(_row_groups(items).items()), start=1)
    }
    return {**raw, "items": documents, "meta": {"1": {"schema": 0, "fields": list(ROW_FIELDS)}}}


def _relative_rows(raw: RawCatalog) -> RawCatalog:
    """Version 2 stores paths relative to their root and drops trailing default values;
    version 1 rows (absolute paths, every value) still read as they are."""
    return raw


def _rows_as_text(raw: RawCatalog) -> RawCatalog:
    """Version 3 splits each root's rows by kind and keeps them as JSON text."""
    kind_index = raw["meta"]["1"].get("fields", ROW_FIELDS).index("kind")
    documents: dict[str, dict[str, Any]] = {}
    for doc in raw.get("items", {}).values():
        by_kind: dict[str, list[list[Any]]] = {}
        for row in doc["rows"]:
            by_kind.setdefault(row[kind_index], []).append(row)
        for kind, rows in sorted(by_kind.items()):
            migrated = _document(doc["root"], kind, rows)
            del migrated[_CHECKSUM]  # not written by this kino: its rows are checked
            documents[str(len(documents) + 1)] = migrated
    return {**raw, "items": documents}


#: Migrations from each old schema version to the next one.
MIGRATIONS: dict[int, Callable[[RawCatalog], RawCatalog]] = {
    0: _from_documents,
    1: _relative_rows,
    2: _rows_as_text,
}


def migrate(raw: RawCatalog, path: Path) -> RawCatalog:
    """Bring a stored catalog up to :data:`SCHEMA_VERSION`."""
    meta = raw.get("meta", {}).get("1", {})
    version = int(meta.get("schema", 0))
    if version > SCHEMA_VERSION:
        raise CatalogTooNew(
            f"{path} was written by a newer kino (schema {version}, this kino knows "
            f"{SCHEMA_VERSION}); upgrade kino to use it"
        )
    while version < SCHEMA_VERSION:
        raw = MIGRATIONS[version](raw)
        version += 1
    meta = raw.setdefault("meta", {}).setdefault("1", {})
    meta["schema"] = SCHEMA_VERSION
    meta.setdefault("fields", list(ROW_FIELDS))  # rows keep the field order they were written in
    return raw


def _packed_row(item: MediaItem) -> list[Any]:
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


def _row_groups(items: Iterable[MediaItem]) -> dict[tuple[str, str], list[MediaItem]]:
    """Items by (root, kind), each group in path order."""
    groups: dict[tuple[str, str], list[MediaItem]] = {}
    for item in sorted(items, key=lambda i: i.path):
        groups.setdefault((item.root, item.kind), []).append(item)
    return groups


def _document(root: str, kind: str, rows: list[list[Any]]) -> dict[str, Any]:
    text = dumps(rows).decode("utf-8")
    return {"root": root, "kind": kind, "rows": text, _CHECKSUM: _checksum(text)}


def _checksum(rows: str) -> int:
    """The CRC-32 of a document's rows as kino wrote them. Rows whose text still has it
    are used without checking every value's type (a third of the load at 50,000 items);
    any other rows (edited by hand, damaged on disk, written before it) are checked."""
    return zlib.crc32(rows.encode("utf-8", "surrogatepass"))


def _verified(doc: dict[str, Any]) -> bool:
    """Whether the document's rows are exactly as kino wrote them (see :func:`_checksum`)."""
    rows = doc.get("rows")
    return isinstance(rows, str) and doc.get(_CHECKSUM) == _checksum(rows)


def _items_document(root: str, kind: str, items: list[MediaItem]) -> dict[str, Any]:
    """One document with its index: the folders its items are in and how many each holds
    (the folders as one text, NUL-separated: one string to parse instead of a mapping of
    thousands), and how many items are unavailable. A scan learns from it which documents
    an unchanged folder needs without unpacking a row."""
    document = _document(root, kind, [_packed_row(item) for item in items])
    counts: dict[str, int] = {}
    for item in items:
        folder = item.folder
        counts[folder] = counts.get(folder, 0) + 1
    document[_FOLDERS] = "\0".join(counts)
    document[_COUNTS] = list(counts.values())
    document[_UNAVAILABLE] = sum(1 for item in items if not item.available)
    return document


#: Document keys of the index (absent in documents written before it: their rows are
#: unpacked when the index is needed, and the next save adds it).
_FOLDERS, _COUNTS, _UNAVAILABLE = "item_folders", "item_counts", "unavailable"
_CHECKSUM = "rows_crc"
_COMPARED = ("rows", _CHECKSUM, _FOLDERS, _COUNTS, _UNAVAILABLE)


def _pack(items: Iterable[MediaItem]) -> dict[str, dict[str, Any]]:
    """One TinyDB document per library root and kind, its rows as JSON text."""
    return _numbered(
        _items_document(root, kind, group) for (root, kind), group in _row_groups(items).items()
    )


def _numbered(documents: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
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
        _check_rows(rows, stored_fields, f"{doc.get('kind', 'other')} items of {root}")
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
    if stored_fields == list(ROW_FIELDS):
        return list(map(MediaItem.from_row, rows))
    # written by a kino with other fields: match them by name
    return [MediaItem.from_dict(_row_as_dict(stored_fields, row)) for row in rows]


def _row_as_dict(names: list[str], row: list[Any]) -> dict[str, Any]:
    data = dict(zip(names, row, strict=False))  # short rows: the rest are defaults
    data["audio"] = [dict(zip(AUDIO_FIELDS, a, strict=False)) for a in data.get("audio") or ()]
    data["subtitles"] = [
        dict(zip(SUBTITLE_FIELDS, s, strict=False)) for s in data.get("subtitles") or ()
    ]
    data["segments"] = [
        dict(zip(SEGMENT_FIELDS, s, strict=False)) for s in data.get("segments") or ()
    ]
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
        return isinstance(self.raw.get(_FOLDERS), str)

    def items(self) -> list[MediaItem]:
        """The items (unpacked once; the same objects on every call); raises
        :class:`CatalogDamaged` when the rows cannot be read."""
        if self._items is None:
            try:
                with objects_for_life():
                    self._items = _unpack(self.raw, self._fields)
            except _DAMAGE as error:
                raise _damaged(self._path, error) from None
        return self._items

    def folders(self) -> dict[str, int]:
        """How many items each folder (an absolute path) holds, from the stored index
        without unpacking a row; from the items for a document stored without one."""
        stored = self.raw.get(_FOLDERS)
        if not isinstance(stored, str):  # no index (or another one): from the items
            counts: dict[str, int] = {}
            for item in self.items():
                counts[item.folder] = counts.get(item.folder, 0) + 1
            return counts
        try:
            folders = stored.split("\0") if stored else []
            numbers = self.raw[_COUNTS]
            if len(folders) != len(numbers) or not all(type(n) is int for n in numbers):
                raise ValueError(f"an index of {len(folders)} folders and counts {numbers!r:.40}")
            return dict(zip(folders, numbers, strict=True))
        except _DAMAGE as error:
            raise _damaged(self._path, error) from None

    def unavailable(self) -> int:
        """How many of the items are marked unavailable."""
        stored = self.raw.get(_UNAVAILABLE)
        if stored is None or self._items is not None:
            return sum(1 for item in self.items() if not item.available)
        try:
            return int(stored)
        except _DAMAGE as error:
            raise _damaged(self._path, error) from None


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
        except _DAMAGE as error:
            raise _damaged(path, error) from None

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


class Catalog:
    """Load and save the catalog file; ``lock()`` serialises writers across processes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock_path = path.with_name(path.name + ".lock")
        self._db = TinyDB(path, storage=AtomicJSONStorage)
        #: Threads of this process holding :meth:`lock` (flock does not nest across
        #: descriptors: taking it again here would wait for ourselves).
        self._holders: set[int] = set()
        clean_stale_temporaries(path)  # left by killed writers

    def read(self) -> PackedCatalog:
        """Read the file, leaving the items packed; an absent file is an empty catalog."""
        raw = self._db.storage.read()
        if raw is None:
            return PackedCatalog.empty(self.path)
        try:
            _check_file(raw)
            stored_version = raw.get("meta", {}).get("1", {}).get("schema", 0)
            raw = migrate(raw, self.path)
            fields = list(raw["meta"]["1"].get("fields") or ROW_FIELDS)
            folders = {doc["path"]: doc["key"] for doc in raw.get("folders", {}).values()}
            documents = list(raw.get("items", {}).values())
            _check_documents(documents)
        except _DAMAGE as error:
            raise _damaged(self.path, error) from None
        packed = PackedCatalog(self.path, documents, fields, folders)
        if stored_version != SCHEMA_VERSION or fields != list(ROW_FIELDS):
            packed.current = False
            self._store_upgraded(packed.data())
        return packed

    def read_or_recover(self) -> tuple[PackedCatalog, str | None]:
        """Read, or set a damaged file aside and start empty; the second value says so."""
        try:
            return self.read(), None
        except CatalogDamaged as error:
            return PackedCatalog.empty(self.path), self.set_aside(error)

    def load(self) -> CatalogData:
        """Read the whole catalog; an absent file is an empty catalog."""
        return self.read().data()

    def _store_upgraded(self, data: CatalogData) -> None:
        """Write a migrated catalog back once, so later starts read the fast layout; skipped
        when another kino holds the lock (it will write the new layout itself)."""
        try:
            with file_lock(self.lock_path, timeout=0.0, guards=self.path):
                self.save(data)
        except (LockTimeout, DataFileUnwritable, OSError):
            pass  # a read-only folder: the next start migrates it again

    def load_or_recover(self) -> tuple[CatalogData, str | None]:
        """Load, or set a damaged file aside and start empty; the second value says so."""
        try:
            return self.load(), None
        except CatalogDamaged as error:
            return CatalogData(), self.set_aside(error)

    def set_aside(self, error: CatalogDamaged) -> str:
        """Quarantine a damaged file (kino goes on with an empty catalog); says so. A file
        that cannot be moved (a read-only folder) stays, and kino goes on without it.
        Done under the catalog's lock, and only if the file is still damaged: a scan may
        have rebuilt it since it was read, and a good catalog is never moved aside."""
        held = threading.get_ident() in self._holders  # a scan finding damage: ours already
        try:
            with contextlib.nullcontext() if held else self.lock(timeout=30.0):
                try:
                    self.read().items()  # every row: damage may be in any of them
                except CatalogDamaged:
                    pass
                else:
                    return (
                        f"{error}, but another kino rewrote it meanwhile and it reads well "
                        "now: it was kept; open kino again to see it."
                    )
                backup = self.quarantine()
        except OSError as failure:
            return (
                f"{error}, and it could not be moved aside ({unwritable(self.path, failure).reason}). "
                "kino shows an empty catalog for now: move the file away (or make its folder "
                "writable), then run `kino scan` to rebuild it."
            )
        return (
            f"{error}. It was kept as {backup} and kino started an empty catalog: "
            "run `kino scan` to rebuild it (watch progress is stored apart and is kept)."
        )

    def quarantine(self) -> Path:
        """Move the current catalog file aside and return where it went."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        backup = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        counter = 1
        while backup.exists():
            backup = self.path.with_name(f"{self.path.name}.damaged-{stamp}-{counter}")
            counter += 1
        os.replace(self.path, backup)
        return backup

    def save(self, data: CatalogData) -> None:
        """Write the whole catalog in one atomic replace."""
        self._write(_pack(data.items.values()), data.folders)

    def update(
        self,
        packed: PackedCatalog,
        replaced: Collection[PackedDocument],
        items: Iterable[MediaItem],
        folders: dict[str, str],
    ) -> bool:
        """Write ``packed`` back with the ``replaced`` documents' items now being ``items``
        (which may add new ones, of any root and kind), and these folder keys; every other
        document keeps its stored rows as they are, unread (rows stored without a checksum
        are checked and packed again, once; rows that no longer match theirs are found
        by the next reader). Writes only when something
        differs from the file (or there is no file); says whether it wrote."""
        groups = _row_groups(items)
        replaced_ids = {id(document) for document in replaced}
        before: dict[tuple[str, str], dict[str, Any]] = {}
        kept: list[dict[str, Any]] = []
        for document in packed.documents:
            key = (document.root, document.kind)
            if id(document) in replaced_ids:
                before[key] = document.raw
            elif key in groups or not packed.current or _CHECKSUM not in document.raw:
                # new items of a kind whose document was not replaced, rows in an older
                # layout, or rows written before their checksum (unpacking checks them,
                # and damaged ones raise CatalogDamaged: the scan rebuilds the catalog):
                # this document is packed again
                before[key] = document.raw
                merged = [*document.items(), *groups.get(key, ())]
                groups[key] = sorted(merged, key=lambda i: i.path)
            else:
                kept.append(document.raw)
        changed = not packed.current or folders != packed.folders or not self.path.exists()
        written: list[dict[str, Any]] = []
        for (root, kind), group in groups.items():
            packed_again = _items_document(root, kind, group)
            old = before.pop((root, kind), None)
            if old is None or any(old.get(name) != packed_again[name] for name in _COMPARED):
                changed = True
            written.append(packed_again)
        if before:  # documents whose items are all gone
            changed = True
        if changed:
            self._write(_numbered([*kept, *written]), folders)
        return changed

    def _write(self, documents: dict[str, dict[str, Any]], folders: dict[str, str]) -> None:
        raw: RawCatalog = {
            "meta": {"1": {"schema": SCHEMA_VERSION, "fields": list(ROW_FIELDS)}},
            "items": documents,
            "folders": {
                str(number): {"path": path, "key": key}
                for number, (path, key) in enumerate(sorted(folders.items()), start=1)
            },
        }
        self._db.storage.write(raw)

    @contextlib.contextmanager
    def lock(self, timeout: float = 600.0) -> Iterator[None]:
        """Exclusive lock for a read-modify-write of the catalog (a scan, a root removal)."""
        with file_lock(self.lock_path, timeout=timeout, guards=self.path):
            self._holders.add(threading.get_ident())
            try:
                yield
            finally:
                self._holders.discard(threading.get_ident())
