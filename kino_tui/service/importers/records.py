"""What every history source gives: one record per played item, and the interface.

A source (``nfo``, ``mpv``, ``jellyfin``, ``plex``, ``kino``) is a small module with one
class that has a ``name`` and ``read(items)``: it returns :class:`ImportedRecord` s, or
raises :class:`~kino_tui.core.errors.ImportFailed` with one line saying what is wrong
(then nothing is imported). Matching records to kino's items, the merge rules and the
write are the same for every source (``matching.py``, ``running.py``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from kino_tui.core.models import MediaItem, Progress

_FRACTION = re.compile(r"\.\d+")


@dataclass(slots=True)
class ImportedRecord:
    """One item's watch state as a source knows it, and what identifies the item."""

    #: How the source names the item (a file, a server's title), for the unmatched list.
    source: str
    ids: dict[str, str] = field(default_factory=dict)  # imdb, tmdb, tvdb
    kind: str | None = None  # "movie", "episode"… when the source says
    path: str | None = None  # the file's path where the source saw it
    relative: str | None = None  # the path below its library folder, when known
    size: int | None = None
    fingerprint: str | None = None
    item_id: str | None = None  # the source already knows kino's item (an NFO beside it)
    position: float = 0.0
    duration: float | None = None
    watched: bool = False
    play_count: int = 0
    last_played: str | None = None  # UTC ISO 8601

    def progress(self, item: MediaItem) -> Progress:
        return Progress(
            position=self.position,
            duration=self.duration or item.duration,
            watched=self.watched,
            play_count=self.play_count,
            last_played=self.last_played,
        )


class Importer(Protocol):
    """A history source."""

    name: str

    def read(self, items: Sequence[MediaItem]) -> list[ImportedRecord]:
        """The source's records (``items``: kino's catalog, for sources that find
        files by kino's paths); raises ``ImportFailed``."""
        ...


def iso_utc(moment: datetime) -> str:
    """A time as kino stores it (UTC, seconds)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse_iso(text: str | None) -> str | None:
    """An ISO 8601 time from a server (``2024-03-01T21:04:11.1234567Z``) as kino's UTC
    form; None when it is not one."""
    if not text:
        return None
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    # .NET writes seven digits of fractions; Python reads up to six (seconds are kept)
    value = _FRACTION.sub("", value)
    try:
        return iso_utc(datetime.fromisoformat(value))
    except ValueError:
        return None
