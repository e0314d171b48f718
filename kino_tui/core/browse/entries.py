"""The rows of the browser's lists (:class:`Entry`), its sections and the one it opens on,
and a row's word for a damaged file."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from kino_tui.core.browse import sections
from kino_tui.core.models import MediaItem

SECTIONS: tuple[tuple[str, str], ...] = (
    ("continue-watching", "Continue Watching"),
    ("next-up", "Next Up"),
    ("recently-added", "Recently Added"),
    ("movies", "Movies"),
    ("shows", "TV Shows"),
    ("music", "Music"),
    ("videos", "All Videos"),
)
RECENT_LIMIT = 200
_VIDEO_KINDS = sections.VIDEO_KINDS
NEXT_UP_DAYS = sections.NEXT_UP_DAYS


#: The item kinds each opening section lists.
OPENING_KINDS: dict[str, frozenset[str]] = {
    "continue-watching": frozenset(_VIDEO_KINDS),  # never music: a track is played or not
    "movies": frozenset({"movie"}),
    "shows": frozenset({"episode"}),
    "videos": frozenset(_VIDEO_KINDS),
    "music": frozenset({"track"}),
}


def first_section(kinds: Collection[str], resuming: bool = False) -> str:
    """The section to open on: Continue Watching when something is part-way (``resuming``),
    else Movies, or the first of the others with something in it."""
    if resuming:
        return "continue-watching"
    for kind, key in (("movie", "movies"), ("episode", "shows"), ("video", "videos")):
        if kind in kinds:
            return key
    return "music" if "track" in kinds else "movies"


@dataclass(slots=True)
class Entry:
    """One row of a list: an item, or a group (show, season, artist, album)."""

    key: str
    kind: str
    title: str
    detail: str = ""
    year: int | None = None
    item: MediaItem | None = None
    items: list[MediaItem] = field(default_factory=list)
    poster: str | None = None
    added: str = ""
    last_played: str = ""
    duration: float = 0.0
    unwatched: int = 0
    #: Where an item was stopped (its resume point; 0: none).
    position: float = 0.0
    #: What the scan found wrong with an item's file ("empty", "damaged"), or None.
    problem: str | None = None
    available: bool = True
    genres: tuple[str, ...] = ()
    rating: float | None = None
    #: What the level opened from this row is called, when not its title (a Recently
    #: Added row "Dark — 3 new episodes" opens "Dark").
    heading: str | None = None
    #: How many items a group holds (its items may not be read yet: a row made from the
    #: index's summary at start-up).
    count: int = 0

    @property
    def is_group(self) -> bool:
        return self.item is None


def file_problem(item: MediaItem) -> str | None:
    """A row's short word for what the scan found wrong with the file."""
    if not item.error:
        return None
    if item.error.startswith("empty file"):
        return "empty"
    return "truncated" if "truncated" in item.error else "damaged"
