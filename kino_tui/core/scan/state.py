"""One scan's working state: the catalog's documents as they are unpacked, and each
root's walk; what a root's plan holds; the progress of a walk."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from kino_tui.core.catalog.compact import ScanItem
from kino_tui.core.catalog.rows import PackedCatalog, PackedDocument
from kino_tui.core.models import LibraryRoot, MediaItem, ScanProgress, ScanSummary

if TYPE_CHECKING:
    from kino_tui.core.walk.listing import FolderListing, WalkResult

#: Bump when naming or analysis rules change, so every folder is read again once.
ANALYSIS_VERSION = "4"  # 2: episodes know their show's poster; 3: naming rules of issue 11;
# 4: naming rules and the whole NFO of issue 21


def root_is_offline(listing: FolderListing | None) -> bool:
    return listing is None or listing.entry_count == 0


#: A root's walk, its folder keys, its unpacked items by folder, those not yet seen by
#: path, and the folders to read.
Plan = tuple[
    "WalkResult",
    dict[str, str],
    dict[str, list[MediaItem]],
    dict[str, MediaItem],
    list["FolderListing"],
]


def ignore_progress(progress: ScanProgress) -> None:
    pass


class Stopped(Exception):
    """The scan was cancelled while a root was walked: that root is left as it was."""


def walk_progress(
    root: LibraryRoot,
    report: Callable[[ScanProgress], None] | None,
    cancel: threading.Event | None,
) -> Callable[[int], None] | None:
    if report is None and cancel is None:
        return None
    if report is not None:
        report(ScanProgress("walking", 0, 0, root.path))

    def progress(count: int) -> None:
        if cancel is not None and cancel.is_set():
            raise Stopped(root.path)
        if report is not None:
            report(ScanProgress("walking", count, 0, root.path))

    return progress


class ScanState:
    """The catalog during one scan. A document is unpacked ("taken") only when one of its
    folders changed; its items then live in :attr:`items`, the others stay packed."""

    def __init__(self, packed: PackedCatalog) -> None:
        self.packed = packed
        self.folders = dict(packed.folders)
        #: Every item unpacked or scanned (new ones may be rows: see catalog/compact.py).
        self.items: dict[str, ScanItem] = {}
        self.taken: list[PackedDocument] = []
        self._taken_ids: set[int] = set()
        #: Each root's walk and folder keys, by root path (offline roots have none).
        self.walks: dict[str, tuple[WalkResult, dict[str, str]]] = {}

    def take(self, document: PackedDocument) -> None:
        if id(document) not in self._taken_ids:
            self._taken_ids.add(id(document))
            self.taken.append(document)
            for item in document.items():
                self.items[item.id] = item

    def is_taken(self, document: PackedDocument) -> bool:
        return id(document) in self._taken_ids

    def documents(self, root: str) -> list[PackedDocument]:
        return [document for document in self.packed.documents if document.root == root]

    def unpacked_items(self, root: str) -> list[MediaItem]:
        """A root's items before it is read (those of its documents taken so far: all
        of them whole items; only reading a root makes rows of its new items)."""
        return [i for i in self.items.values() if i.root == root and isinstance(i, MediaItem)]

    def root_items(self, root: str) -> list[ScanItem]:
        return [item for item in self.items.values() if item.root == root]

    def id_in_use(self, item_id: str) -> bool:
        """Whether any item of the catalog has this id (unpacks every document)."""
        for document in self.packed.documents:
            self.take(document)
        return item_id in self.items


def seen_unchanged(
    items: list[MediaItem], not_seen: dict[str, MediaItem], summary: ScanSummary
) -> None:
    """The items of a folder whose key is unchanged: seen as they are (an item marked
    unavailable, of a root that was offline, is available again)."""
    for item in items:
        del not_seen[item.path]
        if item.available:
            summary.unchanged += 1
        else:
            item.available = True
            summary.updated += 1
