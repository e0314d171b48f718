"""What the box may send: only the files of items in its catalog, under its library roots.

A stream request names an item by id (a key of the catalog, never a path), which file of
it (a part of the movie, or an external subtitle file) and its index. The file is served
only when its real path (symlinks resolved) is inside the real path of one of the
configured library roots, it has no ``..`` in it, and it is a regular file. A root whose
``[[roots]]`` table says ``follow_links = true`` may hold symlinks that lead out of it:
its files are served when their path as scanned is inside it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence

from kino_tui.core.errors import KinoError
from kino_tui.core.models import LibraryRoot, MediaItem
from kino_tui.core.pathnames import is_under

#: The item fields that name an artwork file the client may ask for.
ARTWORK_FIELDS = ("poster", "show_poster", "fanart", "thumb")
#: Which file of an item a stream request names.
FILE_KINDS = ("part", "sub")


class Refused(KinoError):
    """The request names a file the box does not serve."""


def item_files(item: MediaItem, kind: str) -> list[str]:
    """The files of ``item`` a stream request can name, by index."""
    if kind == "part":
        return list(item.parts or [item.path])
    if kind == "sub":
        return [track.path for track in item.subtitles if track.external and track.path]
    raise Refused(f"no such kind of file: {kind!r}")


def servable_file(
    item: MediaItem, index: int, roots: Sequence[LibraryRoot], kind: str = "part"
) -> str:
    """The real path to send for file ``index`` of ``kind`` of ``item``; raises
    :class:`Refused` when it is not a file under a library root."""
    files = item_files(item, kind)
    if not 0 <= index < len(files):
        raise Refused(f"{item.display_title} has no {kind} {index}")
    path = files[index]
    if not os.path.isabs(path) or ".." in path.split("/"):
        raise Refused(f"{path!r} is not a plain absolute path")
    real = os.path.realpath(path)
    for root in roots:
        if not is_under(path, root.path):
            continue
        if is_under(real, os.path.realpath(root.path)) or root.follow_links:
            break
    else:
        raise Refused(f"{path} is not inside a library folder of the box")
    try:
        mode = os.stat(real).st_mode
    except OSError as error:
        raise Refused(f"{path} cannot be read: {error.strerror}") from None
    if not stat.S_ISREG(mode):
        raise Refused(f"{path} is not a regular file")
    return real
