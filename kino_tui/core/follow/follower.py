"""Watch the library roots for changes: the kernel's file events where it has them, a
timer where it does not (network mounts), and bursts gathered into one batch.

The events come from watchfiles (inotify on Linux, through the Rust ``notify`` crate),
run in a child process (``watch_process``: setting the watches up holds the GIL).
A change to a file or folder names the folder that holds it; the folders named during
a burst (a season being copied in, one file after another) are handed over together
once nothing has changed for ``quiet`` seconds (or after ``longest`` seconds of steady
changes), so the burst costs one rescan of those folders, not one per file.

NFS, SMB/CIFS and FUSE mounts (sshfs, rclone…) do not see changes made by other
machines, so their roots are scanned again every ``rescan_minutes`` instead (an
incremental scan reads only the folders that changed). No Textual here: the service
runs this on a thread and the UI hears of it through a message.
"""

from __future__ import annotations

import contextlib
import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from kino_tui.core.catalog.storage import loads
from kino_tui.core.models import LibraryRoot
from kino_tui.core.walk.listing import RELEVANT_EXTENSIONS, is_skipped_folder

#: File system types whose changes made elsewhere the kernel does not report.
NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "afs", "ceph", "9p", "glusterfs", "lustre"}
)
#: FUSE file systems that are local disks (everything else under ``fuse.`` is remote).
LOCAL_FUSE = frozenset({"fuseblk", "fuse.ntfs-3g", "fuse.exfat", "fuse.lxcfs", "fuse.portal"})
MOUNTINFO = "/proc/self/mountinfo"
#: How often a network root is scanned again when its ``[[roots]]`` table does not say.
DEFAULT_NETWORK_MINUTES = 10.0
#: A burst ends when nothing changed for this long…
QUIET_SECONDS = 1.5
#: …or, under steady changes, this long after its first change.
LONGEST_SECONDS = 20.0


def _unescape(field_text: str) -> str:
    """A mountinfo path: spaces, tabs, newlines and backslashes come as octal escapes."""
    if "\\" not in field_text:
        return field_text
    out, index = [], 0
    while index < len(field_text):
        if field_text[index] == "\\" and field_text[index + 1 : index + 4].isdigit():
            out.append(chr(int(field_text[index + 1 : index + 4], 8)))
            index += 4
        else:
            out.append(field_text[index])
            index += 1
    return "".join(out)


def mounts(mountinfo: str) -> list[tuple[str, str]]:
    """(mount point, file system type) of every line of a ``/proc/*/mountinfo`` text."""
    found = []
    for line in mountinfo.splitlines():
        left, separator, right = line.partition(" - ")
        fields, tail = left.split(), right.split()
        if separator and len(fields) >= 5 and tail:
            found.append((_unescape(fields[4]), tail[0]))
    return found


def filesystem_of(path: str, mountinfo: str) -> str | None:
    """The type of the file system ``path`` is on (the deepest mount holding it)."""
    best: tuple[int, str] | None = None
    for point, kind in mounts(mountinfo):
        inside = path == point or path.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) >= best[0]):
            best = (len(point), kind)
    return best[1] if best is not None else None


def is_network_filesystem(kind: str | None) -> bool:
    if kind is None:
        return False
    if kind in NETWORK_FILESYSTEMS:
        return True
    return kind == "fuse" or (kind.startswith("fuse.") and kind not in LOCAL_FUSE)


def read_mountinfo(path: str = MOUNTINFO) -> str:
    """The mount table ("" where there is none: not Linux)."""
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as handle:
            return handle.read()
    except OSError:
        return ""


@dataclass(frozen=True, slots=True)
class FollowPlan:
    """How one root is followed: by events, on a timer, or both; ``why`` says it in words."""

    root: LibraryRoot
    events: bool
    minutes: float | None
    filesystem: str | None
    why: str


