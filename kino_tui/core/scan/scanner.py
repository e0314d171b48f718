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
import io
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, cast

from kino_tui.core.catalog.store import (
    SCHEMA_VERSION,
    Catalog,
    PackedCatalog,
    PackedDocument,
    objects_for_life,
)
from kino_tui.core.errors import CatalogDamaged
from kino_tui.core.forking import can_fork as _can_fork
from kino_tui.core.forking import end_with_parent
from kino_tui.core.models import LibraryRoot, MediaItem, Problem, ScanProgress, ScanSummary
from kino_tui.core.scan.stamps import (
    RootStamp,
    ScanStamps,
    quick_folders,
    quick_unchanged,
    trusted_devices,
)
from kino_tui.core.watch.store import WatchStore, now_iso

if TYPE_CHECKING:  # the analysis stack is imported only when a folder needs reading,
    # and the walker when a folder is listed (not by a rescan that only stats them)
    import multiprocessing.process
    from multiprocessing.connection import Connection

    from kino_tui.core.scan.analysis import FolderJob, FolderResult
    from kino_tui.core.walk.walker import FolderListing, Walking, WalkResult

#: Bump when naming or analysis rules change, so every folder is read again once.
ANALYSIS_VERSION = "3"  # 2: episodes know their show's poster; 3: naming rules of issue 11
#: Below this many files to read, a process pool costs more than it saves.
PARALLEL_THRESHOLD = 48
BATCH_FILES = 24
#: A stopped scan waits this long for the batches its workers are reading, then ends them.
STOP_GRACE_SECONDS = 1.5
#: The kinds an extra's link (``extra_of``) depends on.
_LINK_KINDS = frozenset({"movie", "video", "extra"})


def _root_is_offline(listing: FolderListing | None) -> bool:
    return listing is None or listing.entry_count == 0


def _is_under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _parent(path: str) -> str:
    return path.rpartition("/")[0] or "/"


#: A root's walk, its folder keys, its unpacked items by folder, those not yet seen by
#: path, and the folders to read.
_Plan = tuple[
    "WalkResult",
    dict[str, str],
    dict[str, list[MediaItem]],
    dict[str, MediaItem],
    list["FolderListing"],
]


def _ignore(progress: ScanProgress) -> None:
    pass


class _Stopped(Exception):
    """The scan was cancelled while a root was walked: that root is left as it was."""


def _walk_progress(
    root: LibraryRoot,
    report: Callable[[ScanProgress], None] | None,
    cancel: threading.Event | None,
) -> Callable[[int], None] | None:
    if report is None and cancel is None:
        return None
    if report is not None:
        report(ScanProgress("walking", 0, 0, root.path))

    def progress(count: int) -> None:
        if cancel is not None and cancel.is_set():
            raise _Stopped(root.path)
        if report is not None:
            report(ScanProgress("walking", count, 0, root.path))

    return progress


