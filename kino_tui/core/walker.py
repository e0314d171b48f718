"""Walk a library root with ``os.scandir``: media and sidecar files only, loops and junk skipped.

A no-change rescan is mostly this walk, so it is written for speed: each folder's
signatures are computed while it is listed, files stay plain tuples until a folder is
read (:attr:`FolderListing.files`), and on Linux a large tree is listed by two processes
at once (see :func:`walk`), since the Python work per entry costs more than the system
calls. The result is the same as one process listing the tree in order.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kino_tui.core.models import Problem
from kino_tui.core.naming import AUDIO_EXTENSIONS, VIDEO_EXTENSIONS
from kino_tui.core.sidecars import IMAGE_EXTENSIONS, SUBTITLE_CODECS

if TYPE_CHECKING:
    from kino_tui.core.analysis import FileEntry

SIDECAR_EXTENSIONS = IMAGE_EXTENSIONS | frozenset(SUBTITLE_CODECS) | {"nfo"}
MEDIA_EXTENSIONS = VIDEO_EXTENSIONS | AUDIO_EXTENSIONS
RELEVANT_EXTENSIONS = MEDIA_EXTENSIONS | SIDECAR_EXTENSIONS
SKIPPED_FOLDERS = frozenset({"@eadir", "#recycle", "$recycle.bin", "lost+found", "#snapshot"})
#: Below this many subtrees under the top of the tree, one process lists it all.
PARALLEL_MIN_TASKS = 8
#: The top of the tree is listed breadth-first until it has this many subtrees to share.
PARALLEL_TASKS = 64
_TOP_MAX = 512  # ... or until it has listed this many folders
_BATCHES = 256  # subtrees are handed out in at most this many batches
#: ``on_folder`` is called after this many folders (and once at the end).
PROGRESS_EVERY = 64

#: A file as listed: name, size, mtime, inode, device (an ``analysis.FileEntry`` later).
RawFile = tuple[str, int, float, int, int]


def is_skipped_folder(name: str) -> bool:
    """Hidden and NAS/OS system folders that never hold the user's media."""
    lowered = name.lower()
    return name.startswith(".") or lowered in SKIPPED_FOLDERS or lowered.startswith(".trash-")


class FolderListing:
    """One folder as listed: its relevant files (by name), how many entries it had at all,
    and its signatures."""

    __slots__ = (
        "_entries",
        "_files",
        "_media",
        "_sidecars",
        "_signature",
        "entry_count",
        "folders",
        "path",
    )

    def __init__(
        self,
        path: str,
        folders: tuple[str, ...],
        files: list[RawFile],
        entry_count: int,
        signature: str,
        sidecars: str,
        media: bool,
    ) -> None:
        self.path = path
        self.folders = folders  # the path below the root, one name a level
        self._files = files
        self.entry_count = entry_count
        self._signature = signature
        self._sidecars = sidecars
        self._media = media
        self._entries: list[FileEntry] | None = None

    @property
    def files(self) -> list[FileEntry]:
        """The relevant files in name order, as the analysis takes them."""
        if self._entries is None:
            from kino_tui.core.analysis import FileEntry

            self._entries = [FileEntry._make(raw) for raw in self._files]
        return self._entries

    def names(self) -> tuple[str, ...]:
        return tuple(raw[0] for raw in self._files)

    def has_media(self) -> bool:
        """Whether any file is a video or an audio file (a folder worth reading)."""
        return self._media

    def signature(self) -> str:
        """Changes when any relevant file is added, removed, resized or touched."""
        return self._signature

    def sidecar_signature(self) -> str:
        """Changes when an NFO, image or subtitle changes (what child folders depend on)."""
        return self._sidecars


def _digest(files: list[RawFile]) -> str:
    text = "\n".join([f"{name}\0{size}\0{mtime}" for name, size, mtime, _, _ in files])
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=10).hexdigest()


_NO_SIDECARS = _digest([])


@dataclass(slots=True)
class WalkResult:
    """Every readable folder under a root, and the folders that could not be read."""

    folders: dict[str, FolderListing] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)


# What one folder's listing becomes on the way (marshal-able, so a helper process can
# send it): (path, relative, files or None when unreadable, entry count, signature,
# sidecar signature, whether it has media, problems as (path, message) pairs).
_Record = tuple[
    str, tuple[str, ...], list[RawFile] | None, int, str, str, bool, list[tuple[str, str]]
]
Identity = tuple[int, int]


class _Repeated(Exception):
    """A folder was met twice (a symlink loop or alias): the parallel walk gives way to
    the plain one, which knows the order in which they were met."""


