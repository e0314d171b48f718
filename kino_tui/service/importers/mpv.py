"""``kino import mpv [--from DIR]``: mpv's own resume points (its ``watch_later`` files).

A file's name is the MD5 of the path mpv played, so each of kino's items is looked for
under the hash of its path; a file that also carries the ``# path`` line (mpv's
``write-filename-in-watch-later-config``) is matched by that path when no item hashes to
it (a library that was mounted elsewhere). mpv keeps no watched mark or play count: the
import brings the position, and when mpv stopped there (the file's time).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kino_tui.core.errors import ImportFailed
from kino_tui.core.models import MediaItem
from kino_tui.core.watch.mpv_watch_later import (
    WatchLaterDamaged,
    default_folders,
    read_folder,
    watch_later_name,
)
from kino_tui.service.importers.records import ImportedRecord


class MpvImporter:
    name = "mpv"

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder

    def folders(self) -> list[Path]:
        if self.folder is not None:
            if not self.folder.is_dir():
                raise ImportFailed(f"{self.folder} is not a folder; nothing was imported")
            return [self.folder]
        found = [folder for folder in default_folders() if folder.is_dir()]
        if not found:
            tried = ", ".join(str(folder) for folder in default_folders())
            raise ImportFailed(
                f"mpv has saved no positions here (no {tried}); give the folder with --from DIR"
            )
        return found

    def read(self, items: Sequence[MediaItem]) -> list[ImportedRecord]:
        by_hash: dict[str, MediaItem] = {}
        for item in items:
            for path in (item.path, *item.parts[:1]):
                by_hash.setdefault(watch_later_name(path), item)
        records: list[ImportedRecord] = []
        seen: set[str] = set()
        for folder in self.folders():
            try:
                entries = read_folder(folder)
            except WatchLaterDamaged as error:
                raise ImportFailed(f"{error}; nothing was imported") from None
            for entry in entries:
                if entry.name in seen:
                    continue  # the newer folder's file wins
                seen.add(entry.name)
                known = by_hash.get(entry.name.upper())
                records.append(
                    ImportedRecord(
                        source=entry.path or str(folder / entry.name),
                        path=known.path if known else entry.path,
                        item_id=known.id if known else None,
                        position=entry.start or 0.0,
                        last_played=entry.modified,
                    )
                )
        return records
