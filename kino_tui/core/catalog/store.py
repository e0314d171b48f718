"""The scanned catalog file: every media item and the folder signatures of the last scan.

This module is the only owner of the catalog file, a TinyDB database with three
tables: ``meta`` (schema version and the item field order), ``items`` (one document
per library root and item kind) and ``folders`` (each scanned folder's signature).
A document's ``rows`` hold its items as JSON text, one list of values per item: rows
instead of one document per item make a 50,000-item catalog half the size and three
times faster to load, and keeping them as text lets a reader unpack only the kinds it
needs first (the UI unpacks the movies it opens on before the rest). The whole file is
written in one atomic replace (TinyDB's table-by-table writes would let a reader see a
half-updated library) and read in one orjson parse. Validation, migrations and the row
format are the modules beside this one.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import Any

from tinydb import TinyDB

from kino_tui.core.catalog.compact import ScanItem
from kino_tui.core.catalog.migrations import SCHEMA_VERSION, migrate
from kino_tui.core.catalog.rows import (
    CHECKSUM,
    CatalogData,
    PackedCatalog,
    PackedDocument,
    numbered,
    pack,
    packed_again,
    row_groups,
)
from kino_tui.core.catalog.storage import AtomicJSONStorage
from kino_tui.core.catalog.validate import (
    DAMAGE,
    RawCatalog,
    check_documents,
    check_file,
    damaged,
)
from kino_tui.core.errors import (
    CatalogDamaged,
    DataFileUnwritable,
    LockTimeout,
)
from kino_tui.core.fsutil import clean_stale_temporaries, file_lock, unwritable
from kino_tui.core.models import (
    ROW_FIELDS,
)


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
            check_file(raw)
            stored_version = raw.get("meta", {}).get("1", {}).get("schema", 0)
            raw = migrate(raw, self.path)
            fields = list(raw["meta"]["1"].get("fields") or ROW_FIELDS)
            folders = {doc["path"]: doc["key"] for doc in raw.get("folders", {}).values()}
            documents = list(raw.get("items", {}).values())
            check_documents(documents)
        except DAMAGE as error:
            raise damaged(self.path, error) from None
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
        self._write(pack(data.items.values()), data.folders)

    def update(
        self,
        packed: PackedCatalog,
        replaced: Collection[PackedDocument],
        items: Iterable[ScanItem],
        folders: dict[str, str],
    ) -> bool:
        """Write ``packed`` back with the ``replaced`` documents' items now being ``items``
        (which may add new ones, of any root and kind), and these folder keys; every other
        document keeps its stored rows as they are, unread (rows stored without a checksum
        are checked and packed again, once; rows that no longer match theirs are found
        by the next reader). Writes only when something
        differs from the file (or there is no file); says whether it wrote."""
        groups = row_groups(items)
        replaced_ids = {id(document) for document in replaced}
        before: dict[tuple[str, str], dict[str, Any]] = {}
        kept: list[dict[str, Any]] = []
        for document in packed.documents:
            key = (document.root, document.kind)
            if id(document) in replaced_ids:
                before[key] = document.raw
            elif key in groups or not packed.current or CHECKSUM not in document.raw:
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
        written, differs = packed_again(groups, before)
        changed = changed or differs
        if changed:
            self._write(numbered([*kept, *written]), folders)
        return changed

    def write_documents(
        self, documents: dict[str, dict[str, Any]], folders: dict[str, str]
    ) -> None:
        """Write these numbered documents and folder keys in one atomic replace (a limited
        scan's, ``core/scan/folders.py``)."""
        self._write(documents, folders)

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
