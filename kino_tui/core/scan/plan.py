"""A root's plan: its walk, each folder's key, and which folders keep their items (left
packed when they can be) and which are read again."""

from __future__ import annotations

import threading
from collections.abc import Callable

from kino_tui.core.models import LibraryRoot, MediaItem, Problem, ScanProgress, ScanSummary
from kino_tui.core.pathnames import parent_folder
from kino_tui.core.scan.analysis import FolderJob
from kino_tui.core.scan.state import (
    ANALYSIS_VERSION,
    Plan,
    ScanState,
    root_is_offline,
    seen_unchanged,
    walk_progress,
)
from kino_tui.core.walk.listing import FolderListing, WalkResult
from kino_tui.core.walk.walker import Walking, walk


def plan_root(
    root: LibraryRoot,
    state: ScanState,
    summary: ScanSummary,
    on_progress: Callable[[ScanProgress], None] | None,
    cancel: threading.Event | None,
    walking: Walking | None,
    walked: WalkResult | None,
    workers: int,
) -> Plan | None:
    """Walk a root (unless ``walked`` already) and sort its folders: unchanged ones
    keep their items (left packed when they can be), the others are to be read. None
    when the root is offline."""
    documents = state.documents(root.path)
    for document in documents:
        if not document.indexed:  # written before the index: packed again with it
            state.take(document)
    progress = walk_progress(root, on_progress, cancel)
    if walked is None:
        if walking is not None:  # started before the catalog was read
            walked = walking.result(progress)
        else:
            walked = walk(root.path, progress, workers, root.follow_links)
    if root_is_offline(walked.folders.get(root.path)):
        reason = "is empty" if root.path in walked.folders else "cannot be read or is missing"
        summary.problems.append(
            Problem(root.path, f"library folder {reason}: treated as offline, nothing removed")
        )
        for document in documents:
            if not state.is_taken(document):
                count = sum(document.folders().values())
                if document.unavailable() < count:
                    state.take(document)  # some of its items are to be marked
                else:
                    summary.unavailable += count
        for item in state.unpacked_items(root.path):
            item.available = False
            summary.unavailable += 1
        return None
    summary.problems.extend(walked.problems)
    for document in documents:
        if document.unavailable():
            state.take(document)  # its items may be back

    # How many items each folder holds in the documents still packed (all of them
    # available: see above), and the items already unpacked, by folder.
    still_packed = [(d, d.folders()) for d in documents if not state.is_taken(d)]
    packed_counts: dict[str, int] = {}
    for _, counts in still_packed:
        both = packed_counts.keys() & counts.keys()  # folders of several kinds
        added = {folder: packed_counts[folder] + counts[folder] for folder in both}
        packed_counts.update(counts)
        packed_counts.update(added)
    by_folder: dict[str, list[MediaItem]] = {}
    for item in state.unpacked_items(root.path):
        by_folder.setdefault(item.folder, []).append(item)

    keys = folder_keys(root, walked)
    state.walks[root.path] = (walked, keys)
    unchanged: set[str] = set()
    to_read: list[FolderListing] = []
    stored = state.folders
    for path, key in keys.items():
        if stored.get(path) == key and (path in packed_counts or path in by_folder):
            unchanged.add(path)
        else:
            to_read.append(walked.folders[path])
    # A folder read again or gone needs its items: unpack the documents that hold it.
    stale = {folder for folder in packed_counts if folder not in unchanged}
    for document, counts in still_packed:
        if not stale.isdisjoint(counts):
            state.take(document)
            for item in document.items():
                by_folder.setdefault(item.folder, []).append(item)
                packed_counts[item.folder] -= 1

    not_seen = {item.path: item for items in by_folder.values() for item in items}
    summary.unchanged += sum(packed_counts.get(path, 0) for path in unchanged)
    for path in unchanged & by_folder.keys():
        seen_unchanged(by_folder[path], not_seen, summary)
    return walked, keys, by_folder, not_seen, to_read


def folder_keys(root: LibraryRoot, walked: WalkResult) -> dict[str, str]:
    """A key per folder with media: its own listing plus the sidecars of the two folders
    above it (inside the root)."""
    head = f"{ANALYSIS_VERSION}|{root.type}|"
    keys = {}
    for path, listing in walked.folders.items():
        if listing.has_media():
            parent, grandparent = listing.sidecars_above()
            keys[path] = f"{head}{listing.signature()}|{parent}|{grandparent}"
    return keys


def job_for(
    root: LibraryRoot, listing: FolderListing, walked: WalkResult, previous: list[MediaItem]
) -> FolderJob:
    parent = walked.folders.get(parent_folder(listing.path)) if listing.path != root.path else None
    grandparent = (
        walked.folders.get(parent_folder(parent.path))
        if parent and parent.path != root.path
        else None
    )
    return FolderJob(
        path=listing.path,
        root=root,
        folders=listing.folders,
        files=listing.files,
        parent_names=parent.names() if parent else (),
        grandparent_names=grandparent.names() if grandparent else (),
        previous={tuple(item.parts): item for item in previous},
    )
