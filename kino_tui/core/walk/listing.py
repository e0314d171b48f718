"""List folders with ``os.scandir``: media and sidecar files only, loops and junk skipped.

A no-change rescan is mostly this walk, so it is written for speed: each folder's
signatures are computed while it is listed, files stay plain tuples until a folder is
read (:attr:`FolderListing.files`), and on Linux a forked helper lists the tree together
with the caller (see :class:`Walking`), since the Python work per entry costs more than
the system calls. The result is the same as one process listing the tree in order.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from kino_tui.core.hashing import blake2b
from kino_tui.core.metadata.sidecars import IMAGE_EXTENSIONS, SUBTITLE_CODECS
from kino_tui.core.models import Problem
from kino_tui.core.naming import AUDIO_EXTENSIONS, VIDEO_EXTENSIONS

if TYPE_CHECKING:
    from kino_tui.core.scan.analysis import (
        FileEntry,
    )  # the analysis stack loads when a folder is read

SIDECAR_EXTENSIONS = IMAGE_EXTENSIONS | frozenset(SUBTITLE_CODECS) | {"nfo"}
MEDIA_EXTENSIONS = VIDEO_EXTENSIONS | AUDIO_EXTENSIONS
#: ``.edl`` (skips beside a video) is listed, so a new or changed one re-reads its folder.
RELEVANT_EXTENSIONS = MEDIA_EXTENSIONS | SIDECAR_EXTENSIONS | {"edl"}
SKIPPED_FOLDERS = frozenset({"@eadir", "#recycle", "$recycle.bin", "lost+found", "#snapshot"})

#: A file as listed: name, size, mtime, inode, device (an ``analysis.FileEntry`` later).
RawFile = tuple[str, int, float, int, int]
Identity = tuple[int, int]
#: A folder to list: its path, its names below the root, the sidecar signatures of the
#: folder above it and the one above that (inside the walk; "" above the root), and the
#: real path of the root when links that leave it are not followed (else None).
Place = tuple[str, tuple[str, ...], str, str, str | None]


def is_skipped_folder(name: str) -> bool:
    """Hidden and NAS/OS system folders that never hold the user's media."""
    lowered = name.lower()
    return name.startswith(".") or lowered in SKIPPED_FOLDERS or lowered.startswith(".trash-")


class FolderListing:
    """One folder as listed: its relevant files (by name), how many entries it had at all,
    its signatures, its own identity and times (:attr:`status`: device, inode, mtime and
    ctime in ns), and whether a relevant file or a subfolder followed is a symlink."""

    __slots__ = (
        "_above",
        "_entries",
        "_files",
        "_listed",
        "_media",
        "_problems",
        "_sidecars",
        "_signature",
        "_within",
        "entry_count",
        "folders",
        "linked",
        "path",
        "status",
    )

    def __init__(
        self,
        path: str,
        folders: tuple[str, ...],
        files: list[RawFile] | None,
        entry_count: int,
        signature: str,
        sidecars: str,
        media: bool,
        problems: list[tuple[str, str]] | None = None,
        above: tuple[str, str] = ("", ""),
        within: str | None = None,
        status: tuple[int, int, int, int] = (0, 0, 0, 0),
        linked: bool = False,
        listed: list[RawFile] | None = None,
    ) -> None:
        self.path = path
        self.folders = folders  # the path below the root, one name a level
        self._files = files
        self.entry_count = entry_count
        self._signature = signature
        self._sidecars = sidecars
        self._media = media
        self._problems = problems  # files that could not be stat'ed: (path, message)
        self._above = above
        self._within = within
        self.status = status
        self.linked = linked
        self._listed = files if listed is None else listed
        self._entries: list[FileEntry] | None = None

    @property
    def files(self) -> list[FileEntry]:
        """The relevant files in name order, as the analysis takes them. A folder listed
        by the walk's helper process is listed again for them here (only the few folders
        to read need them: one unreadable since the walk is seen as such); raises OSError
        when that fails."""
        if self._entries is None:
            from kino_tui.core.scan.analysis import (
                FileEntry,
            )  # the analysis stack loads when a folder is read

            self._entries = [FileEntry._make(raw) for raw in self._raw_files()]
        return self._entries

    def names(self) -> tuple[str, ...]:
        """The relevant files' names (see :attr:`files`)."""
        return tuple(raw[0] for raw in self._raw_files())

    def listed(self) -> list[RawFile]:
        """The relevant files as the walk listed them: (name, size, mtime, inode, device),
        by name."""
        return self._listed or []

    def _raw_files(self) -> list[RawFile]:
        if self._files is None:
            files = _read_folder(self.path, self._within)[1]
            files.sort()
            self._files = files
        return self._files

    def has_media(self) -> bool:
        """Whether any file is a video or an audio file (a folder worth reading)."""
        return self._media

    def signature(self) -> str:
        """Changes when any relevant file is added, removed, resized or touched."""
        return self._signature

    def sidecar_signature(self) -> str:
        """Changes when an NFO, image or subtitle changes (what child folders depend on)."""
        return self._sidecars

    def sidecars_above(self) -> tuple[str, str]:
        """The sidecar signatures of the folder above this one and of the one above that,
        inside the walk ("" above the root)."""
        return self._above

    def _as_tuple(self) -> tuple[Any, ...]:
        """What the helper sends (the files apart: see :attr:`files`)."""
        return (
            self.path,
            self.folders,
            None,
            self.entry_count,
            self._signature,
            self._sidecars,
            self._media,
            self._problems,
            self._above,
            self._within,
            self.status,
            self.linked,
            self._listed,
        )


