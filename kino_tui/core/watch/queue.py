"""The local side of sharing: changes waiting for the database, and where syncing stands.

``shared-queue.json`` (data dir) holds every change this box made that the database has
not confirmed, in the order they were made: ``{"version": 1, "next": N, "changes":
[{"n": …, "kind": "progress"|"history"|"tracks", "at": …, …}]}``. A change is queued
*before* the local file is written (under the watch file's lock), so a kino killed in
between has queued something the database then sends back, never the other way round.
Every write is atomic (temporary file, fsync, rename) under ``shared-queue.json.lock``;
delivered changes are dropped by number. A damaged queue is set aside with a line saying
so (its changes stay in the local files; ``kino shared push`` sends them).

``shared-state.json`` (data dir): the database this box last synced with (its id), the
last change number seen there, and when.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kino_tui.core.fsutil import atomic_write_bytes, clean_stale_temporaries, file_lock, set_aside

LOCK_TIMEOUT = 30.0
_VERSION = 1


class ChangeQueue:
    """Changes not yet in the shared database, oldest first."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock_path = path.with_name(path.name + ".lock")
        self._warnings: list[str] = []
        self._warnings_lock = threading.Lock()
        clean_stale_temporaries(path)

    def warn(self, line: str) -> None:
        with self._warnings_lock:
            self._warnings.append(line)

    def take_warnings(self) -> list[str]:
        with self._warnings_lock:
            lines, self._warnings = self._warnings, []
        return lines

    def _lock(self) -> Any:
        return file_lock(self.lock_path, timeout=LOCK_TIMEOUT, guards=self.path)

    def append(self, changes: list[dict[str, Any]]) -> None:
        """Queue ``changes`` (each gets its number) in one atomic write. A progress change
        of the item the last queued change is about joins it (each field group keeping
        its own time, in ``fields_at``), under a new number: a play saving its position
        every few seconds while the database is away queues one change, not thousands."""
        if not changes:
            return
        with self._lock():
            document = self._read(locked=True)
            queued: list[dict[str, Any]] = document["changes"]
            number = int(document["next"])
            for change in changes:
                if queued and _same_record(queued[-1], change):
                    change = _joined(queued.pop(), change)
                queued.append({**change, "n": number})
                number += 1
            document["next"] = number
            self._write(document)

    def pending(self) -> list[dict[str, Any]]:
        """Every queued change, oldest first (read without the lock: writes are whole)."""
        return list(self._read(locked=False)["changes"])

    def __len__(self) -> int:
        return len(self.pending())

    def drop(self, upto: int) -> None:
        """Forget changes numbered ``upto`` and below (the database has them)."""
        with self._lock():
            document = self._read(locked=True)
            kept = [c for c in document["changes"] if int(c["n"]) > upto]
            if len(kept) != len(document["changes"]):
                document["changes"] = kept
                self._write(document)

    def pending_fields(self) -> dict[tuple[str, str], set[str]]:
        """The progress field groups each (library, path) has queued changes for."""
        fields: dict[tuple[str, str], set[str]] = {}
        for change in self.pending():
            if change.get("kind") == "progress":
                key = (change["library"], change["path"])
                fields.setdefault(key, set()).update(change.get("fields", {}))
        return fields

    def pending_tracks(self) -> set[str]:
        return {c["key"] for c in self.pending() if c.get("kind") == "tracks"}

    def _write(self, document: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self.path, json.dumps(document, ensure_ascii=True).encode())

    def _read(self, locked: bool) -> dict[str, Any]:
        empty: dict[str, Any] = {"version": _VERSION, "next": 1, "changes": []}
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return empty
        try:
            document = json.loads(data)
            if not isinstance(document, dict) or not isinstance(document.get("changes"), list):
                raise ValueError("not an object with a changes list")
            if not all(isinstance(c, dict) and isinstance(c.get("n"), int) for c in document["changes"]):
                raise ValueError("a change without its number")
            if not isinstance(document.get("next"), int):
                raise ValueError("no next number")
            return document
        except ValueError as damage:
            if not locked:
                with self._lock():
                    return self._read(locked=True)
            backup = set_aside(self.path)
            with self._warnings_lock:
                self._warnings.append(
                    f"{self.path} was damaged ({damage}). It was kept as {backup}; the "
                    "changes it held are still in this box's watch files: run `kino shared "
                    "push` to send them."
                )
            return empty


def _same_record(queued: dict[str, Any], change: dict[str, Any]) -> bool:
    keys = ("kind", "library", "path", "box")
    return change.get("kind") == "progress" and all(queued.get(k) == change.get(k) for k in keys)


def _joined(older: dict[str, Any], newer: dict[str, Any]) -> dict[str, Any]:
    """One change holding both: the newer groups over the older, each with its time."""
    stamps = dict(older.get("fields_at") or dict.fromkeys(older.get("fields", {}), older["at"]))
    stamps.update(newer.get("fields_at") or dict.fromkeys(newer.get("fields", {}), newer["at"]))
    joined = {k: v for k, v in {**older, **newer}.items() if k != "n"}
    joined["fields"] = {**older.get("fields", {}), **newer.get("fields", {})}
    joined["fields_at"] = stamps
    return joined


@dataclass(slots=True)
class SyncState:
    """Where this box stands with the shared database."""

    database_id: str = ""
    last_seq: int = 0
    last_sync: str | None = None
    last_error: str | None = None
    #: The catalog (its file's signature) whose items were last matched with every
    #: record: after a scan, records of items new here are read again.
    catalog: str = ""

    @classmethod
    def read(cls, path: Path) -> SyncState:
        try:
            data = json.loads(path.read_bytes())
            return cls(
                database_id=str(data.get("database_id", "")),
                last_seq=int(data.get("last_seq", 0)),
                last_sync=data.get("last_sync"),
                last_error=data.get("last_error"),
                catalog=str(data.get("catalog", "")),
            )
        except (OSError, ValueError, TypeError, AttributeError):
            return cls()  # a cache: a damaged one means "read everything again"

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, json.dumps(asdict(self)).encode())


def batches(changes: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(changes), size):
        yield changes[start : start + size]