def _list_folder(
    path: str, relative: tuple[str, ...], visited: set[Identity]
) -> tuple[_Record, list[str]] | None:
    """List one folder (its files stat'ed and signed) and its subfolder names, sorted;
    None when it was met before (its identity is in ``visited``, and is added to it).
    Raises OSError when the folder cannot be read."""
    status = os.stat(path)
    identity = (status.st_dev, status.st_ino)
    if identity in visited:
        return None
    visited.add(identity)
    with os.scandir(path) as iterator:
        entries = list(iterator)
    files: list[RawFile] = []
    sidecars: list[RawFile] = []
    subfolders: list[str] = []
    problems: list[tuple[str, str]] = []
    relevant, sidecar, media_kinds = RELEVANT_EXTENSIONS, SIDECAR_EXTENSIONS, MEDIA_EXTENSIONS
    media = False
    for entry in entries:
        name = entry.name
        try:
            is_folder = entry.is_dir()
        except OSError:
            continue
        if is_folder:
            if not is_skipped_folder(name):
                subfolders.append(name)
            continue
        dot = name.rfind(".")
        if dot <= 0:
            continue  # hidden or extension-less
        kind = name[dot + 1 :].lower()
        if kind not in relevant:
            continue
        try:
            stat = entry.stat()
        except OSError as error:
            problems.append((f"{path}/{name}", f"cannot read file: {error.strerror or error}"))
            continue
        raw = (name, stat.st_size, stat.st_mtime, stat.st_ino, stat.st_dev)
        files.append(raw)
        if kind in sidecar:
            sidecars.append(raw)
        if kind in media_kinds:
            media = True
    files.sort()  # names are unique: by name
    if sidecars:
        sidecars.sort()
    record: _Record = (
        path,
        relative,
        files,
        len(entries),
        _digest(files),
        _digest(sidecars) if sidecars else _NO_SIDECARS,
        media,
        problems,
    )
    subfolders.sort()
    return record, subfolders


def _unreadable(path: str, relative: tuple[str, ...], error: OSError) -> _Record:
    message = f"cannot read folder: {error.strerror or error}"
    return (path, relative, None, _UNREADABLE, "", "", False, [(path, message)])


def _repeated(path: str, relative: tuple[str, ...]) -> _Record:
    message = "symlink loop or repeated folder; skipped"
    return (path, relative, None, _REPEATED, "", "", False, [(path, message)])


# The entry count of a record without files says why it has none.
_UNREADABLE, _REPEATED = -1, -2


def _walk_subtrees(
    tops: list[tuple[str, tuple[str, ...]]],
    visited: set[Identity],
    records: list[_Record],
    on_folder: Callable[[], None] | None = None,
    strict: bool = False,
) -> None:
    """List every folder under each of ``tops`` depth-first in name order, appending to
    ``records``. A folder met again is skipped with a problem, or raises :class:`_Repeated`
    when ``strict``."""
    stack = list(reversed(tops))
    while stack:
        path, relative = stack.pop()
        try:
            listed = _list_folder(path, relative, visited)
        except OSError as error:
            records.append(_unreadable(path, relative, error))
            continue
        if listed is None:
            if strict:
                raise _Repeated(path)
            records.append(_repeated(path, relative))
            continue
        record, subfolders = listed
        records.append(record)
        if subfolders:
            stack.extend((f"{path}/{name}", (*relative, name)) for name in reversed(subfolders))
        if on_folder is not None:
            on_folder()


def walk(root: str, on_folder: Callable[[int], None] | None = None, workers: int = 1) -> WalkResult:
    """List every folder under ``root``, following symlinks without looping.

    With ``workers`` > 1 (on Linux, called from a process's only thread) a helper process
    lists part of a large tree meanwhile; a tree where a folder is met twice (a symlink
    loop or alias) is listed again by one process, so what is skipped never depends on
    which process got there first. It makes ~10^5 objects and no cycles: callers pause
    the cyclic GC meanwhile (the scanner does), or collections cost a third of the time.
    """
    counted = 0

    def count() -> None:
        nonlocal counted
        counted += 1
        if on_folder is not None and counted % PROGRESS_EVERY == 0:
            on_folder(counted)

    records: list[_Record] | None = None
    if workers > 1 and _can_fork():
        records = _walk_parallel(root, count)
    if records is None:
        records = []
        counted = 0
        _walk_subtrees([(root, ())], set(), records, count)
    result = _result(records)
    if on_folder is not None:
        on_folder(len(result.folders))
    return result


def _result(records: list[_Record]) -> WalkResult:
    result = WalkResult()
    folders = result.folders
    for path, relative, files, entry_count, signature, sidecars, media, problems in records:
        if problems:
            result.problems.extend(Problem(where, message) for where, message in problems)
        if files is not None:
            folders[path] = FolderListing(
                path, relative, files, entry_count, signature, sidecars, media
            )
        elif entry_count == _UNREADABLE:
            result.unreadable.add(path)
    return result


@dataclass(slots=True)
class _Top:
    """The top of the tree, listed breadth-first: its records, and the subtrees below it
    (``tasks``) in the order a depth-first walk would reach them."""

    order: list[_Record | int] = field(default_factory=list)  # a record, or a task number
    tasks: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    visited: set[Identity] = field(default_factory=set)