def _digest(files: list[RawFile]) -> str:
    text = "\n".join([f"{name}\0{size}\0{mtime}" for name, size, mtime, _, _ in files])
    return blake2b(text.encode("utf-8", "surrogateescape"), digest_size=10).hexdigest()


_NO_SIDECARS = _digest([])


class WalkResult:
    """Every readable folder under a root, and the folders that could not be read."""

    __slots__ = ("folders", "problems", "unreadable")

    def __init__(self) -> None:
        self.folders: dict[str, FolderListing] = {}
        self.unreadable: set[str] = set()
        self.problems: list[Problem] = []


# What the walk meets, in order: a folder's listing, or a folder it could not list
# (path, why, message) because it is unreadable or was met before.
UNREADABLE, REPEATED = "unreadable", "repeated"
Note = tuple[str, str, str]
Met = FolderListing | Note


class Repeated(Exception):
    """A folder was met twice (a symlink loop or alias): the parallel walk gives way to
    the plain one, which knows the order in which they were met."""


def list_folder(place: Place, visited: set[Identity]) -> tuple[FolderListing, list[str]] | None:
    """List one folder (its files stat'ed and signed) and its subfolder names, sorted;
    None when it was met before (its identity is in ``visited``, and is added to it).
    Raises OSError when the folder cannot be read."""
    path, relative, parent_sidecars, grandparent_sidecars, within = place
    status = os.stat(path)
    identity = (status.st_dev, status.st_ino)
    if identity in visited:
        return None
    visited.add(identity)
    entry_count, files, sidecars, subfolders, problems, media, linked = _read_folder(path, within)
    files.sort()  # names are unique: by name
    if sidecars:
        sidecars.sort()
    listing = FolderListing(
        path,
        relative,
        files,
        entry_count,
        _digest(files),
        _digest(sidecars) if sidecars else _NO_SIDECARS,
        media,
        problems,
        (parent_sidecars, grandparent_sidecars),
        within,
        (status.st_dev, status.st_ino, status.st_mtime_ns, status.st_ctime_ns),
        linked,
    )
    subfolders.sort()
    return listing, subfolders