class _ScanState:
    """The catalog during one scan. A document is unpacked ("taken") only when one of its
    folders changed; its items then live in :attr:`items`, the others stay packed."""

    def __init__(self, packed: PackedCatalog) -> None:
        self.packed = packed
        self.folders = dict(packed.folders)
        self.items: dict[str, MediaItem] = {}
        self.taken: list[PackedDocument] = []
        self._taken_ids: set[int] = set()
        #: Each root's walk and folder keys, by root path (offline roots have none).
        self.walks: dict[str, tuple[WalkResult, dict[str, str]]] = {}

    def take(self, document: PackedDocument) -> None:
        if id(document) not in self._taken_ids:
            self._taken_ids.add(id(document))
            self.taken.append(document)
            for item in document.items():
                self.items[item.id] = item

    def is_taken(self, document: PackedDocument) -> bool:
        return id(document) in self._taken_ids

    def documents(self, root: str) -> list[PackedDocument]:
        return [document for document in self.packed.documents if document.root == root]

    def root_items(self, root: str) -> list[MediaItem]:
        return [item for item in self.items.values() if item.root == root]

    def id_in_use(self, item_id: str) -> bool:
        """Whether any item of the catalog has this id (unpacks every document)."""
        for document in self.packed.documents:
            self.take(document)
        return item_id in self.items


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
        if folders is not None:  # what a file watcher saw change: no stamps, no shortcuts
            return self._scan_folders(roots, folders, on_progress, cancel, started)
        self._only = {}
        stamps = ScanStamps(self.catalog.path, f"{SCHEMA_VERSION}/{ANALYSIS_VERSION}")
        walks: dict[str, WalkResult] = {}
        with self.catalog.lock():
            walk_started_ns = time.time_ns()
            stamped = stamps.read()
            unchanged = self._quickly_unchanged(roots, stamped, on_progress, cancel)
            if unchanged is None:
                unchanged = self._walked_unchanged(
                    roots, stamps, stamped, walks, walk_started_ns, on_progress, cancel
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
        every_root = roots
        self._only = scan_limits(roots, folders)
        roots = [root for root in roots if root.path in self._only]
        with self.catalog.lock():
            summary, warning, state = self._read_and_scan(
                roots, on_progress, cancel, None, {}, every_root
            )
        return self._finished(summary, warning, state, started)

    def _finished(
        self, summary: ScanSummary, warning: str | None, state: _ScanState, started: float
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
    ) -> tuple[ScanSummary, str | None, _ScanState]:
        """Read the catalog (the caller holds its lock) and scan ``roots`` into it; rows
        that cannot be unpacked set the file aside and rebuild it from ``every_root``,
        every folder of each (a limited scan included)."""
        with objects_for_life():  # the file's objects are long-lived and hold no cycles
            packed, warning = self.catalog.read_or_recover()
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
    ) -> tuple[ScanSummary, str | None, _ScanState]:
        """The ordinary scan (reusing the ``walks`` made already), then the stamps."""
        first = [] if walks else roots  # the first root is walked while the catalog is read
        with self._first_walk(first) as walking:
            summary, warning, state = self._read_and_scan(
                roots, on_progress, cancel, walking, walks, roots
            )
        # other roots' stamps stay true unless the catalog was rebuilt without them
        kept = {} if warning else stamped
        stamps.write(_stamps_after(roots, state, summary, kept, walk_started_ns))
        return summary, warning, state

    def _quickly_unchanged(
        self,
        roots: Sequence[LibraryRoot],
        stamped: dict[str, RootStamp],
        on_progress: Callable[[ScanProgress], None] | None,
        cancel: threading.Event | None,
    ) -> ScanSummary | None:
        """The summary of a scan that changes nothing, when every root's stamp holds its
        folders and they are as stamped (see :func:`quick_unchanged`); else None."""
        if not roots or (cancel is not None and cancel.is_set()):
            return None
        stamps: list[RootStamp] = []
        for root in roots:
            stamp = stamped.get(root.path)
            if stamp is None or stamp.folders is None or stamp.settings != _settings(root):
                return None
            stamps.append(stamp)
        if on_progress is not None:
            on_progress(ScanProgress("walking", 0, 0, roots[0].path))
        if not quick_unchanged(stamps, parallel=self.workers > 1 and _can_fork()):
            return None
        if on_progress is not None:
            checked = sum(sum(stamp.stats) for stamp in stamps)
            on_progress(ScanProgress("walking", checked, 0, roots[-1].path))
        return ScanSummary(unchanged=sum(stamped[root.path].items for root in roots))

    def _walked_unchanged(
        self,
        roots: Sequence[LibraryRoot],
        stamps: ScanStamps,
        stamped: dict[str, RootStamp],
        walks: dict[str, WalkResult],
        walk_started_ns: int,
        on_progress: Callable[[ScanProgress], None] | None,
        cancel: threading.Event | None,
    ) -> ScanSummary | None:
        """The summary of a scan that changes nothing, when every root's walk is as
        stamped (see :mod:`kino_tui.core.scan.stamps`); else None, the walks made so far
        left in ``walks`` for the ordinary scan. The stamps get the folders as walked now."""
        if not roots or any(
            root.path not in stamped or stamped[root.path].settings != _settings(root)
            for root in roots
        ):
            return None
        summary = ScanSummary()
        restamped = dict(stamped)
        trusted = trusted_devices()
        for root in roots:
            if cancel is not None and cancel.is_set():
                return None  # the ordinary scan says it stopped
            progress = _walk_progress(root, on_progress, cancel)
            from kino_tui.core.walk.walker import walk

            try:
                with objects_for_life():  # the walk makes ~10^5 objects and no cycles
                    walked = walk(root.path, progress, self.workers, root.follow_links)
            except _Stopped:
                return None
            walks[root.path] = walked
            stamp = stamped[root.path]
            if (
                walked.unreadable
                or _root_is_offline(walked.folders.get(root.path))
                or _tree_digest(root, walked) != stamp.tree
            ):
                return None
            summary.unchanged += stamp.items
            summary.problems.extend(walked.problems)
            # the folders as walked now (their times may have changed with other files)
            folders = walked.folders.values()
            quick = quick_folders(folders, walked.problems, walk_started_ns, trusted)
            stats, texts = quick or ((0, 0), None)
            restamped[root.path] = RootStamp(stamp.settings, stamp.tree, stamp.items, stats, texts)
        if restamped != stamped:
            stamps.write(restamped)
        summary.errors = len(summary.problems)
        return summary

    def _first_walk(self, roots: Sequence[LibraryRoot]) -> Walking | contextlib.nullcontext[None]:
        if roots and self.workers > 1:
            from kino_tui.core.walk.walker import Walking

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
    ) -> tuple[ScanSummary, _ScanState]:
        state = _ScanState(packed)
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
            except _Stopped:
                summary.stopped = True
                break
        if any(d.kind in _LINK_KINDS for d in state.taken) or any(
            item.kind in _LINK_KINDS for item in state.items.values()
        ):  # movies, videos or extras may have changed: extras follow their movies
            for document in packed.documents:
                if document.kind in _LINK_KINDS:
                    state.take(document)
            _link_extras(state.items.values())
        self.catalog.update(packed, state.taken, state.items.values(), state.folders)
        return summary, state

    def _scan_root(
        self,
        root: LibraryRoot,
        state: _ScanState,
        summary: ScanSummary,
        on_progress: Callable[[ScanProgress], None] | None,
        cancel: threading.Event | None,
        walking: Walking | None,
        walked: WalkResult | None,
    ) -> None:
        with objects_for_life():  # the walk makes ~10^5 objects and no cycles
            plan = self._plan_root(root, state, summary, on_progress, cancel, walking, walked)
        if plan is None:
            return
        walked, keys, by_folder, not_seen, to_read = plan
        jobs: list[FolderJob] = []
        for listing in to_read:
            try:
                jobs.append(_job_for(root, listing, walked, by_folder.get(listing.path, [])))
            except OSError as error:  # unreadable since the walk: as if it had been then
                walked.unreadable.add(listing.path)
                message = f"cannot read folder: {error.strerror or error}"
                summary.problems.append(Problem(listing.path, message))

        fresh: list[MediaItem] = []
        report = on_progress or _ignore
        results = self._run_jobs(jobs, report, cancel, summary)
        for job, result in zip(jobs, results, strict=True):
            if result is not None:
                summary.problems.extend(result.problems)
            if result is None or result.failed:  # not read (stopped), or analysis crashed:
                for item in by_folder.get(job.path, []):  # keep what we had, and read it
                    del not_seen[item.path]  # again next scan (its key is not stored)
                continue
            state.folders[job.path] = keys[job.path]
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

        gone: list[MediaItem] = []
        for item in not_seen.values():
            if _can_see_gone(item, walked):
                gone.append(item)
            else:
                item.available = False
                summary.unavailable += 1
        # A stopped scan removes nothing: a file that seems gone may be a move into a
        # folder it did not read, which the next scan recognises (keeping its id).
        self._match_moves(gone, fresh, state, summary, remove=not summary.stopped)
        listed = walked.folders
        tops = self._only.get(root.path)
        for folder in [f for f in state.folders if f not in listed]:  # gone, or not ours
            if tops is not None and not _under_any(folder, tops):
                continue  # outside a limited scan: left as it was
            if _is_under(folder, root.path) and not any(
                _is_under(folder, u) for u in walked.unreadable
            ):
                del state.folders[folder]

    def _plan_root(
        self,
        root: LibraryRoot,
        state: _ScanState,
        summary: ScanSummary,
        on_progress: Callable[[ScanProgress], None] | None,
        cancel: threading.Event | None,
        walking: Walking | None,
        walked: WalkResult | None,
    ) -> _Plan | None:
        """Walk a root (unless ``walked`` already) and sort its folders: unchanged ones
        keep their items (left packed when they can be), the others are to be read. None
        when the root is offline."""
        documents = state.documents(root.path)
        for document in documents:
            if not document.indexed:  # written before the index: packed again with it
                state.take(document)
        progress = _walk_progress(root, on_progress, cancel)
        tops = self._only.get(root.path)
        if tops is not None and os.path.isdir(root.path):
            return self._plan_part(root, tops, state, summary, progress)
        if walked is None:
            if walking is not None:  # started before the catalog was read
                walked = walking.result(progress)
            else:
                from kino_tui.core.walk.walker import walk

                walked = walk(root.path, progress, self.workers, root.follow_links)
        if _root_is_offline(walked.folders.get(root.path)):
            reason = "is empty" if root.path in walked.folders else "cannot be read or is missing"
            summary.problems.append(
                Problem(root.path, f"library folder {reason}: treated as offline, nothing removed")
            )
            for document in documents:
                if not state.is_taken(document):
                    count = sum(document.folders().values())
                    if document.unavailable() < count:
                        state.take(document)  # some of its items are to be marked
                    else:
                        summary.unavailable += count
            for item in state.root_items(root.path):
                item.available = False
                summary.unavailable += 1
            return None
        summary.problems.extend(walked.problems)
        for document in documents:
            if document.unavailable():
                state.take(document)  # its items may be back

        # How many items each folder holds in the documents still packed (all of them
        # available: see above), and the items already unpacked, by folder.
        still_packed = [(d, d.folders()) for d in documents if not state.is_taken(d)]
        packed_counts: dict[str, int] = {}
        for _, counts in still_packed:
            both = packed_counts.keys() & counts.keys()  # folders of several kinds
            added = {folder: packed_counts[folder] + counts[folder] for folder in both}
            packed_counts.update(counts)
            packed_counts.update(added)
        by_folder: dict[str, list[MediaItem]] = {}
        for item in state.root_items(root.path):
            by_folder.setdefault(item.folder, []).append(item)

        keys = _folder_keys(root, walked)
        state.walks[root.path] = (walked, keys)
        unchanged: set[str] = set()
        to_read: list[FolderListing] = []
        stored = state.folders
        for path, key in keys.items():
            if stored.get(path) == key and (path in packed_counts or path in by_folder):
                unchanged.add(path)
            else:
                to_read.append(walked.folders[path])
        # A folder read again or gone needs its items: unpack the documents that hold it.
        stale = {folder for folder in packed_counts if folder not in unchanged}
        for document, counts in still_packed:
            if not stale.isdisjoint(counts):
                state.take(document)
                for item in document.items():
                    by_folder.setdefault(item.folder, []).append(item)
                    packed_counts[item.folder] -= 1

        not_seen = {item.path: item for items in by_folder.values() for item in items}
        summary.unchanged += sum(packed_counts.get(path, 0) for path in unchanged)
        for path in unchanged & by_folder.keys():
            for item in by_folder[path]:
                del not_seen[item.path]
                if item.available:
                    summary.unchanged += 1
                else:
                    item.available = True
                    summary.updated += 1
        return walked, keys, by_folder, not_seen, to_read

    def _plan_part(
        self,
        root: LibraryRoot,
        tops: list[str],
        state: _ScanState,
        summary: ScanSummary,
        progress: Callable[[int], None] | None,
    ) -> _Plan:
        """:meth:`_plan_root` for the folders under ``tops`` only: they are listed (with
        the two folders above each, whose names and sidecars the analysis and the keys
        need), and only the documents holding one of them are unpacked."""
        walked = _walk_below(root, tops)
        if progress is not None:
            progress(len(walked.folders))
        summary.problems.extend(walked.problems)
        for document in state.documents(root.path):
            if not state.is_taken(document) and any(
                _under_any(folder, tops) for folder in document.folders()
            ):
                state.take(document)
        by_folder: dict[str, list[MediaItem]] = {}
        for item in state.root_items(root.path):
            if _under_any(item.folder, tops):
                by_folder.setdefault(item.folder, []).append(item)
        not_seen = {item.path: item for items in by_folder.values() for item in items}
        keys = {p: k for p, k in _folder_keys(root, walked).items() if _under_any(p, tops)}
        to_read: list[FolderListing] = []
        for path, key in keys.items():
            if state.folders.get(path) != key or path not in by_folder:
                to_read.append(walked.folders[path])
                continue
            for item in by_folder[path]:
                del not_seen[item.path]
                if item.available:
                    summary.unchanged += 1
                else:
                    item.available = True
                    summary.updated += 1
        return walked, keys, by_folder, not_seen, to_read

    def _run_jobs(
        self,
        jobs: list[FolderJob],
        report: Callable[[ScanProgress], None],
        cancel: threading.Event | None,
        summary: ScanSummary,
    ) -> list[FolderResult | None]:
        """Each job's result, None for those not read because the scan was stopped (which
        sets ``summary.stopped``)."""
        if not jobs:
            return []
        total = sum(_files_to_read(job) for job in jobs)
        summary.files_to_read += total
        report(ScanProgress("reading", 0, total))
        results: list[FolderResult | None] = [None] * len(jobs)
        done = 0
        if self.workers > 1 and total >= PARALLEL_THRESHOLD:
            with contextlib.closing(_read_in_workers(jobs, self.workers, cancel)) as batches:
                for batch, batch_results in batches:
                    for index, result in zip(batch, batch_results, strict=True):
                        results[index] = result
                        done += _files_to_read(jobs[index])
                    report(ScanProgress("reading", done, total, jobs[batch[-1]].path))
        else:
            for index, job in enumerate(jobs):
                if cancel is not None and cancel.is_set():
                    break
                results[index] = _analyse_safely(job)
                done += _files_to_read(job)
                report(ScanProgress("reading", done, total, job.path))
        summary.files_read += done
        if any(result is None for result in results):
            summary.stopped = True
        return results

    def _match_moves(
        self,
        gone: list[MediaItem],
        fresh: list[MediaItem],
        state: _ScanState,
        summary: ScanSummary,
        remove: bool = True,
    ) -> None:
        """Give new files the identity of vanished ones: same inode first, then same content;
        the vanished ones left are removed (when ``remove``)."""
        by_inode = {(i.device, i.inode, i.size): i for i in gone if i.inode}
        by_content: dict[tuple[int, str], list[MediaItem]] = {}
        for old in gone:
            if old.fingerprint:
                by_content.setdefault((old.size, old.fingerprint), []).append(old)
        matches: dict[int, MediaItem] = {}
        taken: set[str] = set()
        for index, item in enumerate(fresh):
            same_inode = by_inode.get((item.device, item.inode, item.size))
            if same_inode is not None and same_inode.id not in taken:
                matches[index] = same_inode
                taken.add(same_inode.id)
        for index, item in enumerate(fresh):
            if index in matches or not item.fingerprint:
                continue
            candidates = [
                c for c in by_content.get((item.size, item.fingerprint), []) if c.id not in taken
            ]
            if candidates:
                name = item.path.rpartition("/")[2]
                chosen = next((c for c in candidates if c.path.endswith("/" + name)), candidates[0])
                matches[index] = chosen
                taken.add(chosen.id)
        reattach: dict[str, str] | None = None
        for index, item in enumerate(fresh):
            matched = matches.get(index)
            if matched is not None:
                item.id, item.added = matched.id, matched.added
                summary.moved += 1
            else:
                if reattach is None:
                    reattach = self.watch.ids_by_path() if self.watch is not None else {}
                known = reattach.get(item.path)
                item.id = known if known and not state.id_in_use(known) else _new_id()
                item.added = now_iso()
                summary.added += 1
            state.items[item.id] = item
        for old in gone:
            if old.id not in taken and remove:
                del state.items[old.id]
                summary.removed += 1


