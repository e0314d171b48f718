"""Scan stamps: what a no-change rescan needs to know without reading the catalog.

After a scan that left a root's catalog entries exactly as its folders are (every folder
with media read and keyed, nothing unreadable, every item available, not stopped), the
scanner stamps that root: one digest of everything its walk saw (each folder's path and
the signature of its relevant files: names, sizes, mtimes) and how many items it holds.
The stamps file also records the catalog file's identity (device, inode, size, mtime,
ctime) as it was then. The next scan walks the root as always; when the walk's digest is
the stamped one and the catalog file is still the stamped one, nothing can have changed
and the catalog is not even read. Anything else (no stamps, a damaged stamps file, a
catalog written since by anyone, another root type, another kino) is the ordinary scan,
which stamps again.

Quicker still, a stamp can hold what the walk saw of each folder (its device, inode,
mtime and ctime, and each relevant file's name, size and mtime): then the next scan
does not list folders at all but stats them and their files (:func:`quick_unchanged`).
A folder's mtime and ctime change whenever an entry is added to it, removed or renamed,
so a folder whose times and inode are as stamped holds the same entries; a file changed
in place is seen by its own size and mtime, as the walk sees it. This holds only where
folder times are kept faithfully and finely: so such a stamp is made only when every
folder is on a local file system (:data:`TRUSTED_FILE_SYSTEMS`, not a network share or
FUSE), none was changed within :data:`RACY_NS` before the walk (two changes within one
timestamp tick leave the same time), the walk met no symlink (a link's target can
change without its folder changing) and no problem (which is reported on every scan).
Anything else is walked as usual.

The file is a cache: it is never required, a damaged one is ignored, and one that cannot
be written is left out.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kino_tui.core.catalog.storage import dumps, loads
from kino_tui.core.errors import DataFileUnwritable
from kino_tui.core.fsutil import atomic_write_bytes

if TYPE_CHECKING:
    from kino_tui.core.models import Problem
    from kino_tui.core.walk.listing import FolderListing

#: Bump when what a stamp covers changes: every stamp then counts as missing once.
STAMPS_VERSION = 5
#: Local file systems that update a folder's mtime and ctime, in ns, on every change of
#: its entries.
TRUSTED_FILE_SYSTEMS = frozenset(
    {"ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "zfs", "f2fs", "bcachefs"}
)
#: A folder or file changed less than this before the walk that stamps it is not trusted.
RACY_NS = 2_000_000_000
#: Below this many stats, a second process costs more than it saves.
PARALLEL_STATS = 4096

#: A folder as stamped: path, device, inode, mtime and ctime (ns), and its relevant files
#: as one flat list, [name, size, mtime, name, size, mtime, …] (a third of the objects to
#: parse of a list per file).
QuickFolder = list[Any]


@dataclass(frozen=True, slots=True)
class RootStamp:
    """One root as its last complete scan left it: its settings as scanned (type, links
    followed), the walk's digest, the item count, and (when they can be trusted: see the
    module) its folders as walked: two JSON texts of about as many stats each, and how
    many stats checking each takes (a text that takes another number is not kino's).
    The file holds one line of JSON (the stamps, and where each text is in the rest)
    and then the texts: reading it parses only that line. Each process of :func:`quick_unchanged`
    parses only its own text: parsing is shared, and the big parsed lists are never
    shared (a forked process touching them would copy their memory page by page)."""

    settings: str
    tree: str
    items: int
    stats: tuple[int, int] = (0, 0)
    folders: Sequence[bytes | memoryview] | None = None


def catalog_identity(catalog: Path) -> list[int] | None:
    """What changes whenever the catalog file is written (it is replaced whole: a new
    inode), or None when there is no file."""
    try:
        status = os.stat(catalog)
    except OSError:
        return None
    return [status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns]


class ScanStamps:
    """The stamps file beside a catalog file (``catalog.json`` → ``catalog.stamps``)."""

    def __init__(self, catalog: Path, version: str) -> None:
        self.catalog = catalog
        self.path = catalog.with_name(catalog.stem + ".stamps")
        #: What else a stamp depends on (the catalog's schema, the analysis rules).
        self.version = f"{STAMPS_VERSION}/{version}"

    def read(self) -> dict[str, RootStamp]:
        """The stamps by root path; none when the file is missing or damaged, was written
        by another kino, or the catalog file has been written since."""
        try:
            data = self.path.read_bytes()
            end = data.find(b"\n")
            header, body = data[:end], memoryview(data)[end + 1 :]  # the texts: not copied
            raw: Any = loads(header)
            if raw.get("version") != self.version:
                return {}
            if raw.get("catalog") != catalog_identity(self.catalog):
                return {}
            stamps = {}
            for root, (settings, tree, items, stats, spans) in raw["roots"].items():
                if type(settings) is str and type(tree) is str and type(items) is int:
                    folders = _texts(body, spans) if _are_counts(stats) else None
                    counts = (stats[0], stats[1]) if folders else (0, 0)
                    stamps[root] = RootStamp(settings, tree, items, counts, folders)
            return stamps
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return {}

    def write(self, stamps: dict[str, RootStamp]) -> None:
        """Stamp the catalog file as it is now (call it holding the catalog's lock, after
        writing the catalog); the file is removed when there is nothing to stamp."""
        identity = catalog_identity(self.catalog)
        if identity is None or not stamps:
            with contextlib.suppress(OSError):
                self.path.unlink(missing_ok=True)
            return
        body: list[bytes | memoryview] = []  # the texts as they are: written, not copied
        size = 0
        roots: dict[str, list[Any]] = {}
        for root, stamp in sorted(stamps.items()):
            spans = None
            if stamp.folders is not None:
                spans = []
                for text in stamp.folders:
                    spans.append([size, size + len(text)])
                    size += len(text)
                    body.append(text)
            roots[root] = [stamp.settings, stamp.tree, stamp.items, list(stamp.stats), spans]
        header = dumps({"version": self.version, "catalog": identity, "roots": roots})
        with contextlib.suppress(DataFileUnwritable):  # a cache: the next scan reads all
            atomic_write_bytes(self.path, [header, b"\n", *body])


def _texts(body: memoryview, spans: Any) -> list[memoryview] | None:
    """The two texts at these spans of the body, or None."""
    if type(spans) is not list or len(spans) != 2:
        return None
    texts = []
    for span in spans:
        if not _are_counts(span) or not 0 <= span[0] <= span[1] <= len(body):
            return None
        texts.append(body[span[0] : span[1]])
    return texts


def _are_counts(stats: Any) -> bool:
    return type(stats) is list and len(stats) == 2 and all(type(n) is int for n in stats)


def trusted_devices() -> set[int]:
    """The devices (``st_dev``) mounted with a file system of :data:`TRUSTED_FILE_SYSTEMS`
    (none where /proc/self/mountinfo cannot be read)."""
    devices: set[int] = set()
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as mounts:
            lines = mounts.readlines()
    except OSError:
        return devices
    for line in lines:
        fields = line.split(" - ", 1)
        if len(fields) != 2:
            continue
        numbers, kind = fields[0].split(" ")[2:3], fields[1].split(" ", 1)[0]
        if kind in TRUSTED_FILE_SYSTEMS and numbers:
            major, _, minor = numbers[0].partition(":")
            with contextlib.suppress(ValueError):
                devices.add(os.makedev(int(major), int(minor)))
    return devices


def quick_folders(
    listings: Iterable[FolderListing],
    problems: Sequence[Problem],
    walk_started_ns: int,
    trusted: set[int],
) -> tuple[tuple[int, int], list[bytes]] | None:
    """The folders of a walk as a stamp keeps them for :func:`quick_unchanged` (how many
    stats each text takes, and the two texts), or None when they cannot be trusted (see
    the module)."""
    if problems:
        return None
    threshold = walk_started_ns - RACY_NS
    threshold_seconds = threshold / 1e9
    file_times = itemgetter(2)  # (a C loop over each folder's files)
    chosen: list[FolderListing] = []
    for listing in listings:
        device, _, mtime, ctime = listing.status
        if listing.linked or device not in trusted or max(mtime, ctime) >= threshold:
            return None
        listed = listing.listed()
        if listed and max(map(file_times, listed)) >= threshold_seconds:
            return None
        chosen.append(listing)
    total = sum(1 + len(listing.listed()) for listing in chosen)
    half = count = 0
    while count * 2 < total:
        count += 1 + len(chosen[half].listed())
        half += 1
    texts = [_folders_text(part) for part in (chosen[:half], chosen[half:])]
    return (count, total - count), texts


_FOLDERS_A_PIECE = 500


def _folders_text(listings: Sequence[FolderListing]) -> bytes:
    """The JSON text of these folders as :data:`QuickFolder` lists, made a few hundred
    folders at a time (at 250,000 files every folder's list at once was 80 MB more at
    the end of a first scan, when its memory peaks)."""
    file_values = itemgetter(0, 1, 2)
    pieces = []
    for start in range(0, len(listings), _FOLDERS_A_PIECE):
        folders: list[QuickFolder] = []
        for listing in listings[start : start + _FOLDERS_A_PIECE]:
            device, inode, mtime, ctime = listing.status
            files = list(chain.from_iterable(map(file_values, listing.listed())))
            folders.append([listing.path, device, inode, mtime, ctime, files])
        pieces.append(dumps(folders)[1:-1])
    return b"[" + b",".join(pieces) + b"]"


def quick_unchanged(stamps: Sequence[RootStamp], parallel: bool = False) -> bool:
    """Whether every folder of these stamps still has its device, inode, mtime and ctime
    on a trusted file system, and every file its size and mtime as a regular file. With
    ``parallel`` (and enough to check), a forked process checks the second text of each."""
    trusted = trusted_devices()
    first = [(s.folders[0], s.stats[0]) for s in stamps if s.folders is not None]
    second = [(s.folders[1], s.stats[1]) for s in stamps if s.folders is not None]
    if len(first) < len(stamps):
        return False
    if not parallel or sum(sum(stamp.stats) for stamp in stamps) < PARALLEL_STATS:
        return _check(first + second, trusted)
    pid = os.fork()
    if pid == 0:  # the helper: its half, its answer in its exit status, no cleanup
        same = False
        try:
            same = _check(second, trusted)
        finally:
            os._exit(0 if same else 1)
    same = False
    try:
        same = _check(first, trusted)
    finally:
        if not same:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    return same and status == 0


def _check(texts: list[tuple[bytes | memoryview, int]], trusted: set[int]) -> bool:
    """Whether the folders of these texts are as stamped, each text taking as many stats
    as it should."""
    for text, stats in texts:
        try:
            folders = loads(bytes(text))
        except ValueError:
            return False
        if type(folders) is not list or not _same(folders, stats, trusted):
            return False
    return True


_FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC


def _same(folders: list[QuickFolder], stats: int, trusted: set[int]) -> bool:
    """Whether each folder and file is as stamped. A folder with files is opened and its
    files stat'ed by name beside it (``dir_fd``: the kernel resolves one name, not the
    whole path, for each of 250,000 files)."""
    stat, fstat, opened, close = os.stat, os.fstat, os.open, os.close
    try:
        for path, device, inode, mtime, ctime, files in folders:
            folder = opened(path, _FOLDER_FLAGS) if files else None
            try:
                status = stat(path) if folder is None else fstat(folder)
                if (
                    status.st_mtime_ns != mtime
                    or status.st_ctime_ns != ctime
                    or status.st_ino != inode
                    or status.st_dev != device
                    or device not in trusted
                ):
                    return False
                values = iter(files)
                for name, size, modified in zip(values, values, values, strict=True):
                    status = stat(name, dir_fd=folder)
                    if (
                        status.st_size != size
                        or status.st_mtime != modified
                        or status.st_mode & 0o170000 != 0o100000
                    ):
                        return False
            finally:
                if folder is not None:
                    close(folder)
            stats -= 1 + len(files) // 3
    except (OSError, ValueError, TypeError, AttributeError):  # gone, unreadable, damaged
        return False
    return stats == 0
