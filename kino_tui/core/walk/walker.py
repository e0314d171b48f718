"""Walk a library root with ``os.scandir``: media and sidecar files only, loops and junk skipped.

A no-change rescan is mostly this walk, so it is written for speed: each folder's
signatures are computed while it is listed, files stay plain tuples until a folder is
read (:attr:`FolderListing.files`), and on Linux a forked helper lists the tree together
with the caller (see :class:`Walking`), since the Python work per entry costs more than
the system calls. The result is the same as one process listing the tree in order.
"""

from __future__ import annotations

import contextlib
import fcntl
import marshal
import os
import signal
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from kino_tui.core.forking import can_fork as _can_fork
from kino_tui.core.forking import end_with_parent
from kino_tui.core.metadata.sidecars import IMAGE_EXTENSIONS, SUBTITLE_CODECS
from kino_tui.core.models import Problem
from kino_tui.core.naming import AUDIO_EXTENSIONS, VIDEO_EXTENSIONS

try:  # hashlib would load OpenSSL too (2 ms of every start); blake2 is built in
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - another Python
    from hashlib import blake2b

if TYPE_CHECKING:
    from kino_tui.core.scan.analysis import FileEntry

SIDECAR_EXTENSIONS = IMAGE_EXTENSIONS | frozenset(SUBTITLE_CODECS) | {"nfo"}
MEDIA_EXTENSIONS = VIDEO_EXTENSIONS | AUDIO_EXTENSIONS
#: ``.edl`` (skips beside a video) is listed, so a new or changed one re-reads its folder.
RELEVANT_EXTENSIONS = MEDIA_EXTENSIONS | SIDECAR_EXTENSIONS | {"edl"}
SKIPPED_FOLDERS = frozenset({"@eadir", "#recycle", "$recycle.bin", "lost+found", "#snapshot"})
#: Below this many subtrees under the top of the tree, one process lists it all.
PARALLEL_MIN_TASKS = 8
#: The top of the tree is listed breadth-first until a level has this many subtrees to
#: share, or until it has listed ``_TOP_MAX`` folders.
PARALLEL_TASKS = 64
_TOP_MAX = 512
_BATCHES = 1024  # subtrees are handed out in at most this many batches
_PIPE_SIZE = 1 << 20
#: ``on_folder`` is called after this many folders (and once at the end).
PROGRESS_EVERY = 64

#: A file as listed: name, size, mtime, inode, device (an ``analysis.FileEntry`` later).
RawFile = tuple[str, int, float, int, int]
Identity = tuple[int, int]
#: A folder to list: its path, its names below the root, the sidecar signatures of the
#: folder above it and the one above that (inside the walk; "" above the root), and the
#: real path of the root when links that leave it are not followed (else None).
_Place = tuple[str, tuple[str, ...], str, str, str | None]


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
            from kino_tui.core.scan.analysis import FileEntry

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
_UNREADABLE, _REPEATED = "unreadable", "repeated"
_Note = tuple[str, str, str]
_Met = FolderListing | _Note


class _Repeated(Exception):
    """A folder was met twice (a symlink loop or alias): the parallel walk gives way to
    the plain one, which knows the order in which they were met."""


def _list_folder(place: _Place, visited: set[Identity]) -> tuple[FolderListing, list[str]] | None:
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
    import stat

    kinds = (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISDIR, "a folder"),
    )
    what = next((name for test, name in kinds if test(mode)), "not a file")
    return f"not a regular file ({what}): skipped"


def _unreadable(path: str, error: OSError) -> _Note:
    return (path, _UNREADABLE, f"cannot read folder: {error.strerror or error}")


def _walk_subtrees(
    tops: list[_Place],
    visited: set[Identity],
    met: list[_Met],
    on_folder: Callable[[], None] | None = None,
    strict: bool = False,
) -> None:
    """List every folder under each of ``tops`` depth-first in name order, appending to
    ``met``. A folder met again is skipped with a note, or raises :class:`_Repeated` when
    ``strict``."""
    stack = list(reversed(tops))
    while stack:
        place = stack.pop()
        try:
            listed = _list_folder(place, visited)
        except OSError as error:
            met.append(_unreadable(place[0], error))
            continue
        if listed is None:
            if strict:
                raise _Repeated(place[0])
            met.append((place[0], _REPEATED, "symlink loop or repeated folder; skipped"))
            continue
        listing, subfolders = listed
        met.append(listing)
        if subfolders:
            stack.extend(_below(listing, reversed(subfolders)))
        if on_folder is not None:
            on_folder()


