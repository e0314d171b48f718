"""A scan limited to some folders (what live updates saw change): which folders, by
root, and the plan of a root's part under them."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from kino_tui.core.models import LibraryRoot, MediaItem, ScanSummary
from kino_tui.core.pathnames import is_under, is_under_any, parent_folder
from kino_tui.core.scan.folders import FolderState
from kino_tui.core.scan.plan import folder_keys
from kino_tui.core.scan.state import Plan, seen_unchanged
from kino_tui.core.walk.listing import FolderListing
from kino_tui.core.walk.walker import walk_below


def scan_limits(roots: Sequence[LibraryRoot], folders: Sequence[str]) -> dict[str, list[str]]:
    """The folders of a limited scan by root: each one that is gone replaced by its
    nearest existing parent inside its root, and none below another."""
    by_root: dict[str, list[str]] = {}
    for folder in folders:
        folder = folder.rstrip("/") or "/"
        owners = [root.path for root in roots if is_under(folder, root.path)]
        if not owners:
            continue  # not in a root scanned now
        owner = max(owners, key=len)
        while folder != owner and not os.path.isdir(folder):
            folder = parent_folder(folder)
        by_root.setdefault(owner, []).append(folder)
    limits: dict[str, list[str]] = {}
    for owner, chosen in by_root.items():
        tops: list[str] = []
        for folder in sorted(set(chosen), key=len):
            if not is_under_any(folder, tops):
                tops.append(folder)
        limits[owner] = tops
    return limits


def plan_part(
    root: LibraryRoot,
    tops: list[str],
    state: FolderState,
    summary: ScanSummary,
    progress: Callable[[int], None] | None,
) -> Plan:
    """:func:`~kino_tui.core.scan.plan.plan_root` for the folders under ``tops`` only: they are listed (with
    the two folders above each, whose names and sidecars the analysis and the keys
    need), and of the documents holding one of them only the rows under them are read."""
    for document in state.documents(root.path):
        if not document.indexed:  # written before the index: packed again with it
            state.take(document)
    walked = walk_below(root.path, tops, root.follow_links)
    if progress is not None:
        progress(len(walked.folders))
    summary.problems.extend(walked.problems)
    for document in state.documents(root.path):
        if not state.is_taken(document) and any(
            is_under_any(folder, tops) for folder in document.folders()
        ):
            state.open_under(document, tops)  # its rows under them only (scan/folders.py)
    by_folder: dict[str, list[MediaItem]] = {}
    for item in state.unpacked_items(root.path):
        if is_under_any(item.folder, tops):
            by_folder.setdefault(item.folder, []).append(item)
    not_seen = {item.path: item for items in by_folder.values() for item in items}
    keys = {p: k for p, k in folder_keys(root, walked).items() if is_under_any(p, tops)}
    to_read: list[FolderListing] = []
    for path, key in keys.items():
        if state.folders.get(path) != key or path not in by_folder:
            to_read.append(walked.folders[path])
            continue
        seen_unchanged(by_folder[path], not_seen, summary)
    return walked, keys, by_folder, not_seen, to_read