def _read_folder(
    path: str, within: str | None = None
) -> tuple[int, list[RawFile], list[RawFile], list[str], list[tuple[str, str]] | None, bool, bool]:
    """One folder's entry count, relevant files and the sidecars among them (stat'ed,
    in no order), subfolders, files that could not be stat'ed or were skipped (path,
    message), whether it has media, and whether a relevant file or a subfolder kept is a
    symlink. Only regular files count; with ``within`` (a real path), a symlink that leads
    outside it is skipped too. Raises OSError when the folder cannot be read."""
    with os.scandir(path) as iterator:
        entries = list(iterator)
    files: list[RawFile] = []
    sidecars: list[RawFile] = []
    subfolders: list[str] = []
    problems: list[tuple[str, str]] | None = None
    relevant, sidecar, media_kinds = RELEVANT_EXTENSIONS, SIDECAR_EXTENSIONS, MEDIA_EXTENSIONS
    media = linked = False
    for entry in entries:
        name = entry.name
        try:
            is_folder = entry.is_dir()
        except OSError:
            continue
        if is_folder:  # is_skipped_folder, inline (a call per folder costs)
            if name[0] != "." and name.lower() not in SKIPPED_FOLDERS:
                if entry.is_symlink():
                    linked = True
                    outside = None if within is None else _outside(f"{path}/{name}", within)
                    if outside is not None:
                        problems = problems or []
                        problems.append((f"{path}/{name}", outside))
                        continue
                subfolders.append(name)
            continue
        dot = name.rfind(".")
        if dot <= 0:
            continue  # hidden or extension-less
        kind = name[dot + 1 :].lower()
        if kind not in relevant:
            continue
        if entry.is_symlink():
            linked = True
            outside = None if within is None else _outside(f"{path}/{name}", within)
            if outside is not None:
                problems = problems or []
                problems.append((f"{path}/{name}", outside))
                continue
        try:
            stat = entry.stat()
        except OSError as error:
            problems = problems or []
            problems.append((f"{path}/{name}", f"cannot read file: {error.strerror or error}"))
            continue
        if stat.st_mode & 0o170000 != 0o100000:  # not a regular file: opening could wait
            if kind in media_kinds:  # forever (a FIFO) or read a device
                problems = problems or []
                problems.append((f"{path}/{name}", _not_regular(stat.st_mode)))
            continue
        raw = (name, stat.st_size, stat.st_mtime, stat.st_ino, stat.st_dev)
        files.append(raw)
        if kind in sidecar:
            sidecars.append(raw)
        if kind in media_kinds:
            media = True
    return len(entries), files, sidecars, subfolders, problems, media, linked


def _outside(link: str, within: str) -> str | None:
    """Why a symlink is not followed (it leads outside ``within``), or None."""
    target = os.path.realpath(link)
    if target == within or target.startswith(within.rstrip("/") + "/"):
        return None
    return (
        f"link outside the library folder (to {target}): not followed; set follow_links ="
        " true for this root in config.toml to follow it"
    )


def _not_regular(mode: int) -> str:
    kinds = (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISDIR, "a folder"),
    )
    what = next((name for test, name in kinds if test(mode)), "not a file")
    return f"not a regular file ({what}): skipped"


def unreadable_note(path: str, error: OSError) -> Note:
    return (path, UNREADABLE, f"cannot read folder: {error.strerror or error}")


def walk_subtrees(
    tops: list[Place],
    visited: set[Identity],
    met: list[Met],
    on_folder: Callable[[], None] | None = None,
    strict: bool = False,
) -> None:
    """List every folder under each of ``tops`` depth-first in name order, appending to
    ``met``. A folder met again is skipped with a note, or raises :class:`Repeated` when
    ``strict``."""
    stack = list(reversed(tops))
    while stack:
        place = stack.pop()
        try:
            listed = list_folder(place, visited)
        except OSError as error:
            met.append(unreadable_note(place[0], error))
            continue
        if listed is None:
            if strict:
                raise Repeated(place[0])
            met.append((place[0], REPEATED, "symlink loop or repeated folder; skipped"))
            continue
        listing, subfolders = listed
        met.append(listing)
        if subfolders:
            stack.extend(places_below(listing, reversed(subfolders)))
        if on_folder is not None:
            on_folder()


def places_below(listing: FolderListing, names: Iterable[str]) -> list[Place]:
    """The places of these subfolders of a listed folder."""
    path, relative, within = listing.path, listing.folders, listing._within
    parent, grandparent = listing._sidecars, listing._above[0]
    return [(f"{path}/{name}", (*relative, name), parent, grandparent, within) for name in names]


def result_of(met: list[Met]) -> WalkResult:
    result = WalkResult()
    folders, problems = result.folders, result.problems
    for one in met:
        if type(one) is FolderListing:
            folders[one.path] = one
            if one._problems:
                problems.extend(Problem(path, message) for path, message in one._problems)
        else:
            path, why, message = one  # type: ignore[misc]
            if why == UNREADABLE:
                result.unreadable.add(path)
            problems.append(Problem(path, message))
    return result