def _below(listing: FolderListing, names: Iterable[str]) -> list[_Place]:
    """The places of these subfolders of a listed folder."""
    path, relative, within = listing.path, listing.folders, listing._within
    parent, grandparent = listing._sidecars, listing._above[0]
    return [(f"{path}/{name}", (*relative, name), parent, grandparent, within) for name in names]


def walk(
    root: str,
    on_folder: Callable[[int], None] | None = None,
    workers: int = 1,
    follow_links: bool = False,
) -> WalkResult:
    """List every folder under ``root``, following symlinks without looping (see
    :class:`Walking`, which this is at once)."""
    with Walking(root, workers, follow_links) as walking:
        return walking.result(on_folder)


class Walking:
    """A walk of ``root`` under way.

    With ``workers`` > 1 (on Linux, started from a process's only thread) a forked helper
    starts listing at once, so the caller can do other work meanwhile (the scanner reads
    the catalog); :meth:`result` then lists the rest together with it. A tree where a
    folder is met twice (a symlink loop or alias) is listed again by one process, so what
    is skipped never depends on which process got there first. The walk makes ~10^5
    objects and no cycles: callers pause the cyclic GC meanwhile (the scanner does), or
    collections cost a third of the time. Use it as a context manager: leaving stops a
    helper whose result was not taken.
    """

    def __init__(self, root: str, workers: int = 1, follow_links: bool = False) -> None:
        self.root = root
        within = None if follow_links else os.path.realpath(root)
        self._top: _Place = (root, (), "", "", within)
        self._helper = _Helper(self._top) if workers > 1 and _can_fork() else None

    def __enter__(self) -> Walking:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._helper is not None:
            self._helper.stop()
            self._helper = None

    def result(self, on_folder: Callable[[int], None] | None = None) -> WalkResult:
        """The whole walk; ``on_folder`` hears how many folders were listed, now and then."""
        counted = 0

        def count() -> None:
            nonlocal counted
            counted += 1
            if on_folder is not None and counted % PROGRESS_EVERY == 0:
                on_folder(counted)

        met: list[_Met] | None = None
        if self._helper is not None:
            try:
                met = self._helper.join(count)
            finally:
                self.close()
        if met is None:
            met = []
            counted = 0
            _walk_subtrees([self._top], set(), met, count)
        result = _result(met)
        if on_folder is not None:
            on_folder(len(result.folders))
        return result


def _result(met: list[_Met]) -> WalkResult:
    result = WalkResult()
    folders, problems = result.folders, result.problems
    for one in met:
        if type(one) is FolderListing:
            folders[one.path] = one
            if one._problems:
                problems.extend(Problem(path, message) for path, message in one._problems)
        else:
            path, why, message = one  # type: ignore[misc]
            if why == _UNREADABLE:
                result.unreadable.add(path)
            problems.append(Problem(path, message))
    return result


class _Top:
    """The top of the tree, listed breadth-first: what it met, and the subtrees below it
    (``tasks``), in the order a depth-first walk reaches them (``order`` holds task
    numbers where their subtrees go)."""

    __slots__ = ("order", "tasks", "visited")

    def __init__(self, visited: set[Identity]) -> None:
        self.order: list[_Met | int] = []
        self.tasks: list[_Place] = []
        self.visited = visited


def _list_top(start: _Place) -> _Top | None:
    """List the top of the tree breadth-first until a level has enough subtrees to share
    (or the tree ends); None when a folder is met twice."""
    children: dict[str, list[_Place]] = {}
    listed: dict[str, _Met] = {}
    visited: set[Identity] = set()
    level: list[_Place] = [start]
    while level and len(level) < PARALLEL_TASKS and len(listed) < _TOP_MAX:
        below: list[_Place] = []
        for place in level:
            path = place[0]
            try:
                found = _list_folder(place, visited)
            except OSError as error:
                listed[path], children[path] = _unreadable(path, error), []
                continue
            if found is None:
                return None
            listed[path] = found[0]
            children[path] = _below(found[0], found[1])
            below.extend(children[path])
        level = below
    top = _Top(visited)
    pending = {place[0] for place in level}

    def visit(place: _Place) -> None:
        path = place[0]
        if path in pending:
            top.order.append(len(top.tasks))
            top.tasks.append(place)
            return
        top.order.append(listed[path])
        for child in children[path]:
            visit(child)

    visit(start)
    return top


