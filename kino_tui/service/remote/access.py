"""What the box may send: only the files of items in its catalog, under its library roots.

A stream request names an item by id (a key of the catalog, never a path), which file of
it (a part of the movie, or an external subtitle file) and its index; a poster request
names an item and an artwork field. Every file is opened once, beneath a library root,
and sent from that descriptor (:func:`open_beneath`):

- the path the catalog stored must lie under a root (no ``..``, absolute);
- its real path (symlinks resolved) must lie under the real path of that root, or, for
  a root whose ``[[roots]]`` table says ``follow_links = true``, of *some* root;
- the real path is then opened from the root's folder one component at a time with
  ``O_NOFOLLOW``: a folder or file swapped for a symlink after the check makes the open
  fail, it is never followed;
- the open descriptor must be a regular file (checked with ``fstat``).

What this does not protect: a library root's own path (configured by the box's user) is
trusted as it is; a hard link inside a root to a file elsewhere is a regular file there
(Linux refuses to make hard links to files the linker cannot read and write, with
``fs.protected_hardlinks = 1``, the default).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator, Sequence

from kino_tui.core.errors import KinoError
from kino_tui.core.models import LibraryRoot, MediaItem
from kino_tui.core.pathnames import is_under

#: The item fields that name an artwork file the client may ask for.
ARTWORK_FIELDS = ("poster", "show_poster", "fanart", "thumb")
#: Which file of an item a stream request names.
FILE_KINDS = ("part", "sub")
_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC  # a FIFO does not block


class Refused(KinoError):
    """The request names a file the box does not serve."""


def item_files(item: MediaItem, kind: str) -> list[str]:
    """The files of ``item`` a stream request can name, by index."""
    if kind == "part":
        return list(item.parts or [item.path])
    if kind == "sub":
        return [track.path for track in item.subtitles if track.external and track.path]
    raise Refused(f"no such kind of file: {kind[:20]!r}")


def _beneath(path: str, roots: Sequence[LibraryRoot]) -> tuple[str, str]:
    """(the real folder of the root to open from, the real path under it) for ``path``;
    raises :class:`Refused` when it does not lie under a root as the module says."""
    if not os.path.isabs(path) or ".." in path.split("/"):
        raise Refused(f"{path!r} is not a plain absolute path")
    try:
        real = os.path.realpath(path)
    except OSError as error:  # a folder of it vanished while it was resolved
        raise Refused(f"{path} cannot be read: {error.strerror}") from None
    real_roots = [os.path.realpath(root.path) for root in roots]
    for root, real_root in zip(roots, real_roots, strict=True):
        if not is_under(path, root.path):
            continue
        if is_under(real, real_root):
            return real_root, real
        if root.follow_links:  # a link out of this root: to a file under some root
            for other in real_roots:
                if is_under(real, other):
                    return other, real
    raise Refused(f"{path} is not inside a library folder of the box")


@contextlib.contextmanager
def open_beneath(path: str, roots: Sequence[LibraryRoot]) -> Iterator[int]:
    """:func:`open_file`, closed when the block ends."""
    descriptor = open_file(path, roots)
    try:
        yield descriptor
    finally:
        os.close(descriptor)


def open_file(path: str, roots: Sequence[LibraryRoot]) -> int:
    """A read-only descriptor of the regular file ``path``, opened beneath a library
    root as the module says (the caller closes it). Raises :class:`Refused`."""
    folder, real = _beneath(path, roots)
    names = [name for name in real[len(folder) :].split("/") if name]
    if not names:
        raise Refused(f"{path} is not a file")
    try:
        current = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as error:
        raise Refused(f"{path} cannot be read: {error.strerror}") from None
    try:
        for name in names[:-1]:
            step = _open_step(name, current, _DIRECTORY, path)
            os.close(current)
            current = step
        descriptor = _open_step(names[-1], current, _FILE, path)
    finally:
        os.close(current)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise Refused(f"{path} is not a regular file")
        os.set_blocking(descriptor, True)
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def _open_step(name: str, folder: int, flags: int, path: str) -> int:
    try:
        return os.open(name, flags, dir_fd=folder)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENOTDIR):
            raise Refused(f"{path} changed into a link while it was opened") from None
        raise Refused(f"{path} cannot be read: {error.strerror}") from None


def servable_path(item: MediaItem, index: int, kind: str = "part") -> str:
    """The path the catalog gives for file ``index`` of ``kind`` of ``item``."""
    files = item_files(item, kind)
    if not 0 <= index < len(files):
        raise Refused(f"{item.display_title} has no {kind} {index}")
    return files[index]


def check_servable(
    item: MediaItem, index: int, roots: Sequence[LibraryRoot], kind: str = "part"
) -> None:
    """Raise :class:`Refused` unless file ``index`` of ``kind`` of ``item`` can be sent."""
    with open_beneath(servable_path(item, index, kind), roots):
        pass


def read_beneath(path: str, roots: Sequence[LibraryRoot], limit: int) -> bytes:
    """The bytes of a small file (artwork) opened beneath a root; refused past ``limit``."""
    with open_beneath(path, roots) as descriptor:
        if os.fstat(descriptor).st_size > limit:
            raise Refused(f"{path} is too large for a poster")
        chunks, size = [], 0
        while chunk := os.read(descriptor, 1 << 20):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise Refused(f"{path} is too large for a poster")
    return b"".join(chunks)