def plan_following(
    roots: Sequence[LibraryRoot], mountinfo: str, minutes: dict[str, float | None]
) -> list[FollowPlan]:
    """Events for local roots that exist; a timer for network mounts (``minutes[root]``,
    or :data:`DEFAULT_NETWORK_MINUTES`) and wherever ``rescan_minutes`` is set. A root
    that is missing now gets the timer (a drive plugged in later is then found)."""
    plans = []
    for root in roots:
        real = os.path.realpath(root.path)
        kind = filesystem_of(real, mountinfo)
        chosen = minutes.get(root.path)
        online = os.path.isdir(root.path)
        if is_network_filesystem(kind):
            every = DEFAULT_NETWORK_MINUTES if chosen is None else chosen
            why = f"on a network mount ({kind}): scanned again every {_minutes(every)}"
            plans.append(FollowPlan(root, False, every or None, kind, why))
        elif not online:
            every = DEFAULT_NETWORK_MINUTES if chosen is None else chosen
            why = f"offline: looked at again every {_minutes(every)}"
            plans.append(FollowPlan(root, False, every or None, kind, why))
        else:
            why = "watched for changes"
            if chosen:
                why += f", and scanned again every {_minutes(chosen)}"
            plans.append(FollowPlan(root, True, chosen or None, kind, why))
    return plans


def _minutes(value: float | None) -> str:
    if not value:
        return "never (rescan_minutes = 0)"
    return f"{value:g} minute" + ("" if value == 1 else "s")


def changed_folder(path: str, roots: Iterable[str]) -> str | None:
    """The folder to read again for a change at ``path`` (the folder holding it, or the
    folder itself when it is one), or None when the change does not matter: outside
    every root, in a hidden or skipped folder, or a file kino does not read (a
    download's ``.part``)."""
    owner = max((r for r in roots if path == r or path.startswith(r.rstrip("/") + "/")),
                key=len, default=None)  # fmt: skip
    if owner is None:
        return None
    if path == owner or os.path.isdir(path):
        # A folder that is there now: itself and what is below it (its own files did not
        # change its parent's listing). One that is gone: its parent, which no longer has it.
        return path if _visible(path, owner) else None
    below = path[len(owner) :].strip("/").split("/")
    if any(is_skipped_folder(name) for name in below[:-1]):
        return None
    name = below[-1]
    if name.startswith("."):
        return None
    dot = name.rfind(".")
    extension = name[dot + 1 :].lower() if dot > 0 else ""
    # A folder named "Film (2010) 1080p.x264" has a dot too; a gone one is unknown, and
    # counts, unless its "extension" is one of a partial download.
    if (
        extension
        and extension not in RELEVANT_EXTENSIONS
        and (os.path.exists(path) or extension in PARTIAL_EXTENSIONS)
    ):
        return None
    return path.rpartition("/")[0] or "/"


def _visible(folder: str, root: str) -> bool:
    """Whether no folder from the root down to ``folder`` is hidden or skipped."""
    below = folder[len(root) :].strip("/")
    return not below or not any(is_skipped_folder(name) for name in below.split("/"))


PARTIAL_EXTENSIONS = frozenset({"part", "crdownload", "tmp", "partial", "!qb", "aria2"})


@dataclass(slots=True)
class Debouncer:
    """Gathers the folders changed during a burst and gives them once it is over.

    ``add`` records changes at a time; ``due`` returns the folders when nothing was added
    for ``quiet`` seconds, or when the first of them waited ``longest`` seconds."""

    quiet: float = QUIET_SECONDS
    longest: float = LONGEST_SECONDS
    pending: set[str] = field(default_factory=set)
    first: float | None = None
    last: float | None = None

    def add(self, folders: Iterable[str], now: float) -> None:
        folders = set(folders)
        if not folders:
            return
        self.pending |= folders
        self.first = now if self.first is None else self.first
        self.last = now

    def deadline(self) -> float | None:
        """When the pending folders fall due (None: nothing pending)."""
        if self.first is None or self.last is None:
            return None
        return min(self.last + self.quiet, self.first + self.longest)

    def due(self, now: float) -> set[str]:
        deadline = self.deadline()
        if deadline is None or now < deadline:
            return set()
        folders, self.pending = self.pending, set()
        self.first = self.last = None
        return folders


@dataclass(frozen=True, slots=True)
class Batch:
    """What to scan again: ``folders`` (and everything below them) that changed, and
    whole ``roots`` whose timer came round."""

    folders: tuple[str, ...] = ()
    roots: tuple[str, ...] = ()
    reason: Literal["events", "timer"] = "events"