def _sent(met: list[_Met]) -> list[Any]:
    """What was met, as marshal takes it."""
    return [one._as_tuple() if type(one) is FolderListing else one for one in met]


def _received(sent: list[Any]) -> list[_Met]:
    return [FolderListing(*one) if len(one) == 13 else one for one in sent]


class _Helper:
    """A forked process that lists the top of the tree, hands its subtrees out in batches
    through a pipe that both processes read (whoever is free takes the next), lists its
    share and sends back what it met batch by batch, marshalled (this process takes them
    in between its own batches), and last the identities of the folders it listed. A
    small tree it lists whole."""

    def __init__(self, root: _Place) -> None:
        queue_read, queue_write = os.pipe()
        top_read, top_write = os.pipe()
        out_read, out_write = os.pipe()
        for fd in (top_write, out_write):
            with contextlib.suppress(OSError):  # a helper that need not wait for the reader
                fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)
        parent = os.getpid()
        self.pid = os.fork()
        if self.pid == 0:  # the helper: list, send, and leave without running any cleanup
            status = 1
            try:
                end_with_parent(parent)
                for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                    signal.signal(number, signal.SIG_DFL)  # end at once, no handler of kino's
                os.close(top_read)
                os.close(out_read)
                _help(root, queue_read, queue_write, top_write, out_write)
                status = 0
            finally:
                os._exit(status)
        for fd in (queue_write, top_write, out_write):
            os.close(fd)
        self._fds = (queue_read, top_read, out_read)

    def join(self, on_folder: Callable[[], None]) -> list[_Met] | None:
        """Everything met, in order; None when a folder was met twice (or the helper
        failed), for the plain walk to decide which one counts."""
        queue, top_pipe, out_pipe = self._fds
        try:
            message = marshal.loads(_read_all(top_pipe))
        except (EOFError, ValueError, TypeError):
            return None  # the helper died
        if message is None:
            return None
        if message[0] == "whole":
            return _received(message[1])
        _, order, tasks, top_visited = message
        top = _Top(set(top_visited))
        top.order = [one if type(one) is int else _received([one])[0] for one in order]
        top.tasks = tasks
        visited = set(top.visited)
        inbox = _Inbox(out_pipe)
        try:
            done = _take_batches(queue, _batches(len(tasks)), top, visited, on_folder, inbox.take)
            inbox.take(until_the_end=True)
        except (_Repeated, EOFError, ValueError, TypeError):
            return None  # a folder met twice here, or the helper failed
        if not self._reap() or not inbox.finished:
            return None
        if not visited.isdisjoint(inbox.identities):
            return None  # a folder met by both
        done.update(inbox.done)
        if len(done) != len(tasks):
            return None
        return _in_order(top, done)

    def _reap(self) -> bool:
        """Wait for the helper; whether it ended well."""
        if not self.pid:
            return False
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        return status == 0

    def stop(self) -> None:
        """Close the pipes, and end the helper if it still runs."""
        for fd in self._fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        self._fds = (-1, -1, -1)
        if self.pid:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
            self._reap()


