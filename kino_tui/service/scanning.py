"""Scanning: which roots, with progress and cancel; the scanner reads the catalog once (not at
all when nothing changed: see core/scanstamps.py)."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from kino_tui.core.errors import ConfigError, DataFileUnwritable, LockTimeout
from kino_tui.core.models import LibraryRoot, MediaItem, Progress, ScanProgress, ScanSummary
from kino_tui.core.pathnames import normalise_root
from kino_tui.core.watch.store import now_iso
from kino_tui.service.roots import scan_records

if TYPE_CHECKING:
    from kino_tui.service.library import Library


def roots_for(library: Library, folders: Sequence[str]) -> list[LibraryRoot]:
    """The configured roots named by ``folders`` (all of them when none is named)."""
    if not folders:
        return list(library.settings.roots)
    wanted = {normalise_root(f) for f in folders}
    chosen = [root for root in library.settings.roots if root.path in wanted]
    unknown = wanted - {root.path for root in chosen}
    if unknown:
        raise ConfigError(f"{sorted(unknown)[0]} is not a library folder (see `kino roots`)")
    return chosen


def scan(
    library: Library,
    chosen: Sequence[LibraryRoot] | None,
    on_progress: Callable[[ScanProgress], None] | None,
    cancel: threading.Event | None,
    folders: Sequence[str] | None = None,
) -> ScanSummary:
    """Scan roots (or only ``folders`` of them), and record when and what it found."""
    # the UI starts without the scanner
    from kino_tui.core.scan.scanner import Scanner

    roots = library.settings.roots if chosen is None else chosen
    scanner = Scanner(library.catalog, library.watch)
    summary = scanner.scan(roots, on_progress=on_progress, cancel=cancel, folders=folders)
    change = scanner.catalog_change
    with contextlib.suppress(DataFileUnwritable, LockTimeout):  # the catalog is saved
        nfo_history(library, scanner.added)
    del scanner  # its items go before the index is built (a first scan's peak memory),
    gc.collect()  # and what the scan left in reference cycles (130 MB at 250,000 tracks)
    read = None
    if folders is not None:  # (a whole scan: no walking or naming modules imported)
        from kino_tui.core.scan.limits import scan_limits

        read = scan_limits(roots, folders)
    scanned = [root.path for root in roots]
    with contextlib.suppress(DataFileUnwritable, LockTimeout):  # the catalog is saved
        scan_records(library).record(
            scanned, summary.problems, now_iso(), read, stopped=summary.stopped
        )
    if folders is None:
        # the browsing stack (core/browse via indexing): only when the scan changed something
        from kino_tui.service.indexing import refresh_index

        refresh_index(library)
    elif change is not None:
        # a live update (in the TUI's process): the index patched with the rows it
        # replaced, a few milliseconds; when that cannot be done, the next reader builds
        # it again (seconds of CPU at 250,000 items: not on the screen's time)
        from kino_tui.core.catalog.index_patch import patch_index

        patch_index(library.index, change)
    return summary


def nfo_history(library: Library, added: Sequence[MediaItem]) -> int:
    """The watch state Kodi or Jellyfin wrote into the NFOs of items a scan found new and
    kino has no record of (a library opens with its history); how many were taken. Only
    those items' NFOs are read again (the scan has just read them: they are in the page
    cache), and only those holding a play tag are parsed."""
    candidates = [i for i in added if i.nfo and i.kind in ("movie", "episode", "video")]
    if not candidates:
        return 0
    # only when a scan found new items with NFOs (a rescan imports none of them)
    from kino_tui.core.metadata.nfo import NfoError
    from kino_tui.core.metadata.nfo_watched import read_watch_state
    from kino_tui.service.importers.nfo import record_from
    known = library.watch.all()
    found: dict[str, Progress | None] = {}
    items = []
    for item in candidates:
        if item.id in known:
            continue
        try:
            state = read_watch_state(item.nfo or "", quick=True)
        except NfoError:
            continue  # the scan has listed the damaged NFO among its problems
        if state is None or not state.says_anything:
            continue
        found[item.id] = record_from(item, state).progress(item)
        items.append(item)
    if items:
        library.watch.restore_many(items, found)
    return len(items)