class FolderFollower:
    """Follows the roots of a plan until :meth:`stop`; calls ``on_batch`` on its own
    thread (the caller scans there: events keep arriving meanwhile and are gathered
    into the next batch)."""

    def __init__(
        self,
        plans: Sequence[FollowPlan],
        on_batch: Callable[[Batch], None],
        *,
        quiet: float = QUIET_SECONDS,
        longest: float = LONGEST_SECONDS,
        on_failure: Callable[[str], None] | None = None,
        tick: float = 0.25,
    ) -> None:
        self.plans = list(plans)
        self.on_batch = on_batch
        self.on_failure = on_failure
        self.debouncer = Debouncer(quiet, longest)
        self.stop_event = threading.Event()
        self.tick = tick
        now = time.monotonic()
        self._next_timer = {p.root.path: now + p.minutes * 60 for p in self.plans if p.minutes}
        #: Set once the kernel's watches are in place (tests wait for it).
        self.ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._child: subprocess.Popen[bytes] | None = None

    @property
    def watched(self) -> list[str]:
        return [plan.root.path for plan in self.plans if plan.events]

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, name="kino-watcher", daemon=True)
        self._thread.start()

    def stop(self, wait: float = 2.0) -> None:
        self.stop_event.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(wait)

    def run(self) -> None:
        """Follow the roots until stopped (on the calling thread)."""
        watched = self.watched
        if not watched:
            self.ready.set()
            while not self.stop_event.wait(self.tick):
                self._flush()
            return
        try:
            self._follow(watched)
        except Exception as error:  # a watch limit, a vanished root…
            if self.on_failure is not None:
                self.on_failure(f"{type(error).__name__}: {error}")
            self.ready.set()
            for path in watched:  # carry on with a timer for every root
                self._next_timer.setdefault(path, time.monotonic() + DEFAULT_NETWORK_MINUTES * 60)
            while not self.stop_event.wait(self.tick):
                self._flush()

    def _follow(self, watched: list[str]) -> None:
        """Read the events of a child process (see ``watch_process``) until stopped: the
        watches' set-up, in Rust, would hold this process's GIL for as long as it takes."""
        try:
            child = subprocess.Popen(
                [sys.executable, "-m", "kino_tui.core.follow.child", str(os.getpid()), *watched],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        except OSError:  # Python cannot be started again here: watch on this thread
            self._follow_here(watched)
            return
        assert child.stdout is not None and child.stdin is not None
        self._child = child
        pending = b""
        try:
            while not self.stop_event.is_set():
                readable, _, _ = select.select([child.stdout], [], [], self.tick)
                if readable:
                    chunk = os.read(child.stdout.fileno(), 1 << 16)
                    if not chunk:  # the child ended: why is on its standard error
                        reason = (child.stderr.read() if child.stderr else b"").decode(
                            "utf-8", "replace"
                        )
                        child.wait()
                        raise RuntimeError(reason.strip().splitlines()[-1] if reason.strip()
                                           else f"the watcher ended ({child.returncode})")  # fmt: skip
                    pending += chunk
                    *lines, pending = pending.split(b"\n")
                    for line in lines:
                        event = loads(line)
                        if event == "ready":
                            self.ready.set()
                        elif isinstance(event, list):
                            self.debouncer.add((str(f) for f in event), time.monotonic())
                self._flush()
        finally:
            self._end_child(child)

    def _follow_here(self, watched: list[str]) -> None:
        """The events on this thread (the watches' set-up then pauses kino's threads)."""
        from watchfiles import watch  # its Rust extension loads only where kino follows here

        millis = max(1, int(self.tick * 1000))
        changes = watch(
            *watched,
            watch_filter=None,
            debounce=millis,
            step=min(50, millis),
            stop_event=self.stop_event,
            rust_timeout=millis,
            yield_on_timeout=True,
            raise_interrupt=False,
            ignore_permission_denied=True,
        )
        for found in changes:
            self.ready.set()
            folders = {changed_folder(path, watched) for _, path in found}
            self.debouncer.add((f for f in folders if f is not None), time.monotonic())
            self._flush()
            if self.stop_event.is_set():
                break

    def _end_child(self, child: subprocess.Popen[bytes]) -> None:
        with contextlib.suppress(OSError):
            if child.stdin is not None:
                child.stdin.close()  # the child's cue to end
        try:
            child.wait(2)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        for stream in (child.stdout, child.stderr):
            if stream is not None:
                stream.close()

    def _flush(self) -> None:
        now = time.monotonic()
        folders = self.debouncer.due(now)
        if folders:
            self.on_batch(Batch(folders=tuple(sorted(folders))))
        due = [path for path, when in self._next_timer.items() if when <= now]
        for path in due:
            plan = next(p for p in self.plans if p.root.path == path)
            self._next_timer[path] = now + (plan.minutes or DEFAULT_NETWORK_MINUTES) * 60
        if due and not self.stop_event.is_set():
            self.on_batch(Batch(roots=tuple(due), reason="timer"))
