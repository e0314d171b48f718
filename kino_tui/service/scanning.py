"""Scanning: which roots, with progress and cancel; the scanner reads the catalog once (not at
all when nothing changed: see core/scanstamps.py)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from kino_tui.config import normalise_root
from kino_tui.core.errors import ConfigError
from kino_tui.core.models import LibraryRoot, ScanProgress, ScanSummary

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
) -> ScanSummary:
    from kino_tui.core.scanner import Scanner  # the UI starts without the scanning stack

    roots = library.settings.roots if chosen is None else chosen
    return Scanner(library.catalog, library.watch).scan(
        roots, on_progress=on_progress, cancel=cancel
    )
