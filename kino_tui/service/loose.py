"""``kino play PATH`` of a file the catalog does not hold, as a user types ``mpv PATH``.

Under a library folder the file is scanned into the catalog first (a scan limited to its
folder) and plays as any item. Anywhere else it plays as a *loose* item: read like a scan
reads a file (its name, its streams), with an id of its own derived from its path, so its
progress and history are kept (``kino history`` shows it) and a second play resumes it.
"""

from __future__ import annotations

import hashlib
import os
from typing import TYPE_CHECKING

from kino_tui.core.errors import ItemNotFound
from kino_tui.core.models import LibraryRoot, MediaItem
from kino_tui.core.pathnames import is_under

if TYPE_CHECKING:
    from kino_tui.service.library import Library

#: Loose items' ids: ``loose-`` and a digest of the file's path (a catalog id never
#: starts so).
LOOSE_PREFIX = "loose-"


def find_or_take(library: Library, target: str) -> tuple[list[MediaItem], list[str]]:
    """What ``target`` names in the catalog; else, for a media file on this machine, the
    file scanned into the catalog (under a library folder) or as a loose item."""
    try:
        return library.find_items(target)
    except ItemNotFound:
        path = os.path.abspath(os.path.expanduser(target))
        if not os.path.isfile(path):
            raise
        root = next((r for r in library.settings.roots if is_under(path, r.path)), None)
        if root is not None:
            library.scan([root], folders=[os.path.dirname(path)])
            try:
                return library.find_items(path)
            except ItemNotFound:
                pass  # a file the scan does not take (hidden, or an extra): played loose
        item = loose_item(path)
        if item is None:
            raise ItemNotFound(
                f"{target} is not a video or audio file kino knows (by its extension)"
            ) from None
        return [item], []


def loose_item(path: str) -> MediaItem | None:
    """The file read as a scan reads it, alone in its folder; None when it is not media."""
    # the analysis (naming rules, probes: 25 ms of imports) only for a loose file
    from kino_tui.core.scan.analysis import FileEntry, FolderJob, analyse_folder

    folder, name = os.path.split(path)
    stat = os.stat(path)
    entry = FileEntry(name, stat.st_size, stat.st_mtime, stat.st_ino, stat.st_dev)
    job = FolderJob(folder, LibraryRoot(folder, "mixed"), (), [entry])
    found = [item for item in analyse_folder(job).items if item.path == path]
    if not found:
        return None
    item = found[0]
    item.id = LOOSE_PREFIX + hashlib.sha256(os.fsencode(path)).hexdigest()[:12]
    item.root = ""
    return item
