"""Watch state (progress, watched, play count, last played), stored apart from the catalog.

Saving progress rewrites only this small file, never the library, and a rebuilt
catalog finds its progress again by item id or by path. Every change is a locked
read-modify-write, so two kino processes never lose each other's updates.

A ``watch.json`` or ``history.json`` that is not valid JSON or not shaped as kino
writes it (a table that is not a table, a value of the wrong type) never locks the
user out: the first method that reads it moves it aside as ``<name>.damaged-<time>``
(under ``watch.json.lock``, after reading it again there) and goes on with an empty
one. :meth:`WatchStore.recover` returns a line about each file set aside.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from tinydb import Query, TinyDB
from tinydb.table import Table

from kino_tui.core.catalog.storage import AtomicJSONStorage, json_type
from kino_tui.core.errors import DataFileDamaged, DataFileUnwritable, WatchStateDamaged
from kino_tui.core.fsutil import clean_stale_temporaries, file_lock, set_aside, unwritable
from kino_tui.core.models import MediaItem, Progress

if TYPE_CHECKING:
    from kino_tui.core.catalog.compact import ScanItem
    from kino_tui.core.watch.journal import Journal

#: How long a writer (or a reader setting a damaged file aside) waits for another kino.
LOCK_TIMEOUT = 30.0

_NUMBER = (int, float)
_TEXT = (str,)
#: The fields kino writes and the JSON types each may hold (``None`` is always allowed;
#: fields a newer kino may add are not checked).
_PROGRESS_FIELDS: dict[str, tuple[type, ...]] = {
    "id": _TEXT,
    "path": _TEXT,
    "size": (int,),
    "position": _NUMBER,
    "duration": _NUMBER,
    "watched": (bool,),
    "play_count": (int,),
    "last_played": _TEXT,
}
_PLAY_FIELDS: dict[str, tuple[type, ...]] = {
    **dict.fromkeys(("id", "path", "kind", "title", "series", "player"), _TEXT),
    **dict.fromkeys(("started_at", "ended_at", "error"), _TEXT),
    "season": (int,),
    "episode": (int,),
    "position": _NUMBER,
    "duration": _NUMBER,
    "watched": (bool,),
}
_TYPE_NAMES: dict[tuple[type, ...], str] = {
    _TEXT: "a string",
    _NUMBER: "a number",
    (int,): "a whole number",
}
_DOCUMENT_ID = re.compile(r"[0-9]+")

#: What is lost with each file, for the message.
_LOST = {
    "watch.json": "the resume points and watched marks in it are not used "
    "(repair the kept copy by hand and put it back to get them again)",
    "history.json": "the plays listed in it no longer show in `kino history`",
}


def now_iso() -> str:
    """The current UTC time as an ISO 8601 string with seconds."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class WatchStore:
    """Per-item progress records keyed by item id, with the path and size they were seen at.

    No method raises on a damaged ``watch.json`` or ``history.json``: the file is set
    aside and kino starts a new one; the lines saying so are in :attr:`warnings` and
    returned (once) by :meth:`recover`. Lock waits longer than 30 s raise
    :class:`~kino_tui.core.errors.LockTimeout`; a write to a folder kino cannot change
    raises :class:`~kino_tui.core.errors.DataFileUnwritable`, and a writer that finds a
    damaged file it cannot move aside :class:`~kino_tui.core.errors.WatchStateDamaged`
    (a reader goes on without that file, with a line saying so).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock_path = path.with_name(path.name + ".lock")
        self._db = TinyDB(path, storage=AtomicJSONStorage)
        # Plays are appended to a file of their own, so the history never slows progress saves.
        self.history_path = path.with_name("history.json")
        self._history_db = TinyDB(self.history_path, storage=AtomicJSONStorage)
        #: One line for each damaged file this store set aside, oldest first.
        self.warnings: list[str] = []
        self._unreported: list[str] = []
        self._warnings_lock = threading.Lock()
        self._unmovable: set[object] = set()  # damaged files that could not be moved aside
        #: With ``[shared] database``: queues every change (inside the lock, before the
        #: file is written) for the shared store. None: the local files are all there is.
        self.journal: Journal | None = None
        for stored in (path, self.history_path):
            clean_stale_temporaries(stored)  # left by killed writers

    def recover(self, progress: bool = True) -> list[str]:
        """Check both files now (only the history with ``progress=False``, when the
        caller has just read the progress), setting aside any that is damaged, and return
        one line for each file set aside since the last call (also those found by other
        methods: ``store.all()`` then ``store.recover()`` gives the lines about that
        read). An empty list means there was nothing to say."""
        if progress:
            self._documents(self._db, "progress", _PROGRESS_FIELDS)
        self._documents(self._history_db, "plays", _PLAY_FIELDS)
        with self._warnings_lock:
            lines, self._unreported = self._unreported, []
        return lines

    def _progress_table(self) -> Table:
        # A fresh Table each time: TinyDB caches the next document id per Table object,
        # which goes stale when another process has written in between.
        return Table(self._db.storage, "progress", cache_size=0)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[Table]:
        with self._locked_documents() as (table, _):
            yield table

    @contextlib.contextmanager
    def _locked_documents(self) -> Iterator[tuple[Table, dict[str, dict[str, Any]]]]:
        """The lock, the table, and its documents by id as checked under the lock (read
        once: with a large file every read counts)."""
        with file_lock(self.lock_path, timeout=LOCK_TIMEOUT, guards=self.path):
            documents = self._documents_locked(self._db, "progress", _PROGRESS_FIELDS)
            yield self._progress_table(), documents

    def _documents(
        self, db: TinyDB, table: str, fields: dict[str, tuple[type, ...]]
    ) -> dict[str, dict[str, Any]]:
        """A table's documents by id, read without the lock; a damaged file is looked at
        again under the lock (a writer may have replaced it) and set aside there."""
        try:
            return _read_checked(_storage(db), table, fields)
        except DataFileDamaged as damage:
            try:
                with file_lock(self.lock_path, timeout=LOCK_TIMEOUT, guards=_storage(db).path):
                    return self._documents_locked(db, table, fields)
            except (WatchStateDamaged, DataFileUnwritable) as failure:
                # a folder kino cannot change: read on without the file (writes still
                # refuse, so it is never overwritten), and say so once
                cause = failure if isinstance(failure, DataFileUnwritable) else failure.__cause__
                why = cause.reason if isinstance(cause, DataFileUnwritable) else str(failure)
                self._warn_once(
                    damage.path,
                    f"{damage.path} is damaged ({damage.reason}) and could not be moved aside "
                    f"({why}): kino goes on without it for now; move it away (or make its "
                    "folder writable) and start kino again.",
                )
                return {}

    def _documents_locked(
        self, db: TinyDB, table: str, fields: dict[str, tuple[type, ...]]
    ) -> dict[str, dict[str, Any]]:
        """As :meth:`_documents`; the caller holds the lock."""
        storage = _storage(db)
        try:
            return _read_checked(storage, table, fields)
        except DataFileDamaged as damage:
            self._set_aside(storage.path, damage.reason)
            return {}

    def _warn_once(self, path: object, line: str) -> None:
        with self._warnings_lock:
            if path in self._unmovable:
                return
            self._unmovable.add(path)
            self.warnings.append(line)
            self._unreported.append(line)

    def _set_aside(self, path: Path, reason: str) -> None:
        try:
            backup = set_aside(path)
        except OSError as error:
            failure = unwritable(path, error)
            raise WatchStateDamaged(
                f"{path} is damaged ({reason}) and could not be moved aside "
                f"({failure.reason}): move or delete it, then try again"
            ) from failure
        line = (
            f"{path} was damaged ({reason}). It was kept as {backup} and kino started "
            f"a new one; {_LOST.get(path.name, 'what it held is not used')}."
        )
        with self._warnings_lock:
            self.warnings.append(line)
            self._unreported.append(line)

    def signature(self) -> tuple[int, int, int] | None:
        """The file's inode, modification time and size: a cheap way to see another
        process's writes (every write is a new file, so a new inode, even when two writes
        of one size fall in the same timestamp tick)."""
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return (stat.st_ino, stat.st_mtime_ns, stat.st_size)

    def _progress_documents(self) -> Iterator[dict[str, Any]]:
        return iter(self._documents(self._db, "progress", _PROGRESS_FIELDS).values())

    def all(self) -> dict[str, Progress]:
        """Every item's progress, read fresh from disk."""
        return {doc["id"]: _progress_from(doc) for doc in self._progress_documents()}

    def get(self, item_id: str) -> Progress:
        """One item's progress (a fresh record when it was never played)."""
        doc = next((d for d in self._progress_documents() if d["id"] == item_id), None)
        return _progress_from(doc) if doc else Progress()

    def ids_by_path(self) -> dict[str, str]:
        """Item ids by the path they were last recorded at (to re-attach after a rebuild)."""
        return {doc["path"]: doc["id"] for doc in self._progress_documents() if doc.get("path")}

    def save(self, item: MediaItem, progress: Progress) -> None:
        """Store an item's progress, merging with whatever other processes wrote."""
        record: dict[str, Any] = {"id": item.id, "path": item.path, "size": item.size}
        record.update(asdict(progress))
        with self._locked_documents() as (table, documents):
            if self.journal is not None:
                before = next((d for d in documents.values() if d["id"] == item.id), None)
                self.journal.progress_changed(
                    [(item, _progress_from(before) if before else None, progress)]
                )
            table.upsert(record, Query().id == item.id)

    def set_watched(self, item: MediaItem, watched: bool) -> Progress:
        """Mark by hand: watched counts a play and clears the resume point."""
        return self.set_watched_many([item], watched)[item.id]

    def set_watched_many(
        self,
        items: list[MediaItem],
        watched: bool,
        previous: dict[str, Progress | None] | None = None,
    ) -> dict[str, Progress]:
        """Mark several items (a season, a show, an album) in one locked write; each
        item's record as it was before (None: it had none) goes into ``previous``."""
        result: dict[str, Progress] = {}
        with self._locked() as table:
            existing = {doc["id"]: doc for doc in table.all()}
            updates, inserts = [], []
            journal: list[tuple[MediaItem, Progress | None, Progress | None]] = []
            for item in items:
                doc = existing.get(item.id)
                if previous is not None:
                    previous[item.id] = _progress_from(doc) if doc else None
                before = _progress_from(doc) if doc else None
                progress = _progress_from(doc) if doc else Progress()
                if watched and not progress.watched:
                    progress.play_count += 1
                    progress.last_played = progress.last_played or now_iso()
                progress.watched = watched
                progress.position = 0.0
                record: dict[str, Any] = {"id": item.id, "path": item.path, "size": item.size}
                record.update(asdict(progress))
                result[item.id] = progress
                journal.append((item, before, progress))
                if doc is None:
                    inserts.append(record)
                else:
                    updates.append((record, Query().id == item.id))
            if self.journal is not None:
                self.journal.progress_changed(journal, always=("watched",))
            if updates:
                table.update_multiple(updates)
            if inserts:
                table.insert_multiple(inserts)
        return result

    def restore_many(self, items: list[MediaItem], previous: dict[str, Progress | None]) -> None:
        """Put items' records back as they were (an undo): a record that did not exist is
        removed, the others are written back exactly, in one locked write."""
        chosen = [item for item in items if item.id in previous]

        def restore(documents: dict[int, Any]) -> None:
            keys = {doc.get("id"): key for key, doc in documents.items()}
            next_key = max(documents, default=0) + 1
            for item in chosen:
                before, key = previous[item.id], keys.get(item.id)
                if before is None:
                    if key is not None:
                        del documents[key]
                    continue
                record: dict[str, Any] = {"id": item.id, "path": item.path, "size": item.size}
                record.update(asdict(before))
                if key is None:
                    documents[next_key], keys[item.id] = record, next_key
                    next_key += 1
                else:  # fields a newer kino added stay
                    documents[key] = {**documents[key], **record}

        with self._locked_documents() as (table, now):
            if self.journal is not None:
                by_id = {doc["id"]: _progress_from(doc) for doc in now.values()}
                self.journal.progress_changed(
                    [(item, by_id.get(item.id), previous[item.id]) for item in chosen]
                )
            # one read and one atomic write however many records (an import may bring
            # thousands: a write each took 19 s for 1,000)
            table._update_table(restore)

    def add_history(self, item: MediaItem, record: dict[str, Any]) -> None:
        """Append one play to the history (what, when, how far, with which player)."""
        entry: dict[str, Any] = {
            "id": item.id,
            "path": item.path,
            "kind": item.kind,
            "title": item.display_title,
            "series": item.series,
            "season": item.season,
            "episode": item.episode,
        }
        entry.update(record)
        with file_lock(self.lock_path, timeout=LOCK_TIMEOUT, guards=self.history_path):
            self._documents_locked(self._history_db, "plays", _PLAY_FIELDS)
            if self.journal is not None:
                self.journal.history_added(item, entry)  # gives the line its uid
            Table(self._history_db.storage, "plays", cache_size=0).insert(entry)

    def history(self) -> list[dict[str, Any]]:
        """Every recorded play, newest first."""
        plays = self._documents(self._history_db, "plays", _PLAY_FIELDS)
        ordered = sorted(
            plays.items(), key=lambda p: (p[1].get("ended_at") or "", int(p[0])), reverse=True
        )
        return [dict(play) for _, play in ordered]

    def apply_shared(self, updates: list[tuple[MediaItem, dict[str, dict[str, Any]]]]) -> int:
        """Write what other boxes changed (field groups by item, as the shared database
        merged them), in one locked write; groups with a change of this box still queued
        are left as they are here (that change is later, and goes out next). Nothing is
        queued. Returns how many records changed."""
        if not updates:
            return 0
        with self._locked_documents() as (_, documents):
            pending = self.journal.pending_groups() if self.journal is not None else {}
            ids = {doc["id"]: doc_id for doc_id, doc in documents.items()}
            changed: dict[str, dict[str, Any]] = {}  # documents by document id
            next_id = max((int(i) for i in documents), default=0) + 1
            for item, groups in updates:
                key = self.journal.key(item) if self.journal is not None else None
                skip = pending.get(key, set()) if key is not None else set()
                doc_id = ids.get(item.id)
                doc = documents.get(doc_id) if doc_id is not None else None
                progress = _progress_from(doc) if doc else Progress()
                before = asdict(progress)
                for group, values in groups.items():
                    if group not in skip:
                        for column, value in values.items():
                            setattr(progress, column, value)
                progress = _progress_from(asdict(progress))  # the types kino writes
                if asdict(progress) == before and doc is not None:
                    continue
                # fields a newer kino added to the record stay
                record: dict[str, Any] = {**(doc or {}), "id": item.id, "path": item.path}
                record.update(size=item.size, **asdict(progress))
                if doc_id is None:
                    doc_id, next_id = str(next_id), next_id + 1
                    ids[item.id] = doc_id
                documents[doc_id] = changed[doc_id] = record
            if changed:
                # one write of the documents read under this lock (TinyDB's own update
                # would read the whole file again)
                storage = _storage(self._db)
                raw = storage.read() or {}
                raw["progress"] = documents
                storage.write(raw)
        return len(changed)

    def add_shared_history(self, entries: list[dict[str, Any]]) -> int:
        """Add other boxes' plays (by ``uid``, never twice); how many were new."""
        if not entries:
            return 0
        with file_lock(self.lock_path, timeout=LOCK_TIMEOUT, guards=self.history_path):
            plays = self._documents_locked(self._history_db, "plays", _PLAY_FIELDS)
            known = {play.get("uid") for play in plays.values()}
            new = [entry for entry in entries if entry.get("uid") not in known]
            if new:
                Table(self._history_db.storage, "plays", cache_size=0).insert_multiple(new)
        return len(new)

    def follow_moves(self, items: Mapping[str, ScanItem]) -> None:
        """Update the recorded paths of items that moved, so a later rebuild still finds them."""
        with self._locked() as table:
            moved = [
                ({"path": item.path, "size": item.size}, Query().id == item.id)
                for doc in table.all()
                if (item := items.get(doc["id"])) is not None and item.path != doc.get("path")
            ]
            if moved:
                table.update_multiple(moved)


