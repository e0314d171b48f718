"""Scanning: which roots, with progress and cancel; the scanner reads the catalog once (not at
all when nothing changed: see core/scanstamps.py)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from kino_tui.core.errors import CatalogDamaged, ConfigError, DataFileUnwritable, LockTimeout
from kino_tui.core.models import LibraryRoot, ScanProgress, ScanSummary
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
    from kino_tui.core.scan.limits import scan_limits
    from kino_tui.core.scan.scanner import Scanner

    roots = library.settings.roots if chosen is None else chosen
    summary = Scanner(library.catalog, library.watch).scan(
        roots, on_progress=on_progress, cancel=cancel, folders=folders
    )
    read = None if folders is None else scan_limits(roots, folders)
    scanned = [root.path for root in roots]
    with contextlib.suppress(DataFileUnwritable, LockTimeout):  # the catalog is saved
        scan_records(library).record(
            scanned, summary.problems, now_iso(), read, stopped=summary.stopped
        )
    if folders is None:
        # a whole scan; a live update's folders are scanned in the TUI's process, which
        # reads the whole catalog again anyway: rebuilding the index there too (seconds
        # of CPU at 250,000 items) would slow the screen, so the next reader rebuilds it
        refresh_index(library)
    return summary


def refresh_index(library: Library) -> bool:
    """Build the catalog's index again unless it matches the catalog (a scan that changed
    nothing keeps it): the next search, ``kino play ID`` or album opened reads a few rows
    instead of the catalog. Says whether it was built."""
    with library.index.reading() as reader:
        if reader is not None:
            return False
    from kino_tui.service import indexing  # the browsing stack: only to build the index

    before = indexing.signature(library)
    try:
        packed = library.catalog.read()
    except CatalogDamaged:
        return False  # the next reader sets it aside and says so
    return indexing.rebuild(library, packed, before)