def _under_any(path: str, tops: Sequence[str]) -> bool:
    return any(_is_under(path, top) for top in tops)


def scan_limits(roots: Sequence[LibraryRoot], folders: Sequence[str]) -> dict[str, list[str]]:
    """The folders of a limited scan by root: each one that is gone replaced by its
    nearest existing parent inside its root, and none below another."""
    by_root: dict[str, list[str]] = {}
    for folder in folders:
        folder = folder.rstrip("/") or "/"
        owners = [root.path for root in roots if _is_under(folder, root.path)]
        if not owners:
            continue  # not in a root scanned now
        owner = max(owners, key=len)
        while folder != owner and not os.path.isdir(folder):
            folder = _parent(folder)
        by_root.setdefault(owner, []).append(folder)
    limits: dict[str, list[str]] = {}
    for owner, chosen in by_root.items():
        tops: list[str] = []
        for folder in sorted(set(chosen), key=len):
            if not _under_any(folder, tops):
                tops.append(folder)
        limits[owner] = tops
    return limits


def _walk_below(root: LibraryRoot, tops: list[str]) -> WalkResult:
    """The walk of a limited scan: every folder under ``tops``, as the root's whole walk
    would list them (names below the root, the sidecar signatures above), plus the
    listings of the two folders above each top (their names, for the analysis)."""
    from kino_tui.core.walk.walker import _result as _walk_result
    from kino_tui.core.walk.walker import _walk_subtrees

    within = None if root.follow_links else os.path.realpath(root.path)
    met: list[Any] = []
    above: dict[str, FolderListing] = {}
    for top in tops:
        sidecars = ["", ""]
        folder = top
        for level in range(2):
            if folder == root.path:
                break
            folder = _parent(folder)
            listing = above.get(folder) or _list_above(root, folder, within)
            if listing is None:
                break
            above[folder] = listing
            sidecars[level] = listing.sidecar_signature()
        relative = _relative(root, top)
        _walk_subtrees([(top, relative, sidecars[0], sidecars[1], within)], set(), met)
    walked = _walk_result(met)
    for path, listing in above.items():
        walked.folders.setdefault(path, listing)
    return walked


