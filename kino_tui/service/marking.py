"""Watch state by hand (watched, not watched) and the play history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kino_tui.core.models import MediaItem, Progress

if TYPE_CHECKING:
    from kino_tui.service.library import Library

#: The fields of a play in ``kino history --json`` (every one present, unknown ones null).
HISTORY_FIELDS = ("id", "path", "kind", "title", "series", "season", "episode", "player",
                  "started_at", "ended_at", "position", "duration", "watched", "error")  # fmt: skip


def mark(library: Library, items: Sequence[MediaItem], watched: bool) -> dict[str, Progress]:
    """Watched counts a play and clears the resume point; not watched clears both marks."""
    return library.watch.set_watched_many(list(items), watched)


def history(library: Library) -> list[dict[str, Any]]:
    return [{key: play.get(key) for key in HISTORY_FIELDS} for play in library.watch.history()]
