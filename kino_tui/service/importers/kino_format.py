"""kino's own export (``kino export --format kino``) and its import (``kino import kino FILE``).

A JSON document, versioned so an older kino refuses what it cannot read::

    {"format": "kino-watch-history", "version": 1, "exported_at": "2026-12-06T03:00:00+00:00",
     "kino": "0.1.0",
     "records": [{"id": "…", "kind": "movie", "title": "Heat",
                  "ids": {"imdb": "tt0113277"},
                  "root": "/srv/Movies", "relative_path": "Heat (1995)/Heat.mkv",
                  "path": "/srv/Movies/Heat (1995)/Heat.mkv", "size": 1234, "fingerprint": "…",
                  "position": 0.0, "duration": 6120.0, "watched": true, "play_count": 2,
                  "last_played": "2026-12-01T21:04:11+00:00"}]}

Every watch record is exported; ``root``, ``relative_path``, ``kind`` and ``fingerprint``
are null for a record whose item is no longer in the catalog. The importing box matches
each record by its ids, then the path below its library folder (so the library may be
mounted elsewhere there), then size and fingerprint, then file name and size.

The file is ASCII JSON: a name that is not UTF-8 keeps its exact bytes as the escapes of
Python's surrogates (``"Caf\\udce9"``), as the remote protocol carries them, so the
importing kino finds the same file. (It is a file for kino, not the ``--json`` outputs,
whose ``\\xNN`` and ``<field>_bytes`` are for other programs.)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kino_tui import __version__
from kino_tui.core.errors import ImportFailed
from kino_tui.core.models import MediaItem, Progress
from kino_tui.core.watch.store import now_iso
from kino_tui.service.importers.matching import relative_path
from kino_tui.service.importers.records import ImportedRecord

FORMAT = "kino-watch-history"
VERSION = 1
MAX_BYTES = 512 * 1024 * 1024


def export_document(
    progress: dict[str, Progress], items: dict[str, MediaItem], paths: dict[str, str]
) -> dict[str, Any]:
    """The export of every watch record (``paths``: the store's path of each id)."""
    records = []
    for item_id, state in sorted(progress.items()):
        item = items.get(item_id)
        record: dict[str, Any] = {
            "id": item_id,
            "kind": item.kind if item else None,
            "title": item.display_title if item else None,
            "ids": dict(item.ids) if item else {},
            "root": item.root if item else None,
            "relative_path": relative_path(item) if item else None,
            "path": item.path if item else paths.get(item_id),
            "size": item.size if item else None,
            "fingerprint": item.fingerprint if item else None,
            "position": state.position,
            "duration": state.duration,
            "watched": state.watched,
            "play_count": state.play_count,
            "last_played": state.last_played,
        }
        records.append(record)
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": now_iso(),
        "kino": __version__,
        "records": records,
    }


class KinoImporter:
    name = "kino"

    def __init__(self, file: Path) -> None:
        self.file = file

    def read(self, items: Sequence[MediaItem]) -> list[ImportedRecord]:
        try:
            with open(self.file, "rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except OSError as error:
            raise ImportFailed(f"cannot read {self.file}: {error.strerror or error}") from None
        try:
            document = json.loads(data)
        except ValueError as error:
            raise ImportFailed(
                f"{self.file} is not a kino export (not JSON: {error}); nothing was imported"
            ) from None
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise ImportFailed(
                f'{self.file} is not a kino export (no "format": "{FORMAT}"); nothing was imported'
            )
        version = document.get("version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise ImportFailed(f"{self.file}: its version {version!r} is not a number")
        if version > VERSION:
            raise ImportFailed(
                f"{self.file} was exported by a newer kino ({document.get('kino', '?')}, format "
                f"version {version}; this kino reads version {VERSION}): update kino on this "
                "box to import it; nothing was imported"
            )
        entries = document.get("records")
        if not isinstance(entries, list):
            raise ImportFailed(f'{self.file}: "records" is not a list; nothing was imported')
        return [self._record(index, entry) for index, entry in enumerate(entries)]

    def _record(self, index: int, entry: Any) -> ImportedRecord:
        def fail(what: str) -> ImportFailed:
            return ImportFailed(f"{self.file}: record {index + 1} {what}; nothing was imported")

        if not isinstance(entry, dict):
            raise fail("is not an object")
        text = _typed(
            entry,
            ("id", "kind", "title", "root", "relative_path", "path", "fingerprint", "last_played"),
            str,
            fail,
        )
        numbers = _typed(entry, ("position", "duration"), (int, float), fail)
        whole = _typed(entry, ("size", "play_count"), int, fail)
        ids = entry.get("ids") or {}
        if not isinstance(ids, dict) or not all(isinstance(v, str) for v in ids.values()):
            raise fail("has ids that are not strings")
        watched = entry.get("watched", False)
        if not isinstance(watched, bool):
            raise fail(f"has watched = {watched!r}, not true or false")
        where = text["path"] or text["relative_path"]
        return ImportedRecord(
            source=text["title"] or where or text["id"] or f"record {index + 1}",
            ids={str(k).lower(): v for k, v in ids.items()},
            kind=text["kind"],
            path=text["path"],
            relative=text["relative_path"],
            size=whole["size"],
            fingerprint=text["fingerprint"],
            position=max(0.0, float(numbers["position"] or 0.0)),
            duration=float(numbers["duration"]) if numbers["duration"] else None,
            watched=watched,
            play_count=max(0, whole["play_count"] or 0),
            last_played=text["last_played"],
        )


def _typed(entry: dict[str, Any], keys: tuple[str, ...], kinds: Any, fail: Any) -> dict[str, Any]:
    values = {}
    for key in keys:
        value = entry.get(key)
        if value is not None and (not isinstance(value, kinds) or isinstance(value, bool)):
            raise fail(f"has {key} = {str(value)[:40]!r} of the wrong type")
        values[key] = value
    return values
