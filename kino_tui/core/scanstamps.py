"""Scan stamps: what a no-change rescan needs to know without reading the catalog.

After a scan that left a root's catalog entries exactly as its folders are (every folder
with media read and keyed, nothing unreadable, every item available, not stopped), the
scanner stamps that root: one digest of everything its walk saw (each folder's path and
the signature of its relevant files: names, sizes, mtimes) and how many items it holds.
The stamps file also records the catalog file's identity (device, inode, size, mtime,
ctime) as it was then. The next scan walks the root as always; when the walk's digest is
the stamped one and the catalog file is still the stamped one, nothing can have changed
and the catalog is not even read. Anything else (no stamps, a damaged stamps file, a
catalog written since by anyone, another root type, another kino) is the ordinary scan,
which stamps again.

The file is a cache: it is never required, a damaged one is ignored, and one that cannot
be written is left out.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kino_tui.core.errors import DataFileUnwritable
from kino_tui.core.fsutil import atomic_write_bytes
from kino_tui.core.storage import dumps, loads

#: Bump when what a stamp covers changes: every stamp then counts as missing once.
STAMPS_VERSION = 1


@dataclass(frozen=True, slots=True)
class RootStamp:
    """One root as its last complete scan left it: the walk's digest and the item count."""

    tree: str
    items: int


def catalog_identity(catalog: Path) -> list[int] | None:
    """What changes whenever the catalog file is written (it is replaced whole: a new
    inode), or None when there is no file."""
    try:
        status = os.stat(catalog)
    except OSError:
        return None
    return [status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns]


class ScanStamps:
    """The stamps file beside a catalog file (``catalog.json`` → ``catalog.stamps.json``)."""

    def __init__(self, catalog: Path, version: str) -> None:
        self.catalog = catalog
        self.path = catalog.with_name(catalog.stem + ".stamps.json")
        #: What else a stamp depends on (the catalog's schema, the analysis rules).
        self.version = f"{STAMPS_VERSION}/{version}"

    def read(self) -> dict[str, RootStamp]:
        """The stamps by root path; none when the file is missing or damaged, was written
        by another kino, or the catalog file has been written since."""
        try:
            raw: Any = loads(self.path.read_bytes())
            if raw.get("version") != self.version:
                return {}
            if raw.get("catalog") != catalog_identity(self.catalog):
                return {}
            return {
                root: RootStamp(tree, items)
                for root, (tree, items) in raw["roots"].items()
                if type(root) is str and type(tree) is str and type(items) is int
            }
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return {}

    def write(self, stamps: dict[str, RootStamp]) -> None:
        """Stamp the catalog file as it is now (call it holding the catalog's lock, after
        writing the catalog); the file is removed when there is nothing to stamp."""
        identity = catalog_identity(self.catalog)
        if identity is None or not stamps:
            with contextlib.suppress(OSError):
                self.path.unlink(missing_ok=True)
            return
        raw = {
            "version": self.version,
            "catalog": identity,
            "roots": {root: [stamp.tree, stamp.items] for root, stamp in sorted(stamps.items())},
        }
        with contextlib.suppress(DataFileUnwritable):  # a cache: the next scan reads all
            atomic_write_bytes(self.path, dumps(raw))