def _help(root: _Place, queue_read: int, queue_write: int, top_write: int, out_write: int) -> None:
    """The helper's part (see :class:`_Helper`)."""
    with open(top_write, "wb") as top_pipe:
        top = _list_top(root)
        if top is None:
            top_pipe.write(marshal.dumps(None))
            return
        if len(top.tasks) < PARALLEL_MIN_TASKS:  # a small tree: all of it here
            try:
                done = _walk_tasks(top, range(len(top.tasks)), set(top.visited))
            except _Repeated:
                top_pipe.write(marshal.dumps(None))
                return
            top_pipe.write(marshal.dumps(("whole", _sent(_in_order(top, done)))))
            return
        batches = _batches(len(top.tasks))
        os.write(queue_write, b"".join(n.to_bytes(2, "little") for n in range(len(batches))))
        os.close(queue_write)
        order = [one if type(one) is int else _sent([one])[0] for one in top.order]  # type: ignore[list-item]
        top_pipe.write(marshal.dumps(("top", order, top.tasks, list(top.visited))))
    visited = _Logged(top.visited)

    def send(done: dict[int, list[_Met]]) -> None:
        _send(out_write, ({task: _sent(met) for task, met in done.items()}, visited.taken()))

    try:
        _take_batches(queue_read, batches, top, visited, after_batch=send)
    except _Repeated:
        return  # not finished: the caller walks again
    _send(out_write, True)


class _Logged(set[Identity]):
    """The helper's visited identities, noting the ones added since :meth:`taken`."""

    def __init__(self, identities: set[Identity]) -> None:
        super().__init__(identities)
        self.log: list[Identity] = []

    def add(self, identity: Identity) -> None:
        super().add(identity)
        self.log.append(identity)

    def taken(self) -> list[Identity]:
        log, self.log = self.log, []
        return log


def _send(fd: int, message: Any) -> None:
    """One marshalled message, after its length."""
    data = marshal.dumps(message)
    view = memoryview(len(data).to_bytes(4, "little") + data)
    while view:
        view = view[os.write(fd, view) :]


class _Inbox:
    """The helper's messages: what it met and the identities of the folders it listed,
    batch by batch, then that it finished."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = bytearray()
        self.done: dict[int, list[_Met]] = {}
        self.identities: list[Identity] = []
        self.finished = False

    def take(self, done: object = None, until_the_end: bool = False) -> None:
        """Take what has come (everything, until the helper closes the pipe, when
        ``until_the_end``); raises EOFError or ValueError for a message cut short."""
        os.set_blocking(self.fd, until_the_end)
        while True:
            try:
                chunk = os.read(self.fd, _PIPE_SIZE)
            except BlockingIOError:
                return
            if not chunk:
                if self.buffer:
                    raise EOFError("the helper's last message was cut short")
                return
            self.buffer += chunk
            while len(self.buffer) >= 4:
                size = int.from_bytes(self.buffer[:4], "little")
                if len(self.buffer) < 4 + size:
                    break
                message = marshal.loads(bytes(self.buffer[4 : 4 + size]))
                del self.buffer[: 4 + size]
                if message is True:
                    self.finished = True
                    continue
                batch, identities = message
                for task, sent in batch.items():
                    self.done[task] = _received(sent)
                self.identities.extend(identities)


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, _PIPE_SIZE):
        chunks.append(chunk)
    return b"".join(chunks)


def _in_order(top: _Top, done: dict[int, list[_Met]]) -> list[_Met]:
    """The top's listings with each subtree's where a depth-first walk meets them."""
    met: list[_Met] = []
    for one in top.order:
        if type(one) is int:
            met.extend(done[one])
        else:
            met.append(one)  # type: ignore[arg-type]
    return met


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
    after_batch: Callable[[dict[int, list[_Met]]], None] | None = None,
) -> dict[int, list[_Met]]:
    """Take batches from the queue until it is empty; what each task met, by task number
    (also handed to ``after_batch`` batch by batch). Raises :class:`_Repeated` when a
    folder is met twice."""
    done: dict[int, list[_Met]] = {}
    while len(number := os.read(queue, 2)) == 2:
        batch = _walk_tasks(top, batches[int.from_bytes(number, "little")], visited, on_folder)
        done.update(batch)
        if after_batch is not None:
            after_batch(batch)
    return done


def _walk_tasks(
    top: _Top,
    numbers: range,
    visited: set[Identity],
    on_folder: Callable[[], None] | None = None,
) -> dict[int, list[_Met]]:
    """What these subtrees met, by task number (raises :class:`_Repeated`)."""
    done: dict[int, list[_Met]] = {}
    for task in numbers:
        met: list[_Met] = []
        _walk_subtrees([top.tasks[task]], visited, met, on_folder, strict=True)
        done[task] = met
    return done
