"""After a root's folders are read: items that are gone (removed only where the scan
could see it, Kodi's rule), moves (same inode, or same size and content), new ids, and
extras pointed at their movies."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from kino_tui.core.catalog.compact import ScanItem
from kino_tui.core.models import MediaItem, ScanSummary
from kino_tui.core.pathnames import is_under, parent_folder
from kino_tui.core.scan.state import ScanState
from kino_tui.core.walk.listing import WalkResult
from kino_tui.core.watch.store import WatchStore, now_iso

#: The kinds an extra's link (``extra_of``) depends on.
LINK_KINDS = frozenset({"movie", "video", "extra"})


def match_moves(
    gone: list[MediaItem],
    fresh: list[ScanItem],
    state: ScanState,
    summary: ScanSummary,
    watch: WatchStore | None,
    remove: bool = True,
    added: list[MediaItem] | None = None,
) -> None:
    """Give new files the identity of vanished ones: same inode first, then same content;
    the vanished ones left are removed (when ``remove``); the new items with an NFO go
    into ``added`` (whose watch state the application reads from it)."""
    by_inode = {(i.device, i.inode, i.size): i for i in gone if i.inode}
    by_content: dict[tuple[int, str], list[MediaItem]] = {}
    for old in gone:
        if old.fingerprint:
            by_content.setdefault((old.size, old.fingerprint), []).append(old)
    matches: dict[int, MediaItem] = {}
    taken: set[str] = set()
    for index, item in enumerate(fresh if by_inode else ()):  # (an item's row is parsed
        same_inode = by_inode.get((item.device, item.inode, item.size))  # to ask it these)
        if same_inode is not None and same_inode.id not in taken:
            matches[index] = same_inode
            taken.add(same_inode.id)
    for index, item in enumerate(fresh if by_content else ()):
        if index in matches or not item.fingerprint:
            continue
        candidates = [
            c for c in by_content.get((item.size, item.fingerprint), []) if c.id not in taken
        ]
        if candidates:
            name = item.path.rpartition("/")[2]
            chosen = next((c for c in candidates if c.path.endswith("/" + name)), candidates[0])
            matches[index] = chosen
            taken.add(chosen.id)
    reattach: dict[str, str] | None = None
    now = now_iso()  # one text for every item added now (250,000 of them at once)
    for index, item in enumerate(fresh):
        matched = matches.get(index)
        if matched is not None:
            item.id, item.added = matched.id, matched.added
            summary.moved += 1
        else:
            if reattach is None:
                reattach = watch.ids_by_path() if watch is not None else {}
            known = reattach.get(item.path)
            item.id = known if known and not state.id_in_use(known) else new_id()
            item.added = now
            summary.added += 1
            if added is not None and isinstance(item, MediaItem) and item.nfo:
                added.append(item)
        state.items[item.id] = item
    for old in gone:
        if old.id not in taken and remove:
            del state.items[old.id]
            summary.removed += 1


def can_see_gone(item: MediaItem, walked: WalkResult) -> bool:
    """True when the scan could see the item's file is really gone (Kodi's rule)."""
    folder = item.folder
    if any(is_under(folder, unreadable) for unreadable in walked.unreadable):
        return False
    if folder in walked.folders:
        return True
    ancestor = folder
    while ancestor not in walked.folders:
        parent = parent_folder(ancestor)
        if parent == ancestor:
            return False
        ancestor = parent
    # The nearest folder that still exists: an empty one is a mount point that went away.
    return walked.folders[ancestor].entry_count > 0


def link_extras(scanned: Iterable[ScanItem]) -> None:
    """Point each extra at the movie (or video) whose folder it belongs to (items kept
    as rows are neither: see ``core/catalog/compact.py``)."""
    items = [item for item in scanned if isinstance(item, MediaItem)]
    owners: dict[str, str] = {}
    for item in sorted(items, key=lambda i: i.path):
        if item.kind in ("movie", "video"):
            owners.setdefault(item.folder, item.id)
    for item in items:
        if item.kind == "extra":
            item.extra_of = owners.get(item.extra_owner or "")
        else:
            item.extra_of = None


def new_id() -> str:
    return uuid.uuid4().hex[:12]