def _list_top(root: str, on_folder: Callable[[], None]) -> _Top | None:
    """List the top of the tree breadth-first until a level has enough subtrees to share
    (or the tree ends); None when a folder is met twice."""
    children: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    listed_records: dict[str, _Record] = {}
    visited: set[Identity] = set()
    level: list[tuple[str, tuple[str, ...]]] = [(root, ())]
    while level and len(level) < PARALLEL_TASKS and len(listed_records) < _TOP_MAX:
        below: list[tuple[str, tuple[str, ...]]] = []
        for path, relative in level:
            try:
                listed = _list_folder(path, relative, visited)
            except OSError as error:
                listed = _unreadable(path, relative, error), []
            if listed is None:
                return None
            on_folder()
            listed_records[path] = listed[0]
            children[path] = [(f"{path}/{name}", (*relative, name)) for name in listed[1]]
            below.extend(children[path])
        level = below
    top = _Top(visited=visited)
    pending = {path for path, _ in level}

    def visit(path: str, relative: tuple[str, ...]) -> None:
        if path in pending:
            top.order.append(len(top.tasks))
            top.tasks.append((path, relative))
            return
        top.order.append(listed_records[path])
        for child in children[path]:
            visit(*child)

    visit(root, ())
    return top


def _walk_parallel(root: str, on_folder: Callable[[], None]) -> list[_Record] | None:
    """The walk shared with one forked helper; None when a folder is met twice (or the
    helper failed), for the plain walk to decide which one counts."""
    top = _list_top(root, on_folder)
    if top is None:
        return None
    if len(top.tasks) < PARALLEL_MIN_TASKS:  # a small tree: the rest is listed here
        try:
            done: dict[int, list[_Record]] | None = _walk_tasks(
                top, range(len(top.tasks)), set(top.visited), on_folder
            )
        except _Repeated:
            return None
    else:
        done = _walk_shared(top, on_folder)
    if done is None or len(done) != len(top.tasks):
        return None
    records: list[_Record] = []
    for item in top.order:
        if isinstance(item, int):
            records.extend(done[item])
        else:
            records.append(item)
    return records


def _walk_shared(top: _Top, on_folder: Callable[[], None]) -> dict[int, list[_Record]] | None:
    """The subtrees below the top, listed here and by a forked helper at once: they are
    handed out in batches through a pipe that both processes read (whoever is free takes
    the next); the helper sends back its records and the identities it met, marshalled."""
    batches = _batches(len(top.tasks))
    queue_read, queue_write = os.pipe()
    try:
        os.write(queue_write, b"".join(n.to_bytes(2, "little") for n in range(len(batches))))
    finally:
        os.close(queue_write)
    result_read, result_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the helper: list, send, and leave without running any cleanup
        status = 1
        try:
            os.close(result_read)
            visited = set(top.visited)
            done = _take_batches(queue_read, batches, top, visited)
            payload = marshal.dumps((done, list(visited - top.visited)))
            with open(result_write, "wb", closefd=True) as out:
                out.write(payload)
            status = 0
        finally:
            os._exit(status)
    os.close(result_write)
    try:
        visited = set(top.visited)
        try:
            mine: dict[int, list[_Record]] | None = _take_batches(
                queue_read, batches, top, visited, on_folder
            )
        except _Repeated:
            mine = None
        with open(result_read, "rb", closefd=False) as incoming:
            payload = incoming.read()
        _, status = os.waitpid(pid, 0)
        pid = 0
    finally:
        os.close(result_read)
        os.close(queue_read)
        if pid:  # interrupted: stop the helper
            os.kill(pid, 9)
            os.waitpid(pid, 0)
    if mine is None or status != 0:
        return None
    theirs, their_visited = marshal.loads(payload)
    if not (visited - top.visited).isdisjoint(their_visited):
        return None  # a folder met by both
    return {**mine, **theirs}


def _batches(count: int) -> list[range]:
    """Consecutive task numbers, in at most ``_BATCHES`` batches."""
    size = -(-count // _BATCHES)
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


def _take_batches(
    queue: int,
    batches: list[range],
    top: _Top,
    visited: set[Identity],
    on_folder: Callable[[], None] | None = None,
) -> dict[int, list[_Record]]:
    """Take batches from the queue until it is empty; the records of each task by task
    number. Raises :class:`_Repeated` when a folder is met twice."""
    done: dict[int, list[_Record]] = {}
    while len(number := os.read(queue, 2)) == 2:
        done.update(_walk_tasks(top, batches[int.from_bytes(number, "little")], visited, on_folder))
    return done


def _walk_tasks(
    top: _Top,
    numbers: range,
    visited: set[Identity],
    on_folder: Callable[[], None] | None = None,
) -> dict[int, list[_Record]]:
    """The records of these subtrees, by task number (raises :class:`_Repeated`)."""
    done: dict[int, list[_Record]] = {}
    for task in numbers:
        records: list[_Record] = []
        _walk_subtrees([top.tasks[task]], visited, records, on_folder, strict=True)
        done[task] = records
    return done


def _can_fork() -> bool:
    """Forking is safe only with no other thread running (one could hold a lock the
    helper needs) and is cheap only on Linux."""
    return sys.platform.startswith("linux") and threading.active_count() == 1
