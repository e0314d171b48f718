"""Live updates: the library's roots watched while kino is open, changed folders scanned
again, and the catalog file's signature for changes made by other kino processes.

:class:`LiveUpdates` is the use case a front end starts: it runs the core's
:class:`~kino_tui.core.follow.follower.FolderFollower` on a thread, scans what each batch names
(only the folders that changed; a whole root when its timer comes round) and tells the
front end through ``on_scanned``. Every rescan is kept in :attr:`LiveUpdates.rescans`,
so a test (or a status line) can see how many there were and what they covered.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kino_tui.core.catalog.rows import item_of_row
from kino_tui.core.catalog.sparse import as_text, read_sparse
from kino_tui.core.catalog.splice import rows_under
from kino_tui.core.catalog.validate import DAMAGE
from kino_tui.core.errors import CatalogDamaged, KinoError
from kino_tui.core.models import MediaItem, ScanSummary

if TYPE_CHECKING:
    from kino_tui.core.follow.follower import Batch, FolderFollower, FollowPlan
    from kino_tui.service.library import Library

# The follower (and the walking and naming modules it loads: 30 ms) is imported when
# live updates start, not by every command that opens a Library (a rescan).


@dataclass(frozen=True, slots=True)
class Rescan:
    """One scan live updates made: what it covered and what it found."""

    folders: tuple[str, ...]
    roots: tuple[str, ...]
    reason: str
    summary: ScanSummary | None
    error: str | None = None
    #: What the scanned folders hold now (read from the catalog after the scan), when it
    #: could be read: a front end puts these in place of what it held under them
    #: instead of loading every item again. None: load the catalog again.
    items: tuple[MediaItem, ...] | None = None
    #: The catalog file's signature taken before ``items`` were read (see
    #: :func:`catalog_signature`).
    signature: tuple[int, int, int] | None = None

    @property
    def changed(self) -> bool:
        s = self.summary
        return s is not None and bool(s.added or s.updated or s.moved or s.removed)


def follow_plans(library: Library, mountinfo: str | None = None) -> list[FollowPlan]:
    """How each root is followed (events, or a timer on a network mount)."""
    roots = library.settings.roots
    minutes = {root.path: root.rescan_minutes for root in roots}
    from kino_tui.core.follow.follower import plan_following, read_mountinfo  # see the top

    text = read_mountinfo() if mountinfo is None else mountinfo
    return plan_following(roots, text, minutes)


def catalog_signature(library: Library) -> tuple[int, int, int] | None:
    """The catalog file's inode, modification time and size (every save is a new file),
    None when there is none: a cheap way to see another process's scan."""
    try:
        status = library.catalog.path.stat()
    except OSError:
        return None
    return (status.st_ino, status.st_mtime_ns, status.st_size)


class LiveUpdates:
    """Watches a library's roots until :meth:`stop` and rescans what changed."""

    def __init__(
        self,
        library: Library,
        on_scanned: Callable[[Rescan], None],
        *,
        quiet: float | None = None,
        longest: float | None = None,
        on_failure: Callable[[str], None] | None = None,
    ) -> None:
        """``quiet`` and ``longest``: the follower's burst limits (its own by default)."""
        from kino_tui.core.follow.follower import LONGEST_SECONDS, QUIET_SECONDS  # see the top

        self.library = library
        self.on_scanned = on_scanned
        self.on_failure = on_failure
        self.quiet = QUIET_SECONDS if quiet is None else quiet
        self.longest = LONGEST_SECONDS if longest is None else longest
        self.rescans: list[Rescan] = []
        self._lock = threading.Lock()
        self._follower: FolderFollower | None = None
        self.stopped = threading.Event()

    @property
    def follower(self) -> FolderFollower | None:
        return self._follower

    def run(self) -> None:
        """Follow the roots on this thread until :meth:`stop`; :meth:`restart` (the roots
        changed) follows the new set."""
        from kino_tui.core.follow.follower import FolderFollower  # see the top

        while not self.stopped.is_set():
            watcher = FolderFollower(
                follow_plans(self.library),
                self._scan,
                quiet=self.quiet,
                longest=self.longest,
                on_failure=self.on_failure,
            )
            with self._lock:
                self._follower = watcher
            watcher.run()

    def wait_ready(self, timeout: float = 10.0) -> bool:
        """Wait until the kernel's watches are in place (for tests and the first frame)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            watcher = self._follower
            if watcher is not None and watcher.ready.wait(0.05):
                return True
        return False

    def restart(self) -> None:
        """Follow the roots as the settings now say (a root was added or removed)."""
        with self._lock:
            if self._follower is not None:
                self._follower.stop_event.set()

    def stop(self) -> None:
        self.stopped.set()
        self.restart()

    def _scan(self, batch: Batch) -> None:
        library = self.library
        if batch.roots:
            chosen = [r for r in library.settings.roots if r.path in batch.roots]
            folders = None
        else:
            chosen = list(library.settings.roots)
            folders = list(batch.folders)
        try:
            summary = library.scan(chosen, cancel=self.stopped, folders=folders)
        except KinoError as error:  # a lock held too long, an unwritable catalog…
            rescan = Rescan(batch.folders, batch.roots, batch.reason, None, str(error))
        else:
            items: tuple[MediaItem, ...] | None = None
            signature = catalog_signature(library)
            if folders is not None and (summary.added or summary.updated or summary.moved
                                        or summary.removed):  # fmt: skip
                items = items_under(library, folders)
            rescan = Rescan(
                batch.folders, batch.roots, batch.reason, summary, None, items, signature
            )
        self.rescans.append(rescan)
        self.on_scanned(rescan)


def items_under(library: Library, folders: list[str]) -> tuple[MediaItem, ...] | None:
    """Every item in ``folders`` or below them, as the catalog holds them now; only the
    rows of documents holding one of those folders are read, and only the rows under
    them become items (an album among 250,000 tracks is its ten items, not 250,000).
    None when the catalog cannot be read this way (a damaged one: load it again)."""
    below = tuple(folder.rstrip("/") + "/" for folder in folders)
    try:
        # the rows as bytes, unescaped a piece at a time: a third of the memory (sparse.py)
        sparse = read_sparse(library.catalog.path)
        packed = sparse if sparse is not None else library.catalog.read()
        found: list[MediaItem] = []
        for document in packed.documents:
            held = [f for f in document.folders() if f"{f}/".startswith(below)]
            if not held:
                continue
            root = document.root.rstrip("/") + "/"
            inside = [f for f in folders if f.startswith(root)]
            # rows under the root are stored relative to it, in path order: found alone
            whole = all(f.startswith(root) for f in held)
            # a folder that is the root (or above it: a removed artist names the root)
            # holds every row: the document's items, not the rows of the folders below it
            whole = whole and not any(root.startswith(f.rstrip("/") + "/") for f in folders)
            rows = rows_under(document, inside) if whole else None
            if rows is not None:
                found += (item_of_row(row, document.root) for row in rows)
                continue
            # anything else: the document's items (checked), those under the folders
            as_text(document)
            found += (i for i in document.items() if i.path.startswith(below))
    except (CatalogDamaged, *DAMAGE):
        return None
    return tuple(found)
