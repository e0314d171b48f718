"""The Music and TV Shows sections without their items: each artist's and show's row made
from a summary the catalog's index keeps (counts, years, posters…), and the watch state.

At 250,000 tracks the Music section's 2,500 artist rows need every track unpacked (three
seconds); from the summaries they take a few milliseconds, so kino's first screen shows
while the items are read. The rows are the ones ``LibraryView.show_entry`` and
``artist_entry`` make, without their ``items`` (which come with the rest of the library).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kino_tui.core.browse.view import Entry
from kino_tui.core.models import MediaItem, Progress
from kino_tui.core.text import plural

#: The sections whose rows are groups (shows, artists) and can come from summaries.
SUMMARY_SECTIONS = {"shows": "show", "music": "artist"}


@dataclass(slots=True)
class GroupSummary:
    """What a show's or an artist's row shows, gathered item by item in catalog order."""

    key: str
    kind: str
    title: str
    count: int = 0
    #: Seasons (a season-less episode counts as Season 1) or albums, in order met.
    subs: dict[str, None] = field(default_factory=dict)
    year: int | None = None
    duration: float = 0.0
    added: str = ""
    #: An artist's tracks list album by album: each album's first poster, in order met
    #: (a show's under ""),
    posters: dict[str, str | None] = field(default_factory=dict)
    show_poster: str | None = None
    available: bool = False
    genres: set[str] = field(default_factory=set)
    rating_sum: float = 0.0
    ratings: int = 0

    def add(self, item: MediaItem, sub: str) -> None:
        self.count += 1
        self.subs[sub] = None
        if item.year and (self.year is None or item.year < self.year):
            self.year = item.year
        self.duration += item.duration or 0.0
        if (item.added or "") > self.added:
            self.added = item.added or ""
        # a show's first poster is its first episode's; an artist's its first album's
        group = sub if self.kind == "artist" else ""
        if item.poster and self.posters.get(group) is None:
            self.posters[group] = item.poster
        else:
            self.posters.setdefault(group, None)
        if self.show_poster is None and item.show_poster:
            self.show_poster = item.show_poster
        self.available = self.available or item.available
        self.genres.update(item.genres)
        if item.rating is not None:
            self.rating_sum += item.rating
            self.ratings += 1

    def to_row(self) -> list[Any]:
        return [
            self.key, self.kind, self.title, self.count, list(self.subs), self.year,
            self.duration, self.added, [[k, v] for k, v in self.posters.items()],
            self.show_poster, self.available, sorted(self.genres), self.rating_sum, self.ratings,
        ]  # fmt: skip

    @classmethod
    def from_row(cls, row: list[Any]) -> GroupSummary:
        (key, kind, title, count, subs, year, duration, added, posters, show_poster,
         available, genres, rating_sum, ratings) = row  # fmt: skip
        return cls(
            key, kind, title, count, dict.fromkeys(subs), year, duration, added,
            {k: v for k, v in posters}, show_poster, available, set(genres), rating_sum, ratings,
        )  # fmt: skip


class Summaries:
    """Every show's and artist's summary, built from the items as they are read."""

    def __init__(self) -> None:
        self.groups: dict[str, GroupSummary] = {}

    def add(self, item: MediaItem) -> str | None:
        """Count ``item`` in its show or artist; returns that group's key (None: none)."""
        if item.kind == "episode":
            name = item.series or "Unknown show"
            kind, sub = "show", str(item.season if item.season is not None else 1)
        elif item.kind == "track":
            name = item.album_artist or item.artist or "Unknown artist"
            kind, sub = "artist", item.album or "Unknown album"
        else:
            return None
        key = f"{kind}:{name}"
        summary = self.groups.get(key)
        if summary is None:
            summary = self.groups[key] = GroupSummary(key, kind, name)
        summary.add(item, sub)
        return key


def summary_entry(
    summary: GroupSummary, progress: Mapping[str, Progress], members: Iterable[str]
) -> Entry:
    """The section row of a show or an artist (as ``LibraryView`` makes it, without its
    items); ``members`` are the ids of its items that have progress."""
    states = [progress[i] for i in members if i in progress]
    poster = next((p for p in summary.posters.values() if p), None)
    if summary.kind == "show":
        detail = f"{plural(len(summary.subs), 'season')} · {plural(summary.count, 'episode')}"
        poster = summary.show_poster or poster
    else:
        detail = f"{plural(len(summary.subs), 'album')} · {plural(summary.count, 'track')}"
    rating = round(summary.rating_sum / summary.ratings, 1) if summary.ratings else None
    return Entry(
        key=summary.key,
        kind=summary.kind,
        title=summary.title,
        detail=detail,
        year=summary.year,
        poster=poster,
        added=summary.added,
        last_played=max((s.last_played or "" for s in states), default=""),
        duration=summary.duration,
        unwatched=summary.count - sum(1 for s in states if s.watched),
        count=summary.count,
        available=summary.available,
        genres=tuple(sorted(summary.genres)),
        rating=rating,
    )
