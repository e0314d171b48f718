"""Which of kino's items a record is, and what importing it changes.

Matching, in order: the item the source already knows (an NFO beside it, an mpv file
named by its path's hash); provider ids (imdb, tmdb, tvdb) of the same kind; the path
below a library folder (so a library mounted elsewhere on the source still matches);
the same content (size and fingerprint, from a kino export); file name and size.
A step that finds more than one item narrows them with the later steps, or gives up.

Merging: kino's record is never overwritten by an older one (the later ``last_played``
wins), and a watched mark is never undone by an import.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from kino_tui.core.models import MediaItem, Progress
from kino_tui.service.importers.records import ImportedRecord

#: The provider ids matched on (an episode's show ids are kept as show_*: not these).
PROVIDERS = ("imdb", "tmdb", "tvdb")


def _group(kind: str | None) -> str:
    return "episode" if kind == "episode" else "other"


def relative_path(item: MediaItem) -> str:
    """The item's path below its library folder."""
    root = item.root.rstrip("/")
    if root and item.path.startswith(root + "/"):
        return item.path[len(root) + 1 :]
    return item.path.lstrip("/")


class Matcher:
    """Indexes of kino's items, built once for a run."""

    def __init__(self, items: Sequence[MediaItem]) -> None:
        playable = list(items)
        self.by_id = {item.id: item for item in playable}
        self.by_path: dict[str, MediaItem] = {item.path: item for item in playable}
        self.by_provider: dict[tuple[str, str, str], list[MediaItem]] = {}
        self.by_relative: dict[str, list[MediaItem]] = {}
        self.by_content: dict[tuple[int, str], list[MediaItem]] = {}
        self.by_name: dict[tuple[str, int], list[MediaItem]] = {}
        for item in playable:
            for provider in PROVIDERS:
                value = item.ids.get(provider)
                if value:
                    key = (_group(item.kind), provider, value.strip().lower())
                    self.by_provider.setdefault(key, []).append(item)
            self.by_relative.setdefault(relative_path(item), []).append(item)
            if item.fingerprint:
                self.by_content.setdefault((item.size, item.fingerprint), []).append(item)
            name = item.path.rpartition("/")[2]
            self.by_name.setdefault((name, item.size), []).append(item)

    def match(self, record: ImportedRecord) -> MediaItem | None:
        """The one item ``record`` is, or None."""
        if record.item_id and record.item_id in self.by_id:
            return self.by_id[record.item_id]
        candidates = self._by_ids(record)
        if len(candidates) == 1:
            return candidates[0]
        for step in (self._by_path, self._by_content, self._by_name):
            found = step(record)
            if candidates:  # several items share the id: the later steps choose
                found = [item for item in found if item in candidates]
            if len(found) == 1:
                return found[0]
        return None

    def _by_ids(self, record: ImportedRecord) -> list[MediaItem]:
        found: list[MediaItem] = []
        for provider in PROVIDERS:
            value = record.ids.get(provider)
            if not value:
                continue
            key = (_group(record.kind), provider, value.strip().lower())
            for item in self.by_provider.get(key, []):
                if item not in found:
                    found.append(item)
            if found:
                return found
        return found

    def _by_path(self, record: ImportedRecord) -> list[MediaItem]:
        if record.path and record.path in self.by_path:
            return [self.by_path[record.path]]
        if record.relative:
            found = self.by_relative.get(record.relative.strip("/"), [])
            return _same_size(found, record) if len(found) > 1 else found
        if not record.path:
            return []
        words = record.path.replace("\\", "/").strip("/").split("/")
        # the longest tail of the source's path that is an item's path below its folder
        for start in range(len(words) - 1):
            found = self.by_relative.get("/".join(words[start:]), [])
            if found:
                return _same_size(found, record) if len(found) > 1 else found
        return []

    def _by_content(self, record: ImportedRecord) -> list[MediaItem]:
        if record.size is None or not record.fingerprint:
            return []
        return self.by_content.get((record.size, record.fingerprint), [])

    def _by_name(self, record: ImportedRecord) -> list[MediaItem]:
        where = record.path or record.relative
        if record.size is None or not where:
            return []
        name = where.replace("\\", "/").rpartition("/")[2]
        return self.by_name.get((name, record.size), [])


def _same_size(items: list[MediaItem], record: ImportedRecord) -> list[MediaItem]:
    if record.size is None:
        return items
    return [item for item in items if item.size == record.size]


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.astimezone()


def merged(current: Progress | None, incoming: Progress) -> Progress | None:
    """What an item's record becomes with ``incoming``; None when it stays as it is
    (kino's is as new or newer, or the same)."""
    if current is None:
        return incoming if _says_anything(incoming) else None
    now, then = _moment(current.last_played), _moment(incoming.last_played)
    if now is not None and (then is None or then <= now):
        return None  # kino's own record is as new or newer
    result = Progress(
        position=incoming.position,
        duration=incoming.duration or current.duration,
        watched=current.watched or incoming.watched,  # an import never undoes a watched mark
        play_count=max(current.play_count, incoming.play_count),
        last_played=incoming.last_played or current.last_played,
    )
    return None if result == current else result


def _says_anything(progress: Progress) -> bool:
    return bool(progress.position or progress.watched or progress.play_count)