def _storage(db: TinyDB) -> AtomicJSONStorage:
    return cast(AtomicJSONStorage, db.storage)


class _BadShape(ValueError):
    """Valid JSON, but not what kino writes; the message says what is wrong."""


def _read_checked(
    storage: AtomicJSONStorage, table: str, fields: dict[str, tuple[type, ...]]
) -> dict[str, dict[str, Any]]:
    """The documents of ``table`` by id; raises :class:`DataFileDamaged` when the file is
    not valid JSON or not shaped as kino writes it."""
    raw = storage.read()
    try:
        return _checked(raw, table, fields)
    except _BadShape as error:
        raise DataFileDamaged(storage.path, str(error)) from None


def _checked(
    raw: dict[str, Any] | None, table: str, fields: dict[str, tuple[type, ...]]
) -> dict[str, dict[str, Any]]:
    """The documents of ``table``, after checking the file has the shape kino writes."""
    if raw is None:
        return {}
    for name, value in raw.items():
        if not isinstance(value, dict):
            raise _BadShape(f"{name!r} is {json_type(value)}, not a table")
    documents: dict[str, dict[str, Any]] = raw.get(table, {})
    for doc_id, doc in documents.items():
        where = f"{table} document {doc_id}"
        if not _DOCUMENT_ID.fullmatch(doc_id):
            raise _BadShape(f"{table} document id {doc_id!r} is not a number")
        if not isinstance(doc, dict):
            raise _BadShape(f"{where} is {json_type(doc)}, not an object")
        for field, kinds in fields.items():
            value = doc.get(field)
            if value is None:
                if field == "id" and table == "progress":
                    raise _BadShape(f'{where} has no "id"')
                continue
            if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
                shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
                expected = _TYPE_NAMES.get(kinds, "true or false")
                raise _BadShape(f"{where}: {field} is {shown}, not {expected}")
    return documents


def _progress_from(doc: dict[str, Any]) -> Progress:
    return Progress(
        position=float(doc.get("position") or 0.0),
        duration=doc.get("duration"),
        watched=bool(doc.get("watched")),
        play_count=int(doc.get("play_count") or 0),
        last_played=doc.get("last_played"),
    )
