"""Scan library roots into the catalog: incremental, offline-safe, move-aware.

1. Walk each root (stat only). A root that is missing, unreadable or empty is
   offline: its items are kept and marked unavailable.
2. A folder whose listing and whose ancestors' sidecars are unchanged keeps its
   items as they are; other folders are read again, re-probing only files whose
   size or mtime changed, on every core when there is much to read.
3. Items no longer found are removed only where the scan could see they are gone;
   a new file with the same inode, or the same size and content fingerprint,
   is the old item moved and keeps its id (and so its watch progress).

A root whose walk is exactly as its last complete scan stamped it (see
:mod:`kino_tui.core.scan.stamps`) is unchanged as a whole: when every root scanned is,
the catalog is not read at all; when the stamp holds every folder as walked, the
folders are not even listed, only stat'ed.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from kino_tui.core.catalog.compact import PackedItem, ScanItem
from kino_tui.core.catalog.index import catalog_signature
from kino_tui.core.catalog.index_patch import CatalogChange
from kino_tui.core.catalog.rows import objects_for_life
from kino_tui.core.catalog.sparse import read_sparse
from kino_tui.core.catalog.store import (
    SCHEMA_VERSION,
    Catalog,
    PackedCatalog,
)
from kino_tui.core.errors import CatalogDamaged
from kino_tui.core.models import (
    PATH_INDEX,
    LibraryRoot,
    MediaItem,
    Problem,
    ScanProgress,
    ScanSummary,
)
from kino_tui.core.pathnames import is_under, is_under_any
from kino_tui.core.scan.folders import FolderState, save_spliced
from kino_tui.core.scan.stamps import RootStamp, ScanStamps
from kino_tui.core.scan.state import (
    ANALYSIS_VERSION,
    Plan,
    ScanState,
    Stopped,
    ignore_progress,
    walk_progress,
)
from kino_tui.core.scan.unchanged import quickly_unchanged, stamps_after, walked_unchanged
from kino_tui.core.watch.store import WatchStore

if TYPE_CHECKING:
    from kino_tui.core.scan.analysis import FolderJob
    from kino_tui.core.walk.listing import WalkResult
    from kino_tui.core.walk.walker import Walking

# The modules that walk, plan and read folders (limits, plan, readers, reconcile, the
# walker) are imported by the methods that list a folder: a rescan that only stats the
# stamped folders (scan/unchanged.py) never needs them, nor the naming rules and probes
# they load (40 ms of imports).


class Scanner:
    """Runs scans against one catalog (and the watch store, to keep ids after a rebuild)."""

    def __init__(
        self, catalog: Catalog, watch: WatchStore | None = None, workers: int | None = None
    ):
        self.catalog = catalog
        self.watch = watch
        self.workers = workers or min(os.cpu_count() or 1, 4)
        #: The folders a limited scan covers, by root (empty: whole roots).
        self._only: dict[str, list[str]] = {}
        #: The items the last scan found new (not moved): the application layer reads the
        #: watch state of their NFOs (see service/scanning.py).
        self.added: list[MediaItem] = []
        #: What a limited scan changed in the catalog, when the index can be patched
        #: with it (see ``core/catalog/index_patch.py``).
        self.catalog_change: CatalogChange | None = None

    def scan(
        self,
        roots: Sequence[LibraryRoot],
        on_progress: Callable[[ScanProgress], None] | None = None,
        cancel: threading.Event | None = None,
        folders: Sequence[str] | None = None,
    ) -> ScanSummary:
        """Scan ``roots`` and save the catalog; items of other roots are left alone. The
        catalog is read once and written only when something changed; a damaged one is
        set aside (``summary.warning`` says so) and rebuilt.

        Setting ``cancel`` stops the scan soon: no new folder is read, the files read so
        far are saved with the rest of the catalog, and ``summary.stopped`` is set (folders
        not read keep their items and their old keys, so the next scan reads them).

        ``folders`` limits the scan to those folders and everything below them (what a
        file watcher saw change): only they are listed, read and reconciled; the rest of
        each root keeps its items and keys untouched. A root none of them is in is not
        scanned; a folder that is gone stands for its nearest existing parent."""
        started = time.perf_counter()
        self.added = []
        self.catalog_change = None
        if folders is not None:  # what a file watcher saw change: no stamps, no shortcuts
            return self._scan_folders(roots, folders, on_progress, cancel, started)
        self._only = {}
        stamps = ScanStamps(self.catalog.path, f"{SCHEMA_VERSION}/{ANALYSIS_VERSION}")
        walks: dict[str, WalkResult] = {}
        with self.catalog.lock():
            walk_started_ns = time.time_ns()
            stamped = stamps.read()
            unchanged = quickly_unchanged(roots, stamped, on_progress, cancel, self.workers)
            if unchanged is None:
                unchanged = walked_unchanged(
                    roots,
                    stamps,
                    stamped,
                    walks,
                    walk_started_ns,
                    on_progress,
                    cancel,
                    self.workers,
                )
            if unchanged is not None:
                unchanged.seconds = time.perf_counter() - started
                return unchanged
            summary, warning, state = self._scan_stamped(
                roots, stamps, stamped, walks, walk_started_ns, on_progress, cancel
            )
        return self._finished(summary, warning, state, started)

    def _scan_folders(
        self,
        roots: Sequence[LibraryRoot],
        folders: Sequence[str],
        on_progress: Callable[[ScanProgress], None] | None,
        cancel: threading.Event | None,
        started: float,
    ) -> ScanSummary:
        """A scan limited to ``folders`` (see :meth:`scan`). It writes the catalog only
        when something changed, and a catalog written since they were stamped voids
        every root's stamps, so they never vouch for what this scan changed."""
        from kino_tui.core.scan.limits import scan_limits  # see the comment at the top

        every_root = roots
        self._only = scan_limits(roots, folders)
        roots = [root for root in roots if root.path in self._only]
        with self.catalog.lock():
            before = catalog_signature(self.catalog.path)
            summary, warning, state = self._read_and_scan(
                roots, on_progress, cancel, None, {}, every_root
            )
            after = catalog_signature(self.catalog.path)
        if (
            isinstance(state, FolderState)
            and state.replaced is not None
            and before is not None
            and after is not None
            and after != before
        ):
            self.catalog_change = CatalogChange(before, after, tuple(state.replaced))
        return self._finished(summary, warning, state, started)

    def _finished(
        self, summary: ScanSummary, warning: str | None, state: ScanState, started: float
    ) -> ScanSummary:
        """The summary of a scan that read the catalog: moves followed by the watch
        state, the damaged catalog's warning, the counts and the time taken."""
        if self.watch is not None and summary.moved:
            self.watch.follow_moves(state.items)
        summary.warning = warning
        summary.errors = len(summary.problems)
        summary.seconds = time.perf_counter() - started
        return summary

    def _read_and_scan(
        self,
        roots: Sequence[LibraryRoot],
        on_progress: Callable[[ScanProgress], None] | None,
        cancel: threading.Event | None,
        walking: Walking | None,
        walks: dict[str, WalkResult],
        every_root: Sequence[LibraryRoot],
    ) -> tuple[ScanSummary, str | None, ScanState]:
        """Read the catalog (the caller holds its lock) and scan ``roots`` into it; rows
        that cannot be unpacked set the file aside and rebuild it from ``every_root``,
        every folder of each (a limited scan included)."""
        with objects_for_life():  # the file's objects are long-lived and hold no cycles
            # a limited scan: the rows as bytes, unescaped a piece at a time (sparse.py)
            sparse = read_sparse(self.catalog.path) if self._only else None
            packed, warning = (
                (sparse, None) if sparse is not None else self.catalog.read_or_recover()
            )
        try:
            summary, state = self._scan_catalog(packed, roots, on_progress, cancel, walking, walks)
        except CatalogDamaged as error:  # rows that could not be unpacked
            warning = self.catalog.set_aside(error)
            empty = PackedCatalog.empty(self.catalog.path)
            self._only = {}  # rebuilt: every folder of every root
            summary, state = self._scan_catalog(empty, every_root, on_progress, cancel, None, {})
        return summary, warning, state

    def _scan_stamped(
        self,
        roots: Sequence[LibraryRoot],
        stamps: ScanStamps,
        stamped: dict[str, RootStamp],
        walks: dict[str, WalkResult],
        walk_started_ns: int,
        on_progress: Callable[[ScanProgress], None] | None,
        cancel: threading.Event | None,
    ) -> tuple[ScanSummary, str | None, ScanState]:
        """The ordinary scan (reusing the ``walks`` made already), then the stamps."""
        first = [] if walks else roots  # the first root is walked while the catalog is read
        with self._first_walk(first) as walking:
            summary, warning, state = self._read_and_scan(
                roots, on_progress, cancel, walking, walks, roots
            )
        # other roots' stamps stay true unless the catalog was rebuilt without them
        kept = {} if warning else stamped
        stamps.write(stamps_after(roots, state, summary, kept, walk_started_ns))
        return summary, warning, state

    def _first_walk(self, roots: Sequence[LibraryRoot]) -> Walking | contextlib.nullcontext[None]:
        if roots and self.workers > 1:
            from kino_tui.core.walk.walker import Walking  # see the comment at the top

            return Walking(roots[0].path, self.workers, roots[0].follow_links)
        return contextlib.nullcontext()

    def _scan_catalog(
        self,
        packed: PackedCatalog,
        roots: Sequence[LibraryRoot],
        on_progress: Callable[[ScanProgress], None] | None,
        cancel: threading.Event | None,
        walking: Walking | None,
        walks: dict[str, WalkResult],
    ) -> tuple[ScanSummary, ScanState]:
        # a limited scan opens documents under its folders only (see scan/folders.py)
        state = FolderState(packed, self._only) if self._only else ScanState(packed)
        summary = ScanSummary()
        for number, root in enumerate(roots):
            if cancel is not None and cancel.is_set():
                summary.stopped = True
                break
            try:
                self._scan_root(
                    root,
                    state,
                    summary,
                    on_progress,
                    cancel,
                    walking if number == 0 else None,
                    walks.get(root.path),
                )
            except Stopped:
                summary.stopped = True
                break
        from kino_tui.core.scan.reconcile import LINK_KINDS, link_extras  # see the top

        if any(d.kind in LINK_KINDS for d in state.taken) or any(
            item.kind in LINK_KINDS for item in state.items.values()
        ):  # movies, videos or extras may have changed: extras follow their movies
            for document in packed.documents:
                if document.kind in LINK_KINDS:
                    state.take(document)
            link_extras(state.items.values())
        if isinstance(state, FolderState):
            save_spliced(self.catalog, packed, state)
        else:
            self.catalog.update(packed, state.taken, state.items.values(), state.folders)
        return summary, state

    def _scan_root(
        self,
        root: LibraryRoot,
        state: ScanState,
        summary: ScanSummary,
        on_progress: Callable[[ScanProgress], None] | None,
        cancel: threading.Event | None,
        walking: Walking | None,
        walked: WalkResult | None,
    ) -> None:
        # see the comment at the top
        from kino_tui.core.scan.limits import plan_part
        from kino_tui.core.scan.plan import job_for, plan_root  # lazy: see the top
        from kino_tui.core.scan.readers import run_jobs  # lazy: see the top
        from kino_tui.core.scan.reconcile import can_see_gone, match_moves  # lazy: see the top

        with objects_for_life():  # the walk makes ~10^5 objects and no cycles
            tops = self._only.get(root.path)
            if tops is not None and isinstance(state, FolderState) and os.path.isdir(root.path):
                progress = walk_progress(root, on_progress, cancel)
                plan: Plan | None = plan_part(root, tops, state, summary, progress)
            else:
                plan = plan_root(
                    root, state, summary, on_progress, cancel, walking, walked, self.workers
                )
        if plan is None:
            return
        walked, keys, by_folder, not_seen, to_read = plan
        jobs: list[FolderJob] = []
        for listing in to_read:
            try:
                jobs.append(job_for(root, listing, walked, by_folder.get(listing.path, [])))
            except OSError as error:  # unreadable since the walk: as if it had been then
                walked.unreadable.add(listing.path)
                message = f"cannot read folder: {error.strerror or error}"
                summary.problems.append(Problem(listing.path, message))

        fresh: list[ScanItem] = []
        report = on_progress or ignore_progress

        def keep_packed(row: list[Any]) -> bool:  # a new item nothing else looks into
            return row[PATH_INDEX] not in not_seen and PackedItem.wanted(row)

        results = run_jobs(jobs, self.workers, report, cancel, summary, keep_packed)
        for job, result in zip(jobs, results, strict=True):
            if result is not None:
                summary.problems.extend(result.problems)
            if result is None or result.failed:  # not read (stopped), or analysis crashed:
                for item in by_folder.get(job.path, []):  # keep what we had, and read it
                    del not_seen[item.path]  # again next scan (its key is not stored)
                continue
            state.folders[job.path] = keys[job.path]
            fresh += result.packed
            for item in result.items:
                old = not_seen.pop(item.path, None)
                if old is None:
                    fresh.append(item)
                    continue
                item.id, item.added = old.id, old.added
                if item.to_dict() == old.to_dict():
                    summary.unchanged += 1
                else:
                    summary.updated += 1
                state.items[item.id] = item

        del results, jobs
        gone: list[MediaItem] = []
        for item in not_seen.values():
            if can_see_gone(item, walked):
                gone.append(item)
            else:
                item.available = False
                summary.unavailable += 1
        # A stopped scan removes nothing: a file that seems gone may be a move into a
        # folder it did not read, which the next scan recognises (keeping its id).
        match_moves(
            gone, fresh, state, summary, self.watch, remove=not summary.stopped, added=self.added
        )
        listed = walked.folders
        tops = self._only.get(root.path)
        for folder in [f for f in state.folders if f not in listed]:  # gone, or not ours
            if tops is not None and not is_under_any(folder, tops):
                continue  # outside a limited scan: left as it was
            if is_under(folder, root.path) and not any(
                is_under(folder, u) for u in walked.unreadable
            ):
                del state.folders[folder]
