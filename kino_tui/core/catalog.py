"""The scanned catalog: every media item and the folder signatures of the last scan.

This module is the only owner of the catalog file, a TinyDB database with three
tables: ``meta`` (schema version and the item field order), ``items`` (one document
per library root whose ``rows`` hold its items, one list of values per item) and
``folders`` (each scanned folder's signature). Rows instead of one document per item
make a 50,000-item catalog half the size and three times faster to load. The whole
file is written in one atomic replace (TinyDB's table-by-table writes would let a
reader see a half-updated library) and loaded in one orjson parse.
"""

from __future__ import annotations

import contextlib
import gc
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tinydb import TinyDB

from kino_tui.core.errors import CatalogDamaged, CatalogTooNew, LockTimeout
from kino_tui.core.fsutil import file_lock
from kino_tui.core.models import (
    AUDIO_FIELDS,
    PARTS_INDEX,
    PATH_INDEX,
    ROOT_INDEX,
    ROW_FIELDS,
    SUBTITLE_FIELDS,
    MediaItem,
)
from kino_tui.core.storage import AtomicJSONStorage

SCHEMA_VERSION = 2

RawCatalog = dict[str, dict[str, Any]]


def _from_documents(raw: RawCatalog) -> RawCatalog:
    """Version 0 kept one TinyDB document per item; pack them into rows per root."""
    items = [MediaItem.from_dict(doc) for doc in raw.get("items", {}).values()]
    packed = _pack(items)
    return {**raw, "items": packed, "meta": {"1": {"schema": 0, "fields": list(ROW_FIELDS)}}}


def _relative_rows(raw: RawCatalog) -> RawCatalog:
    """Version 2 stores paths relative to their root and drops trailing default values;
    version 1 rows (absolute paths, every value) still read as they are."""
    return raw


#: Migrations from each old schema version to the next one.
MIGRATIONS: dict[int, Callable[[RawCatalog], RawCatalog]] = {0: _from_documents, 1: _relative_rows}


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


def _pack(items: Iterable[MediaItem]) -> dict[str, dict[str, Any]]:
    """One TinyDB document per library root, holding that root's items as rows."""
    by_root: dict[str, list[list[Any]]] = {}
    for item in sorted(items, key=lambda i: i.path):
        row = item.to_row()
        row[ROOT_INDEX] = None  # the document holds the root
        if item.parts == [item.path]:
            row[PARTS_INDEX] = None  # the usual single part is the path itself
        prefix = item.root.rstrip("/") + "/"
        if item.path.startswith(prefix):
            row[PATH_INDEX] = item.path[len(prefix) :]  # relative: no leading slash
        by_root.setdefault(item.root, []).append(row)
    return {
        str(number): {"root": root, "rows": rows}
        for number, (root, rows) in enumerate(sorted(by_root.items()), start=1)
    }


def _unpack(documents: dict[str, dict[str, Any]], stored_fields: list[str]) -> list[MediaItem]:
    items: list[MediaItem] = []
    same_layout = stored_fields == list(ROW_FIELDS)
    root_index, parts_index = stored_fields.index("root"), stored_fields.index("parts")
    path_index = stored_fields.index("path")
    for doc in documents.values():
        root = doc["root"]
        prefix = root.rstrip("/") + "/"
        for row in doc["rows"]:
            row[root_index] = root
            path = row[path_index]
            if not path.startswith("/"):
                path = row[path_index] = prefix + path
            if row[parts_index] is None:
                row[parts_index] = [path]
            if same_layout:
                items.append(MediaItem.from_row(row))
            else:  # written by a kino with other fields: match them by name
                items.append(MediaItem.from_dict(_row_as_dict(stored_fields, row)))
    return items


def _row_as_dict(names: list[str], row: list[Any]) -> dict[str, Any]:
    data = dict(zip(names, row, strict=False))  # short rows: the rest are defaults
    data["audio"] = [dict(zip(AUDIO_FIELDS, a, strict=False)) for a in data.get("audio") or ()]
    data["subtitles"] = [
        dict(zip(SUBTITLE_FIELDS, s, strict=False)) for s in data.get("subtitles") or ()
    ]
    return data


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

    def load(self) -> CatalogData:
        """Read the catalog; an absent file is an empty catalog."""
        gc_was_enabled = gc.isenabled()
        gc.disable()  # loading builds ~10^6 objects and no cycles: collections only cost time
        try:
            raw = self._db.storage.read()
            if raw is None:
                return CatalogData()
            stored_version = raw.get("meta", {}).get("1", {}).get("schema", 0)
            raw = migrate(raw, self.path)
            stored_fields = raw["meta"]["1"].get("fields") or list(ROW_FIELDS)
            try:
                items = _unpack(raw.get("items", {}), stored_fields)
                folders = {doc["path"]: doc["key"] for doc in raw.get("folders", {}).values()}
            except (TypeError, KeyError, ValueError) as error:
                raise CatalogDamaged(f"{self.path} is damaged ({error!r})") from None
            data = CatalogData({item.id: item for item in items}, folders)
            if stored_version != SCHEMA_VERSION or stored_fields != list(ROW_FIELDS):
                self._store_upgraded(data)
            return data
        finally:
            if gc_was_enabled:
                # The catalog lives as long as the process and holds no cycles: keep the
                # cyclic collector from walking its million objects again and again.
                gc.freeze()
                gc.enable()

    def _store_upgraded(self, data: CatalogData) -> None:
        """Write a migrated catalog back once, so later starts read the fast layout; skipped
        when another kino holds the lock (it will write the new layout itself)."""
        try:
            with file_lock(self.lock_path, timeout=0.0):
                self.save(data)
        except (LockTimeout, OSError):
            pass

    def load_or_recover(self) -> tuple[CatalogData, str | None]:
        """Load, or set a damaged file aside and start empty; the second value says so."""
        try:
            return self.load(), None
        except CatalogDamaged as error:
            backup = self.quarantine()
            return CatalogData(), (
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
        raw: RawCatalog = {
            "meta": {"1": {"schema": SCHEMA_VERSION, "fields": list(ROW_FIELDS)}},
            "items": _pack(data.items.values()),
            "folders": {
                str(number): {"path": path, "key": key}
                for number, (path, key) in enumerate(sorted(data.folders.items()), start=1)
            },
        }
        self._db.storage.write(raw)

    @contextlib.contextmanager
    def lock(self, timeout: float = 600.0) -> Iterator[None]:
        """Exclusive lock for a read-modify-write of the catalog (a scan, a root removal)."""
        with file_lock(self.lock_path, timeout=timeout):
            yield
