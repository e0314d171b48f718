"""Scanning: which roots, with progress and cancel; the scanner reads the catalog once (not at
all when nothing changed: see core/scanstamps.py)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from kino_tui.core.errors import ConfigError, DataFileUnwritable, LockTimeout
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
    return summary
