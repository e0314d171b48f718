"""Watch state by hand (watched, not watched) and the play history."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kino_tui.core.models import MediaItem, Progress

if TYPE_CHECKING:
    from kino_tui.service.library import Library

#: The fields of a play in ``kino history --json`` (every one present, unknown ones null).
HISTORY_FIELDS = ("id", "path", "kind", "title", "series", "season", "episode", "player",
                  "started_at", "ended_at", "position", "duration", "watched", "error")  # fmt: skip


@dataclass(frozen=True, slots=True)
class WatchedToggle:
    """What the watched key does to an entry: mark its items watched, or not watched when
    every one of them already is; ``ask`` first when it is a whole show of episodes."""

    items: list[MediaItem]
    watched: bool
    ask: bool


def toggle(
    items: Sequence[MediaItem], is_watched: Callable[[MediaItem], bool], whole_show: bool
) -> WatchedToggle:
    watched = not all(is_watched(item) for item in items)
    return WatchedToggle(list(items), watched, ask=whole_show and len(items) > 1)


def mark(library: Library, items: Sequence[MediaItem], watched: bool) -> dict[str, Progress]:
    """Watched counts a play and clears the resume point; not watched clears both marks."""
    return library.watch.set_watched_many(list(items), watched)


@dataclass(slots=True)
class Marked:
    """A mark made by hand, and what undoes it: every item's record before (None: it had
    none, so the undo removes it)."""

    items: list[MediaItem]
    watched: bool
    updates: dict[str, Progress]
    previous: dict[str, Progress | None] = field(default_factory=dict)


def mark_undoable(library: Library, items: Sequence[MediaItem], watched: bool) -> Marked:
    """Mark, keeping each item's previous record so :func:`undo` restores it exactly."""
    previous: dict[str, Progress | None] = {}
    updates = library.watch.set_watched_many(list(items), watched, previous)
    return Marked(list(items), watched, updates, previous)


def undo(library: Library, marked: Marked) -> dict[str, Progress]:
    """Put back what a mark changed (play counts, resume points, last played, or no record
    at all); returns each item's progress as it is again."""
    library.watch.restore_many(marked.items, marked.previous)
    return {
        item_id: before if before is not None else Progress()
        for item_id, before in marked.previous.items()
    }


def history(library: Library) -> list[dict[str, Any]]:
    return [{key: play.get(key) for key in HISTORY_FIELDS} for play in library.watch.history()]
