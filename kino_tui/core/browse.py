"""What the browser shows: sections, drill-down levels, search, sort and filters.

Pure data over catalog items and watch progress; the UI only renders these entries.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from kino_tui.core import sections
from kino_tui.core.models import MediaItem, Progress
from kino_tui.core.text import episode_label, library_summary, natural_key, plural

SECTIONS: tuple[tuple[str, str], ...] = (
    ("continue-watching", "Continue Watching"),
    ("next-up", "Next Up"),
    ("recently-added", "Recently Added"),
    ("movies", "Movies"),
    ("shows", "TV Shows"),
    ("music", "Music"),
    ("videos", "All Videos"),
)
SORTS: tuple[str, ...] = ("title", "year", "added", "played", "duration")
SORT_LABELS = {
    "title": "title",
    "year": "year",
    "added": "recently added",
    "played": "last played",
    "duration": "duration",
}
RECENT_LIMIT = 200
_VIDEO_KINDS = sections.VIDEO_KINDS
NEXT_UP_DAYS = sections.NEXT_UP_DAYS


#: The item kinds each opening section lists.
OPENING_KINDS: dict[str, frozenset[str]] = {
    "movies": frozenset({"movie"}),
    "shows": frozenset({"episode"}),
    "videos": frozenset(_VIDEO_KINDS),
    "music": frozenset({"track"}),
}


def first_section(kinds: Collection[str]) -> str:
    """The section to open on: Movies, or the first of the others with something in it."""
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
    available: bool = True
    genres: tuple[str, ...] = ()

    @property
    def is_group(self) -> bool:
        return self.item is None


_NOT_WORD = re.compile(r"[^\w]+")


def fold(text: str) -> str:
    """Lower-case, accent-free, punctuation-free text for matching."""
    folded = text.casefold()
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", folded).strip()


_ARTICLES = frozenset({"the", "a", "an"})


def _sort_title(text: str) -> tuple[tuple[int, int | str], ...]:
    """``The Wire`` sorts as ``wire``; numbers by value (``Show 2`` before ``Show 10``)."""
    lowered = text.casefold()
    article, _, rest = lowered.partition(" ")
    return natural_key(rest if rest and article in _ARTICLES else lowered)


class LibraryView:
    """Entries for every section and level, built from items and their progress."""

    def __init__(
        self,
        items: Iterable[MediaItem],
        progress: dict[str, Progress],
        next_up_days: int = NEXT_UP_DAYS,
        next_up_specials: bool = False,
    ) -> None:
        self.items = {item.id: item for item in items}
        self.progress = progress
        self.next_up_days = next_up_days
        self.next_up_specials = next_up_specials
        self._sections: dict[str, list[Entry]] = {}
        # Every item's folded text, one line each, in one string: str.find runs in C.
        self._search_text: str | None = None
        self._search_items: list[MediaItem] = []
        self._search_starts: list[int] = []
        self._shows: dict[str, list[MediaItem]] = {}
        self._artists: dict[str, dict[str, list[MediaItem]]] = {}
        for item in self.items.values():
            if item.kind == "episode":
                self._shows.setdefault(item.series or "Unknown show", []).append(item)
            elif item.kind == "track":
                artist = item.album_artist or item.artist or "Unknown artist"
                albums = self._artists.setdefault(artist, {})
                albums.setdefault(item.album or "Unknown album", []).append(item)

    # -- state ---------------------------------------------------------------
    def state(self, item: MediaItem) -> Progress:
        return self.progress.get(item.id) or Progress()

    def update_progress(self, item_id: str, progress: Progress) -> None:
        self.progress[item_id] = progress
        self._sections.clear()  # counts and watch-state sections depend on progress

    # -- entries -------------------------------------------------------------
    def item_entry(self, item: MediaItem, detail: str | None = None) -> Entry:
        # Built for every item of a section (12,500 movies at start): kept lean on purpose.
        state = self.progress.get(item.id)
        kind = item.kind
        if kind == "episode":
            label = episode_label(item)
            title = (
                f"{label}  {item.title}" if label and item.title else label or item.display_title
            )
            default_detail = item.series or ""
        elif kind == "track":
            number = f"{item.track:02d}  " if item.track else ""
            title = f"{number}{item.display_title}"
            default_detail = item.artist or ""
        else:
            title = item.title or item.path.rpartition("/")[2]
            default_detail = ""
        return Entry(
            key=item.id,
            kind=kind,
            title=title,
            detail=default_detail if detail is None else detail,
            year=item.year,
            item=item,
            items=[item],
            poster=item.poster,
            added=item.added or "",
            last_played=(state.last_played or "") if state is not None else "",
            duration=item.duration or 0.0,
            unwatched=0 if state is not None and state.watched else 1,
            available=item.available,
            genres=tuple(item.genres),
        )

    def group_entry(
        self, key: str, kind: str, title: str, items: list[MediaItem], detail: str
    ) -> Entry:
        states = [self.state(i) for i in items]
        years = [i.year for i in items if i.year]
        posters = [i.poster for i in items if i.poster]
        return Entry(
            key=key,
            kind=kind,
            title=title,
            detail=detail,
            year=min(years) if years else None,
            items=items,
            poster=posters[0] if posters else None,
            added=max((i.added or "" for i in items), default=""),
            last_played=max((s.last_played or "" for s in states), default=""),
            duration=sum(i.duration or 0.0 for i in items),
            unwatched=sum(1 for s in states if not s.watched),
            available=any(i.available for i in items),
            genres=tuple(sorted({g for i in items for g in i.genres})),
        )

    @cached_property
    def _census(self) -> tuple[Counter[str], int]:
        """Items per kind, and how many are offline (a view's items never change)."""
        kinds: Counter[str] = Counter(item.kind for item in self.items.values())
        return kinds, sum(1 for item in self.items.values() if not item.available)

    def first_section(self) -> str:
        """The section to open on (see :func:`first_section`)."""
        return first_section(self._census[0].keys())

    def summary(self) -> str:
        """``12 movies · 340 episodes · 2,000 tracks · 5 offline`` for the status line."""
        counts, offline = self._census
        return library_summary(counts, offline)

    def section(self, key: str) -> list[Entry]:
        """The top level of a section, in its natural order (kept until progress changes)."""
        entries = self._sections.get(key)
        if entries is None:
            entries = self._sections[key] = self._build_section(key)
        return list(entries)

    def _build_section(self, key: str) -> list[Entry]:
        if key == "movies":
            return sort_entries([self.item_entry(i) for i in self._of_kind("movie")], "title")
        if key == "videos":
            return sort_entries(
                [self.item_entry(i) for i in self.items.values() if i.kind in _VIDEO_KINDS], "title"
            )
        if key == "shows":
            return sort_entries([self.show_entry(name) for name in self._shows], "title")
        if key == "music":
            return sort_entries([self.artist_entry(name) for name in self._artists], "title")
        if key == "recently-added":
            return [self.item_entry(i) for i in self.recently_added()]
        if key == "continue-watching":
            return [self.item_entry(i) for i in self.continue_watching()]
        if key == "next-up":
            return [self.item_entry(i) for i in self.next_up()]
        raise KeyError(key)

    def _of_kind(self, kind: str) -> list[MediaItem]:
        return [i for i in self.items.values() if i.kind == kind]

    def show_entry(self, name: str) -> Entry:
        episodes = self._shows.get(name, [])
        seasons = {e.season if e.season is not None else 1 for e in episodes}
        detail = f"{plural(len(seasons), 'season')} · {plural(len(episodes), 'episode')}"
        entry = self.group_entry(f"show:{name}", "show", name, episodes, detail)
        # the show's own poster, not its first season's
        entry.poster = next((e.show_poster for e in episodes if e.show_poster), entry.poster)
        return entry

    def artist_entry(self, name: str) -> Entry:
        albums = self._artists.get(name, {})
        tracks = [t for album in albums.values() for t in album]
        detail = f"{plural(len(albums), 'album')} · {plural(len(tracks), 'track')}"
        return self.group_entry(f"artist:{name}", "artist", name, tracks, detail)

    def children(self, entry: Entry) -> list[Entry]:
        """The next level down: show → seasons → episodes, artist → albums → tracks."""
        if entry.kind == "show":
            # Episodes without a season (absolute numbering, a show with no season
            # folders) are its Season 1: one level, never an extra "Episodes" group.
            by_season: dict[int, list[MediaItem]] = {}
            for episode in entry.items:
                by_season.setdefault(
                    episode.season if episode.season is not None else 1, []
                ).append(episode)
            seasons = []
            for number in sorted(by_season, key=lambda n: (n == 0, n)):
                name = "Specials" if number == 0 else f"Season {number}"
                episodes = by_season[number]
                detail = plural(len(episodes), "episode")
                seasons.append(
                    self.group_entry(
                        f"{entry.key}:season:{number}", "season", name, episodes, detail
                    )
                )
            return seasons
        if entry.kind in ("season",):
            ordered = sorted(entry.items, key=sections.episode_order)
            return [self.item_entry(e, detail="") for e in ordered]
        if entry.kind == "artist":
            albums: dict[str, list[MediaItem]] = {}
            for track in entry.items:
                albums.setdefault(track.album or "Unknown album", []).append(track)
            result = []
            for name, tracks in albums.items():
                detail = plural(len(tracks), "track")
                result.append(
                    self.group_entry(f"{entry.key}:album:{name}", "album", name, tracks, detail)
                )
            return sort_entries(result, "year")
        if entry.kind == "album":
            ordered = sorted(entry.items, key=lambda t: (t.disc or 0, t.track or 0, t.path))
            return [self.item_entry(t, detail="") for t in ordered]
        return []

    # -- watch-state sections (the rules live in core/sections.py) -----------
    def continue_watching(self) -> list[MediaItem]:
        """Items with a resume point, most recently played first."""
        return sections.continue_watching(self.items, self.progress)

    def next_up(self, now: datetime | None = None) -> list[MediaItem]:
        """Per show, the episode after the most recently watched one."""
        return sections.next_up(
            self._shows.values(),
            self.progress,
            days=self.next_up_days,
            include_specials=self.next_up_specials,
            now=now,
        )

    def next_episode(self, item: MediaItem) -> MediaItem | None:
        """The episode that follows ``item`` in its show (specials only after specials)."""
        if item.kind != "episode":
            return None
        return sections.next_episode(self._shows.get(item.series or "Unknown show", []), item)

    def recently_added(self) -> list[MediaItem]:
        """Videos, newest first (at most :data:`RECENT_LIMIT`)."""
        return sections.recently_added(self.items.values(), RECENT_LIMIT)

    # -- search --------------------------------------------------------------
    def build_search_index(self) -> None:
        """Fold every item's searchable text once (titles, series, artist, album, file name)."""
        items, lines, starts = [], [], []
        offset = 0
        for item in self.items.values():
            if item.kind == "extra":
                continue
            name = item.path.rpartition("/")[2]
            parts = (item.title, item.series, item.artist, item.album, item.album_artist, name)
            line = fold(" ".join(t for t in parts if t))
            items.append(item)
            lines.append(line)
            starts.append(offset)
            offset += len(line) + 1
        self._search_items, self._search_starts = items, starts
        self._search_text = "\n".join(lines)

    def search(self, query: str, limit: int = 500) -> list[Entry]:
        """Items whose text holds every word of the query, in any order."""
        words = sorted(set(fold(query).split()), key=len, reverse=True)
        if not words:
            return []
        if self._search_text is None:
            self.build_search_index()
        text, starts = self._search_text or "", self._search_starts
        first, others = words[0], words[1:]
        found: list[MediaItem] = []
        position = 0
        while len(found) < limit:
            at = text.find(first, position)
            if at < 0:
                break
            line = bisect.bisect_right(starts, at) - 1
            end = starts[line + 1] - 1 if line + 1 < len(starts) else len(text)
            if not others or all(word in text[starts[line] : end] for word in others):
                found.append(self._search_items[line])
            position = end + 1
        return [self.item_entry(i) for i in found]


# -- sorting and filtering ---------------------------------------------------
_SORT_KEYS: dict[str, Callable[[Entry], Any]] = {
    "title": lambda e: _sort_title(e.title),
    "year": lambda e: (e.year or 0, _sort_title(e.title)),
    "added": lambda e: e.added,
    "played": lambda e: e.last_played,
    "duration": lambda e: e.duration,
}
_REVERSED = {"added", "played", "duration"}


def sort_entries(entries: list[Entry], key: str) -> list[Entry]:
    """Entries in a new order: title and year ascending, the others newest/longest first."""
    return sorted(entries, key=_SORT_KEYS[key], reverse=key in _REVERSED)


@dataclass(frozen=True, slots=True)
class EntryFilter:
    """A filter the user chose: ``kind`` is one of unwatched, in-progress, kind, genre, decade."""

    kind: str
    value: str = ""

    @property
    def label(self) -> str:
        return {
            "unwatched": "unwatched",
            "in-progress": "in progress",
            "kind": f"kind: {self.value}",
            "genre": f"genre: {self.value}",
            "decade": f"{self.value}s",
        }.get(self.kind, self.kind)


def filter_entries(
    entries: list[Entry], chosen: EntryFilter | None, view: LibraryView
) -> list[Entry]:
    """Entries that pass the filter (all of them without one)."""
    if chosen is None:
        return entries
    if chosen.kind == "unwatched":
        return [e for e in entries if e.unwatched]
    if chosen.kind == "in-progress":
        return [
            e
            for e in entries
            if any(view.state(i).position > 0 and not view.state(i).watched for i in e.items)
        ]
    if chosen.kind == "kind":
        return [e for e in entries if e.kind == chosen.value]
    if chosen.kind == "genre":
        return [e for e in entries if chosen.value in e.genres]
    if chosen.kind == "decade":
        start = int(chosen.value)
        return [e for e in entries if e.year and start <= e.year < start + 10]
    return entries


def filter_choices(entries: list[Entry]) -> list[EntryFilter]:
    """The filters that make sense for these entries."""
    choices = [EntryFilter("unwatched"), EntryFilter("in-progress")]
    choices += [EntryFilter("kind", k) for k in sorted({e.kind for e in entries})]
    choices += [EntryFilter("genre", g) for g in sorted({g for e in entries for g in e.genres})]
    choices += [
        EntryFilter("decade", str(d))
        for d in sorted({e.year // 10 * 10 for e in entries if e.year})
    ]
    return choices
