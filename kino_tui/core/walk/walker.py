"""Walk a library root: every folder under it listed in order, on Linux by kino and a
forked helper together (see :class:`Walking`), since the Python work per entry costs more
than the system calls. The result is the same as one process listing the tree in order.
"""

from __future__ import annotations

import contextlib
import fcntl
import marshal
import os
import signal
from collections.abc import Callable
from typing import Any

from kino_tui.core.forking import can_fork as _can_fork
from kino_tui.core.forking import end_with_parent
from kino_tui.core.pathnames import parent_folder
from kino_tui.core.walk.listing import (
    FolderListing,
    Identity,
    Met,
    Place,
    Repeated,
    WalkResult,
    list_folder,
    places_below,
    result_of,
    unreadable_note,
    walk_subtrees,
)

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
        self._top: Place = (root, (), "", "", within)
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

        met: list[Met] | None = None
        if self._helper is not None:
            try:
                met = self._helper.join(count)
            finally:
                self.close()
        if met is None:
            met = []
            counted = 0
            walk_subtrees([self._top], set(), met, count)
        result = result_of(met)
        if on_folder is not None:
            on_folder(len(result.folders))
        return result


class _Top:
    """The top of the tree, listed breadth-first: what it met, and the subtrees below it
    (``tasks``), in the order a depth-first walk reaches them (``order`` holds task
    numbers where their subtrees go)."""

    __slots__ = ("order", "tasks", "visited")

    def __init__(self, visited: set[Identity]) -> None:
        self.order: list[Met | int] = []
        self.tasks: list[Place] = []
        self.visited = visited


def _list_top(start: Place) -> _Top | None:
    """List the top of the tree breadth-first until a level has enough subtrees to share
    (or the tree ends); None when a folder is met twice."""
    children: dict[str, list[Place]] = {}
    listed: dict[str, Met] = {}
    visited: set[Identity] = set()
    level: list[Place] = [start]
    while level and len(level) < PARALLEL_TASKS and len(listed) < _TOP_MAX:
        below: list[Place] = []
        for place in level:
            path = place[0]
            try:
                found = list_folder(place, visited)
            except OSError as error:
                listed[path], children[path] = unreadable_note(path, error), []
                continue
            if found is None:
                return None
            listed[path] = found[0]
            children[path] = places_below(found[0], found[1])
            below.extend(children[path])
        level = below
    top = _Top(visited)
    pending = {place[0] for place in level}

    def visit(place: Place) -> None:
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


def _sent(met: list[Met]) -> list[Any]:
    """What was met, as marshal takes it."""
    return [one._as_tuple() if type(one) is FolderListing else one for one in met]


def _received(sent: list[Any]) -> list[Met]:
    return [FolderListing(*one) if len(one) == 13 else one for one in sent]


class _Helper:
    """A forked process that lists the top of the tree, hands its subtrees out in batches
    through a pipe that both processes read (whoever is free takes the next), lists its
    share and sends back what it met batch by batch, marshalled (this process takes them
    in between its own batches), and last the identities of the folders it listed. A
    small tree it lists whole."""

    def __init__(self, root: Place) -> None:
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

    def join(self, on_folder: Callable[[], None]) -> list[Met] | None:
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
        except (Repeated, EOFError, ValueError, TypeError):
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


def _help(root: Place, queue_read: int, queue_write: int, top_write: int, out_write: int) -> None:
    """The helper's part (see :class:`_Helper`)."""
    with open(top_write, "wb") as top_pipe:
        top = _list_top(root)
        if top is None:
            top_pipe.write(marshal.dumps(None))
            return
        if len(top.tasks) < PARALLEL_MIN_TASKS:  # a small tree: all of it here
            try:
                done = _walk_tasks(top, range(len(top.tasks)), set(top.visited))
            except Repeated:
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

    def send(done: dict[int, list[Met]]) -> None:
        _send(out_write, ({task: _sent(met) for task, met in done.items()}, visited.taken()))

    try:
        _take_batches(queue_read, batches, top, visited, after_batch=send)
    except Repeated:
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
        self.done: dict[int, list[Met]] = {}
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


def _in_order(top: _Top, done: dict[int, list[Met]]) -> list[Met]:
    """The top's listings with each subtree's where a depth-first walk meets them."""
    met: list[Met] = []
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
    after_batch: Callable[[dict[int, list[Met]]], None] | None = None,
) -> dict[int, list[Met]]:
    """Take batches from the queue until it is empty; what each task met, by task number
    (also handed to ``after_batch`` batch by batch). Raises :class:`Repeated` when a
    folder is met twice."""
    done: dict[int, list[Met]] = {}
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
) -> dict[int, list[Met]]:
    """What these subtrees met, by task number (raises :class:`Repeated`)."""
    done: dict[int, list[Met]] = {}
    for task in numbers:
        met: list[Met] = []
        walk_subtrees([top.tasks[task]], visited, met, on_folder, strict=True)
        done[task] = met
    return done


def walk_below(root: str, tops: list[str], follow_links: bool = False) -> WalkResult:
    """The folders under each of ``tops`` (folders of the library root ``root``), listed as
    the root's whole walk would list them (names below the root, the sidecar signatures of
    the folders above), plus the listings of the two folders above each top (their names,
    which the analysis reads). What a scan limited to some folders walks."""
    within = None if follow_links else os.path.realpath(root)
    met: list[Met] = []
    above: dict[str, FolderListing] = {}
    for top in tops:
        sidecars = ["", ""]
        folder = top
        for level in range(2):
            if folder == root:
                break
            folder = parent_folder(folder)
            listing = above.get(folder) or _list_one(root, folder, within)
            if listing is None:
                break
            above[folder] = listing
            sidecars[level] = listing.sidecar_signature()
        place: Place = (top, _names_below(root, top), sidecars[0], sidecars[1], within)
        walk_subtrees([place], set(), met)
    walked = result_of(met)
    for path, listing in above.items():
        walked.folders.setdefault(path, listing)
    return walked


def _names_below(root: str, folder: str) -> tuple[str, ...]:
    if folder == root:
        return ()
    return tuple(folder[len(root) :].strip("/").split("/"))


def _list_one(root: str, folder: str, within: str | None) -> FolderListing | None:
    try:
        listed = list_folder((folder, _names_below(root, folder), "", "", within), set())
    except OSError:
        return None
    return listed[0] if listed is not None else None
