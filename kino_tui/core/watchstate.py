"""Watch state (progress, watched, play count, last played), stored apart from the catalog.

Saving progress rewrites only this small file, never the library, and a rebuilt
catalog finds its progress again by item id or by path. Every change is a locked
read-modify-write, so two kino processes never lose each other's updates.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB
from tinydb.table import Table

from kino_tui.core.fsutil import file_lock
from kino_tui.core.models import MediaItem, Progress
from kino_tui.core.storage import AtomicJSONStorage


def now_iso() -> str:
    """The current UTC time as an ISO 8601 string with seconds."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class WatchStore:
    """Per-item progress records keyed by item id, with the path and size they were seen at."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock_path = path.with_name(path.name + ".lock")
        self._db = TinyDB(path, storage=AtomicJSONStorage)
        # Plays are appended to a file of their own, so the history never slows progress saves.
        self.history_path = path.with_name("history.json")
        self._history_db = TinyDB(self.history_path, storage=AtomicJSONStorage)

    def _progress_table(self) -> Table:
        # A fresh Table each time: TinyDB caches the next document id per Table object,
        # which goes stale when another process has written in between.
        return Table(self._db.storage, "progress", cache_size=0)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[Table]:
        with file_lock(self.lock_path, timeout=30.0):
            yield self._progress_table()

    def signature(self) -> tuple[int, int] | None:
        """The file's modification time and size: a cheap way to see another process's writes."""
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_size)

    def all(self) -> dict[str, Progress]:
        """Every item's progress, read fresh from disk."""
        return {doc["id"]: _progress_from(doc) for doc in self._progress_table().all()}

    def get(self, item_id: str) -> Progress:
        """One item's progress (a fresh record when it was never played)."""
        doc = self._progress_table().get(Query().id == item_id)
        return _progress_from(doc) if doc else Progress()

    def ids_by_path(self) -> dict[str, str]:
        """Item ids by the path they were last recorded at (to re-attach after a rebuild)."""
        return {doc["path"]: doc["id"] for doc in self._progress_table().all() if doc.get("path")}

    def save(self, item: MediaItem, progress: Progress) -> None:
        """Store an item's progress, merging with whatever other processes wrote."""
        record: dict[str, Any] = {"id": item.id, "path": item.path, "size": item.size}
        record.update(asdict(progress))
        with self._locked() as table:
            table.upsert(record, Query().id == item.id)

    def set_watched(self, item: MediaItem, watched: bool) -> Progress:
        """Mark by hand: watched counts a play and clears the resume point."""
        return self.set_watched_many([item], watched)[item.id]

    def set_watched_many(self, items: list[MediaItem], watched: bool) -> dict[str, Progress]:
        """Mark several items (a season, a show, an album) in one locked write."""
        result: dict[str, Progress] = {}
        with self._locked() as table:
            existing = {doc["id"]: doc for doc in table.all()}
            updates, inserts = [], []
            for item in items:
                doc = existing.get(item.id)
                progress = _progress_from(doc) if doc else Progress()
                if watched and not progress.watched:
                    progress.play_count += 1
                    progress.last_played = progress.last_played or now_iso()
                progress.watched = watched
                progress.position = 0.0
                record: dict[str, Any] = {"id": item.id, "path": item.path, "size": item.size}
                record.update(asdict(progress))
                result[item.id] = progress
                if doc is None:
                    inserts.append(record)
                else:
                    updates.append((record, Query().id == item.id))
            if updates:
                table.update_multiple(updates)
            if inserts:
                table.insert_multiple(inserts)
        return result

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
        with file_lock(self.lock_path, timeout=30.0):
            Table(self._history_db.storage, "plays", cache_size=0).insert(entry)

    def history(self) -> list[dict[str, Any]]:
        """Every recorded play, newest first."""
        plays = Table(self._history_db.storage, "plays", cache_size=0).all()
        ordered = sorted(plays, key=lambda p: (p.get("ended_at") or "", p.doc_id), reverse=True)
        return [dict(play) for play in ordered]

    def follow_moves(self, items: dict[str, MediaItem]) -> None:
        """Update the recorded paths of items that moved, so a later rebuild still finds them."""
        with self._locked() as table:
            moved = [
                ({"path": item.path, "size": item.size}, Query().id == item.id)
                for doc in table.all()
                if (item := items.get(doc["id"])) is not None and item.path != doc.get("path")
            ]
            if moved:
                table.update_multiple(moved)


def _progress_from(doc: dict[str, Any]) -> Progress:
    return Progress(
        position=float(doc.get("position") or 0.0),
        duration=doc.get("duration"),
        watched=bool(doc.get("watched")),
        play_count=int(doc.get("play_count") or 0),
        last_played=doc.get("last_played"),
    )