def _relative(root: LibraryRoot, folder: str) -> tuple[str, ...]:
    if folder == root.path:
        return ()
    return tuple(folder[len(root.path) :].strip("/").split("/"))


def _list_above(root: LibraryRoot, folder: str, within: str | None) -> FolderListing | None:
    try:
        from kino_tui.core.walk.walker import _list_folder as _list_one

        listed = _list_one((folder, _relative(root, folder), "", "", within), set())
    except OSError:
        return None
    return listed[0] if listed is not None else None


def _new_id() -> str:
    import uuid

    return uuid.uuid4().hex[:12]


def _folder_keys(root: LibraryRoot, walked: WalkResult) -> dict[str, str]:
    """A key per folder with media: its own listing plus the sidecars of the two folders
    above it (inside the root)."""
    head = f"{ANALYSIS_VERSION}|{root.type}|"
    keys = {}
    for path, listing in walked.folders.items():
        if listing.has_media():
            parent, grandparent = listing.sidecars_above()
            keys[path] = f"{head}{listing.signature()}|{parent}|{grandparent}"
    return keys


def _settings(root: LibraryRoot) -> str:
    """What a root's stamp depends on besides its folders."""
    return f"{root.type}|{root.follow_links}"


def _tree_digest(root: LibraryRoot, walked: WalkResult) -> str:
    """One digest of a root's walk: every folder met (its path and its signature) in
    order, and what else its folder keys depend on."""
    from kino_tui.core.walk.walker import blake2b

    head = f"{ANALYSIS_VERSION}|{root.type}|{root.follow_links}|{len(walked.folders)}"
    text = "\0".join([head, *(f"{p}\0{f.signature()}" for p, f in walked.folders.items())])
    return blake2b(text.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


def _stamps_after(
    roots: Sequence[LibraryRoot],
    state: _ScanState,
    summary: ScanSummary,
    kept: dict[str, RootStamp],
    walk_started_ns: int,
) -> dict[str, RootStamp]:
    """The stamps to keep after an ordinary scan: ``kept`` (the other roots'), with each
    root scanned stamped when the next scan of an unchanged tree would read nothing and
    change nothing: every folder with media keyed as walked (none failed or left unread)
    and holding items, nothing unreadable, every item available, the scan not stopped."""
    stamps = dict(kept)
    trusted = trusted_devices()
    for root in roots:
        stamps.pop(root.path, None)
        if summary.stopped or root.path not in state.walks:
            continue
        walked, keys = state.walks[root.path]
        if walked.unreadable:
            continue
        stored = {path: key for path, key in state.folders.items() if _is_under(path, root.path)}
        if stored != keys:
            continue
        counts: dict[str, int] = {}  # items by folder
        documents = [d for d in state.documents(root.path) if not state.is_taken(d)]
        if any(document.unavailable() for document in documents):
            continue
        for document in documents:
            for folder, count in document.folders().items():
                counts[folder] = counts.get(folder, 0) + count
        taken = state.root_items(root.path)
        if not all(item.available for item in taken):
            continue
        for item in taken:
            counts[item.folder] = counts.get(item.folder, 0) + 1
        if keys.keys() <= counts.keys():  # a folder without items is read every scan
            quick = quick_folders(
                walked.folders.values(), walked.problems, walk_started_ns, trusted
            )
            stats, texts = quick or ((0, 0), None)
            tree, items = _tree_digest(root, walked), sum(counts.values())
            stamps[root.path] = RootStamp(_settings(root), tree, items, stats, texts)
    return stamps


def _job_for(
    root: LibraryRoot, listing: FolderListing, walked: WalkResult, previous: list[MediaItem]
) -> FolderJob:
    parent = walked.folders.get(_parent(listing.path)) if listing.path != root.path else None
    grandparent = (
        walked.folders.get(_parent(parent.path)) if parent and parent.path != root.path else None
    )
    from kino_tui.core.scan.analysis import FolderJob

    return FolderJob(
        path=listing.path,
        root=root,
        folders=listing.folders,
        files=listing.files,
        parent_names=parent.names() if parent else (),
        grandparent_names=grandparent.names() if grandparent else (),
        previous={tuple(item.parts): item for item in previous},
    )


def _can_see_gone(item: MediaItem, walked: WalkResult) -> bool:
    """True when the scan could see the item's file is really gone (Kodi's rule)."""
    folder = item.folder
    if any(_is_under(folder, unreadable) for unreadable in walked.unreadable):
        return False
    if folder in walked.folders:
        return True
    ancestor = folder
    while ancestor not in walked.folders:
        parent = _parent(ancestor)
        if parent == ancestor:
            return False
        ancestor = parent
    # The nearest folder that still exists: an empty one is a mount point that went away.
    return walked.folders[ancestor].entry_count > 0


def _link_extras(items: Iterable[MediaItem]) -> None:
    """Point each extra at the movie (or video) whose folder it belongs to."""
    items = list(items)
    owners: dict[str, str] = {}
    for item in sorted(items, key=lambda i: i.path):
        if item.kind in ("movie", "video"):
            owners.setdefault(item.folder, item.id)
    for item in items:
        if item.kind == "extra":
            item.extra_of = owners.get(item.extra_owner or "")
        else:
            item.extra_of = None


def _files_to_read(job: FolderJob) -> int:
    from kino_tui.core.naming import is_audio, is_video

    return sum(1 for entry in job.files if is_video(entry.name) or is_audio(entry.name))


def _batches(jobs: list[FolderJob]) -> list[list[int]]:
    batches: list[list[int]] = []
    current: list[int] = []
    size = 0
    for index, job in enumerate(jobs):
        current.append(index)
        size += _files_to_read(job)
        if size >= BATCH_FILES:
            batches.append(current)
            current, size = [], 0
    if current:
        batches.append(current)
    return batches


def _failed(job: FolderJob, error: BaseException | str) -> FolderResult:
    """A folder whose reading failed (``error`` as raised, or in words): its items are
    kept as they were and it is read again next scan."""
    from kino_tui.core.metadata.probe import describe_error
    from kino_tui.core.scan.analysis import FolderResult

    if isinstance(error, str):
        reason = error
    else:  # an unexpected error: its type says most
        text, name = describe_error(error), type(error).__name__
        reason = text if text.startswith(name) else f"{name}: {text}"
    problem = Problem(job.path, f"could not read folder: {reason}")
    return FolderResult(job.path, [], [problem], failed=True)


def _analyse_safely(job: FolderJob) -> FolderResult:
    from kino_tui.core.scan.analysis import analyse_folder

    try:
        return analyse_folder(job)
    except Exception as error:  # one odd folder must not stop the scan
        return _failed(job, error)


def _analyse_batch(jobs: list[FolderJob]) -> list[FolderResult]:
    return [_analyse_safely(job) for job in jobs]


@contextlib.contextmanager
def _stderr_with_a_descriptor() -> Iterator[None]:
    """Spawning a process hands ``sys.stderr``'s descriptor to multiprocessing's resource
    tracker; in the TUI ``sys.stderr`` is Textual's capture, whose ``fileno()`` is -1, and
    the spawn failed ("bad value(s) in fds_to_keep"). Lend it /dev/null meanwhile."""
    try:
        usable = sys.stderr is not None and sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        usable = True  # no descriptor at all: multiprocessing copes with that itself
    if usable:
        yield
        return
    saved = sys.stderr
    with open(os.devnull, "w") as devnull:
        sys.stderr = devnull
        try:
            yield
        finally:
            sys.stderr = saved


def _read_in_workers(
    jobs: list[FolderJob], count: int, cancel: threading.Event | None
) -> Generator[tuple[list[int], list[FolderResult]], None, None]:
    """Read the jobs in ``count`` worker processes, batch by batch: each batch's job
    numbers and results as they come. Workers are children of this process (forked when
    no other thread runs, else spawned: no fork server, no lingering helper) and end with
    it however it ends (a parent-death signal, and a check of their parent). When
    ``cancel`` is set, no batch is handed out any more; those being read are waited for a
    moment (:data:`STOP_GRACE_SECONDS`), then their workers are killed."""
    import multiprocessing
    from multiprocessing.connection import wait as wait_for

    context: Any = multiprocessing.get_context("fork" if _can_fork() else "spawn")
    waiting = _batches(jobs)
    waiting.reverse()  # popped from the end: handed out in order
    workers: list[tuple[multiprocessing.process.BaseProcess, Connection]] = []
    busy: dict[Connection, list[int]] = {}
    stopped_at: float | None = None
    try:
        with _stderr_with_a_descriptor():
            for _ in range(min(count, len(waiting))):
                ours, theirs = context.Pipe()
                process = context.Process(
                    target=_worker, args=(theirs, os.getpid()), daemon=True, name="kino-reader"
                )
                process.start()
                theirs.close()
                workers.append((process, ours))
        idle = [connection for _, connection in workers]
        while True:
            if stopped_at is None and cancel is not None and cancel.is_set():
                stopped_at = time.monotonic()
            while idle and waiting and stopped_at is None:
                connection = idle.pop()
                batch = waiting.pop()
                try:
                    connection.send([jobs[i] for i in batch])
                except OSError:  # the worker died while idle: another one takes it
                    waiting.append(batch)
                    continue
                busy[connection] = batch
            if not busy:
                if waiting and stopped_at is None:  # every worker died: nobody to read these
                    died = "no reader process left (read again next scan)"
                    for batch in reversed(waiting):
                        yield batch, [_failed(jobs[i], died) for i in batch]
                break
            if stopped_at is not None and time.monotonic() - stopped_at > STOP_GRACE_SECONDS:
                break  # the batches still being read are not kept
            for ready in wait_for(list(busy), timeout=0.1):
                connection = cast("Connection", ready)
                batch = busy.pop(connection)
                try:
                    batch_results = connection.recv()
                except (EOFError, OSError):  # the worker died
                    if stopped_at is not None or (cancel is not None and cancel.is_set()):
                        continue  # ended along with kino (a signal to the group): not read
                    died = "its reader process ended unexpectedly (read again next scan)"
                    yield batch, [_failed(jobs[i], died) for i in batch]
                    continue
                idle.append(connection)
                yield batch, batch_results
    finally:
        _end_workers(workers, bool(busy))


def _end_workers(
    workers: list[tuple[multiprocessing.process.BaseProcess, Connection]], at_once: bool
) -> None:
    """Tell idle workers to leave, kill the others (or all, ``at_once``), and reap them."""
    for _, connection in workers:
        if not at_once:
            with contextlib.suppress(OSError, ValueError):
                connection.send(None)
        connection.close()
    deadline = time.monotonic() + (0 if at_once else 1.0)
    for process, _ in workers:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.exitcode is None:
            process.kill()
            process.join()


def _worker(connection: Connection, parent: int) -> None:
    """A reader process: batches of jobs in, their results out, until told to stop, its
    pipe closes, or the parent is gone."""
    _end_with_parent(parent)
    for number in (signal.SIGINT, signal.SIGHUP):
        signal.signal(number, signal.SIG_IGN)  # the parent stops the scan and then us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    while True:
        try:
            jobs = connection.recv()
        except (EOFError, OSError):
            return
        if jobs is None:
            return
        connection.send(_analyse_batch(jobs))


def _end_with_parent(parent: int) -> None:
    """Die when ``parent`` dies, whatever kills it: the kernel's parent-death signal on
    Linux, and everywhere a thread that checks the parent every second."""
    end_with_parent(parent)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="kino-parent-watch").start()
