"""The no-change shortcuts of a scan, through the stamps (:mod:`kino_tui.core.scan.stamps`):
every root's folders as stamped (stat only), or every root's walk as stamped (the catalog
not read); and the stamps an ordinary scan leaves."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from kino_tui.core.catalog.rows import objects_for_life
from kino_tui.core.forking import can_fork as _can_fork
from kino_tui.core.hashing import blake2b
from kino_tui.core.models import LibraryRoot, ScanProgress, ScanSummary
from kino_tui.core.pathnames import is_under
from kino_tui.core.scan.stamps import (
    RootStamp,
    ScanStamps,
    quick_folders,
    quick_unchanged,
    trusted_devices,
)
from kino_tui.core.scan.state import (
    ANALYSIS_VERSION,
    ScanState,
    Stopped,
    root_is_offline,
    walk_progress,
)

if TYPE_CHECKING:
    from kino_tui.core.walk.listing import WalkResult


def quickly_unchanged(
    roots: Sequence[LibraryRoot],
    stamped: dict[str, RootStamp],
    on_progress: Callable[[ScanProgress], None] | None,
    cancel: threading.Event | None,
    workers: int,
) -> ScanSummary | None:
    """The summary of a scan that changes nothing, when every root's stamp holds its
    folders and they are as stamped (see :func:`quick_unchanged`); else None."""
    if not roots or (cancel is not None and cancel.is_set()):
        return None
    stamps: list[RootStamp] = []
    for root in roots:
        stamp = stamped.get(root.path)
        if stamp is None or stamp.folders is None or stamp.settings != stamp_settings(root):
            return None
        stamps.append(stamp)
    if on_progress is not None:
        on_progress(ScanProgress("walking", 0, 0, roots[0].path))
    if not quick_unchanged(stamps, parallel=workers > 1 and _can_fork()):
        return None
    if on_progress is not None:
        checked = sum(sum(stamp.stats) for stamp in stamps)
        on_progress(ScanProgress("walking", checked, 0, roots[-1].path))
    return ScanSummary(unchanged=sum(stamped[root.path].items for root in roots))


def walked_unchanged(
    roots: Sequence[LibraryRoot],
    stamps: ScanStamps,
    stamped: dict[str, RootStamp],
    walks: dict[str, WalkResult],
    walk_started_ns: int,
    on_progress: Callable[[ScanProgress], None] | None,
    cancel: threading.Event | None,
    workers: int,
) -> ScanSummary | None:
    """The summary of a scan that changes nothing, when every root's walk is as
    stamped (see :mod:`kino_tui.core.scan.stamps`); else None, the walks made so far
    left in ``walks`` for the ordinary scan. The stamps get the folders as walked now."""
    if not roots or any(
        root.path not in stamped or stamped[root.path].settings != stamp_settings(root)
        for root in roots
    ):
        return None
    summary = ScanSummary()
    restamped = dict(stamped)
    trusted = trusted_devices()
    for root in roots:
        if cancel is not None and cancel.is_set():
            return None  # the ordinary scan says it stopped
        progress = walk_progress(root, on_progress, cancel)
        # the walker (and the naming rules it loads) only when a folder is listed:
        # a rescan that only stats the stamped folders saves their 40 ms of imports
        from kino_tui.core.walk.walker import walk

        try:
            with objects_for_life():  # the walk makes ~10^5 objects and no cycles
                walked = walk(root.path, progress, workers, root.follow_links)
        except Stopped:
            return None
        walks[root.path] = walked
        stamp = stamped[root.path]
        if (
            walked.unreadable
            or root_is_offline(walked.folders.get(root.path))
            or tree_digest(root, walked) != stamp.tree
        ):
            return None
        summary.unchanged += stamp.items
        summary.problems.extend(walked.problems)
        # the folders as walked now (their times may have changed with other files)
        folders = walked.folders.values()
        quick = quick_folders(folders, walked.problems, walk_started_ns, trusted)
        stats, texts = quick or ((0, 0), None)
        restamped[root.path] = RootStamp(stamp.settings, stamp.tree, stamp.items, stats, texts)
    if restamped != stamped:
        stamps.write(restamped)
    summary.errors = len(summary.problems)
    return summary


def stamp_settings(root: LibraryRoot) -> str:
    """What a root's stamp depends on besides its folders."""
    return f"{root.type}|{root.follow_links}"


def tree_digest(root: LibraryRoot, walked: WalkResult) -> str:
    """One digest of a root's walk: every folder met (its path and its signature) in
    order, and what else its folder keys depend on."""

    head = f"{ANALYSIS_VERSION}|{root.type}|{root.follow_links}|{len(walked.folders)}"
    text = "\0".join([head, *(f"{p}\0{f.signature()}" for p, f in walked.folders.items())])
    return blake2b(text.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


def stamps_after(
    roots: Sequence[LibraryRoot],
    state: ScanState,
    summary: ScanSummary,
    kept: dict[str, RootStamp],
    walk_started_ns: int,
) -> dict[str, RootStamp]:
    """The stamps to keep after an ordinary scan: ``kept`` (the other roots'), with each
    root scanned stamped when the next scan of an unchanged tree would read nothing and
    change nothing: every folder with media keyed as walked (none failed or left unread)
    and holding items, nothing unreadable, every item available, the scan not stopped."""
    stamps = dict(kept)
    trusted = trusted_devices()
    for root in roots:
        stamps.pop(root.path, None)
        if summary.stopped or root.path not in state.walks:
            continue
        walked, keys = state.walks[root.path]
        if walked.unreadable:
            continue
        stored = {path: key for path, key in state.folders.items() if is_under(path, root.path)}
        if stored != keys:
            continue
        counts: dict[str, int] = {}  # items by folder
        documents = [d for d in state.documents(root.path) if not state.is_taken(d)]
        if any(document.unavailable() for document in documents):
            continue
        for document in documents:
            for folder, count in document.folders().items():
                counts[folder] = counts.get(folder, 0) + count
        taken = state.root_items(root.path)
        if not all(item.available for item in taken):
            continue
        for item in taken:
            counts[item.folder] = counts.get(item.folder, 0) + 1
        if keys.keys() <= counts.keys():  # a folder without items is read every scan
            quick = quick_folders(
                walked.folders.values(), walked.problems, walk_started_ns, trusted
            )
            stats, texts = quick or ((0, 0), None)
            tree, items = tree_digest(root, walked), sum(counts.values())
            stamps[root.path] = RootStamp(stamp_settings(root), tree, items, stats, texts)
    return stamps
