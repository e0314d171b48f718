"""What the browser shows: sections, drill-down levels, search, sort and filters.

Pure data over catalog items and watch progress; the UI only renders these entries.
Ranking lives in ``core/search.py``, sort orders and filters in ``core/ordering.py``.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from functools import cached_property

from kino_tui.core.browse import sections
from kino_tui.core.browse.entries import (
    NEXT_UP_DAYS,
    OPENING_KINDS,
    RECENT_LIMIT,
    SECTIONS,
    Entry,
    file_problem,
    first_section,
)
from kino_tui.core.browse.ordering import (
    SORT_LABELS,
    SORTS,
    EntryFilter,
    filter_choices,
    filter_entries,
    sort_entries,
)
from kino_tui.core.browse.search import SearchIndex, fold
from kino_tui.core.browse.view_search import ViewSearch
from kino_tui.core.models import MediaItem, Progress
from kino_tui.core.text import episode_label, library_summary, plural

__all__ = [
    "OPENING_KINDS", "SECTIONS", "SORTS", "SORT_LABELS", "Entry", "EntryFilter",
    "LibraryView", "filter_choices", "filter_entries", "first_section", "fold", "sort_entries",
]  # fmt: skip


def _in_season_folders(episodes: Iterable[MediaItem]) -> bool:
    """Does any of these episodes sit in a season folder (``Season 01``, ``Specials``)?"""
    from kino_tui.core.naming import season_of_folder  # only when a show is opened

    return any(season_of_folder(e.folder.rpartition("/")[2]) is not None for e in episodes)


class LibraryView(ViewSearch):
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
        #: Group entries by key (search results, Recently Added), until progress changes.
        self._groups: dict[str, Entry] = {}
        self._search: SearchIndex | None = None
        self._changes = self._search_changes = 0
        #: The ids and group keys changed since the search index was made.
        self._touched: set[str] = set()
        #: The section a view without items opens on (see :meth:`preset_section`).
        self._preset: str | None = None
        self._partial = False
        self._index_lock = threading.Lock()
        #: How to build each group search can find: key → (kind, show or artist, season
        #: number or album name).
        self._group_keys: dict[str, tuple[str, str, int | str | None]] = {}
        self._shows: dict[str, list[MediaItem]] = {}
        self._artists: dict[str, dict[str, list[MediaItem]]] = {}
        self._extras: dict[str, list[MediaItem]] = {}
        for item in self.items.values():
            self._group(item).append(item)

    def _group(self, item: MediaItem) -> list[MediaItem]:
        """The list an item is kept in by its show, its artist and album, or its movie
        (made when missing; a throwaway list for anything else)."""
        if item.kind == "episode":
            return self._shows.setdefault(item.series or "Unknown show", [])
        if item.kind == "track":
            artist = item.album_artist or item.artist or "Unknown artist"
            albums = self._artists.setdefault(artist, {})
            return albums.setdefault(item.album or "Unknown album", [])
        if item.kind == "extra" and item.extra_of:
            return self._extras.setdefault(item.extra_of, [])
        return []

    def replace_under(self, folders: Iterable[str], items: Iterable[MediaItem]) -> None:
        """What ``folders`` (and the folders below them) hold is now ``items``: a live
        update applied to this view instead of a new view of the whole catalog. Only the
        sections and groups those items are in are made again; the search index is
        built again by :meth:`ensure_search_index` (until then it answers without what
        has gone)."""
        below = tuple(folder.rstrip("/") + "/" for folder in folders)
        gone = [i for i in self.items.values() if i.path.startswith(below)]
        arrived = list(items)
        touched: set[str] = set()
        for item in gone:
            del self.items[item.id]
            group = self._group(item)
            group.remove(item)
            if not group:  # the last of a show, an album or a movie's extras
                self._forget_group(item)
        for item in arrived:
            old = self.items.get(item.id)  # moved in from elsewhere: one place only
            if old is not None:
                group = self._group(old)
                group.remove(old)
                if not group:
                    self._forget_group(old)
                touched.update(self._group_keys_of(old))
            self.items[item.id] = item
            self._group(item).append(item)
        for item in (*gone, *arrived):
            touched.update(self._group_keys_of(item))
            touched.add(item.id)
        self._changed(touched)

    def _forget_group(self, item: MediaItem) -> None:
        if item.kind == "episode":
            self._shows.pop(item.series or "Unknown show", None)
        elif item.kind == "track":
            artist = item.album_artist or item.artist or "Unknown artist"
            albums = self._artists.get(artist, {})
            albums.pop(item.album or "Unknown album", None)
            if not albums:
                self._artists.pop(artist, None)
        elif item.extra_of:
            self._extras.pop(item.extra_of, None)

    def _changed(self, groups: set[str]) -> None:
        """Items came and went (``groups``: their ids and the keys of the groups they are
        in): those groups, the sections and the counts are made again when next asked
        for, and their search records put in the index again (``ensure_search_index``)."""
        for key in list(self._groups):
            if key in groups or key.split(":season:")[0] in groups:
                del self._groups[key]
        preset = self._sections.get(self._preset or "")
        self._sections.clear()
        if preset is not None and self._preset is not None:  # no items to build it from
            self._sections[self._preset] = preset
        self._group_keys = {}
        self.__dict__.pop("_census", None)
        self._touched |= groups
        self._changes += 1  # the search index is brought up to date (ensure_search_index)

    # -- state ---------------------------------------------------------------
    def state(self, item: MediaItem) -> Progress:
        return self.progress.get(item.id) or Progress()

    def update_progress(self, item_id: str, progress: Progress) -> None:
        self.progress[item_id] = progress
        preset = self._sections.get(self._preset or "")
        self._sections.clear()  # counts and watch-state sections depend on progress
        if preset is not None and self._preset is not None:  # no items to build it from
            self._sections[self._preset] = preset
        item = self.items.get(item_id)
        if item is not None:
            for key in self._group_keys_of(item):
                self._groups.pop(key, None)

    @staticmethod
    def _group_keys_of(item: MediaItem) -> list[str]:
        """The keys of the groups an item counts in (its show and season, its artist and
        album)."""
        if item.kind == "episode":
            show = f"show:{item.series or 'Unknown show'}"
            season = item.season if item.season is not None else -1
            return [show, f"{show}:season:{season}"]
        if item.kind == "track":
            artist = f"artist:{item.album_artist or item.artist or 'Unknown artist'}"
            return [artist, f"{artist}:album:{item.album or 'Unknown album'}"]
        return []

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
            position=state.position if state is not None and not state.watched else 0.0,
            problem=file_problem(item),
            available=item.available,
            genres=tuple(item.genres),
            rating=item.rating,
        )

    def group_entry(
        self, key: str, kind: str, title: str, items: list[MediaItem], detail: str
    ) -> Entry:
        states = [self.state(i) for i in items]
        years = [i.year for i in items if i.year]
        posters = [i.poster for i in items if i.poster]
        ratings = [i.rating for i in items if i.rating is not None]
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
            rating=round(sum(ratings) / len(ratings), 1) if ratings else None,
            count=len(items),
        )

    @cached_property
    def _census(self) -> tuple[Counter[str], int]:
        """Items per kind, and how many are offline (a view's items never change)."""
        kinds: Counter[str] = Counter(item.kind for item in self.items.values())
        return kinds, sum(1 for item in self.items.values() if not item.available)

    def first_section(self) -> str:
        """The section to open on (see :func:`first_section`)."""
        if self._preset is not None:
            return self._preset
        return first_section(self._census[0].keys(), bool(self.section("continue-watching")))

    def preset_section(self, key: str, entries: list[Entry], partial: bool = False) -> None:
        """A view without items that shows ``entries`` as the section ``key`` (kino's
        opening, made from the index's summaries while the items are read); ``partial``:
        only its first rows (the rest come with the whole library)."""
        self._preset = key
        self._partial = partial
        self._sections[key] = entries

    def is_partial(self, key: str) -> bool:
        """Whether section ``key`` holds only its first rows yet (see :meth:`preset_section`)."""
        return self._partial and self._preset == key

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
                [self.item_entry(i) for i in self.items.values() if i.kind in sections.VIDEO_KINDS],
                "title",
            )
        if key == "shows":
            return sort_entries([self.show_entry(name) for name in self._shows], "title")
        if key == "music":
            return sort_entries([self.artist_entry(name) for name in self._artists], "title")
        if key == "recently-added":
            return self._recent_entries()
        if key == "continue-watching":
            return [self.item_entry(i) for i in self.continue_watching()]
        if key == "next-up":
            return [self.item_entry(i) for i in self.next_up()]
        raise KeyError(key)

    def _of_kind(self, kind: str) -> list[MediaItem]:
        return [i for i in self.items.values() if i.kind == kind]

    # -- groups ----------------------------------------------------------------
    def _cached(self, key: str, build: Callable[[], Entry]) -> Entry:
        entry = self._groups.get(key)
        if entry is None:
            entry = self._groups[key] = build()
        return entry

    def show_entry(self, name: str) -> Entry:
        def build() -> Entry:
            episodes = self._shows.get(name, [])
            seasons = {e.season if e.season is not None else 1 for e in episodes}
            detail = f"{plural(len(seasons), 'season')} · {plural(len(episodes), 'episode')}"
            entry = self.group_entry(f"show:{name}", "show", name, episodes, detail)
            # the show's own poster, not its first season's
            entry.poster = next((e.show_poster for e in episodes if e.show_poster), entry.poster)
            return entry

        return replace(self._cached(f"show:{name}", build))

    def artist_entry(self, name: str) -> Entry:
        def build() -> Entry:
            albums = self._artists.get(name, {})
            tracks = [t for album in albums.values() for t in album]
            detail = f"{plural(len(albums), 'album')} · {plural(len(tracks), 'track')}"
            return self.group_entry(f"artist:{name}", "artist", name, tracks, detail)

        return replace(self._cached(f"artist:{name}", build))

    def season_entries(self, show: str) -> list[Entry]:
        """A show's seasons in order, specials last. Episodes without a season
        (absolute numbering, a show with no season folders) are its Season 1: one level,
        never an extra "Episodes" group."""
        by_season: dict[int, list[MediaItem]] = {}
        for episode in self._shows.get(show, []):
            number = episode.season if episode.season is not None else 1
            by_season.setdefault(number, []).append(episode)
        seasons = []
        for number in sorted(by_season, key=lambda n: (n == 0, n)):
            name = "Specials" if number == 0 else f"Season {number}"
            episodes = by_season[number]
            seasons.append(
                self.group_entry(
                    f"show:{show}:season:{number}", "season", name, episodes,
                    plural(len(episodes), "episode"),
                )
            )  # fmt: skip
        return seasons

    def album_entry(self, artist: str, album: str) -> Entry:
        def build() -> Entry:
            tracks = self._artists.get(artist, {}).get(album, [])
            detail = plural(len(tracks), "track")
            return self.group_entry(
                f"artist:{artist}:album:{album}", "album", album, tracks, detail
            )

        return replace(self._cached(f"artist:{artist}:album:{album}", build))

    def children(self, entry: Entry) -> list[Entry]:
        """The next level down: show → seasons → episodes, artist → albums → tracks. A show
        without season folders (one season, no specials) opens on its episodes."""
        if entry.kind == "show":
            seasons = self.season_entries(entry.key.removeprefix("show:"))
            if len(seasons) == 1 and not _in_season_folders(seasons[0].items):
                return self.children(seasons[0])
            return seasons
        if entry.kind == "season":
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

    def extras_of(self, item: MediaItem) -> list[MediaItem]:
        """A movie's (or video's) trailers, featurettes, deleted scenes…, by type and title."""
        return sorted(
            self._extras.get(item.id, []),
            key=lambda e: (e.extra_type or "", (e.title or "").casefold(), e.path),
        )

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

    def episodes_up_to(self, item: MediaItem) -> list[MediaItem]:
        """``item`` and every episode of its show before it (see
        :func:`~kino_tui.core.browse.sections.episodes_up_to`)."""
        if item.kind != "episode":
            return [item]
        return sections.episodes_up_to(self._shows.get(item.series or "Unknown show", []), item)

    def recently_added(self) -> list[MediaItem]:
        """Movies, episodes, videos and tracks, newest first (at most :data:`RECENT_LIMIT`)."""
        return sections.recently_added(self.items.values(), RECENT_LIMIT)

    def _recent_entries(self) -> list[Entry]:
        """Recently Added rows: a show's new episodes as one row ("Dark — 3 new episodes"),
        an album's new tracks as the album; Enter opens the whole show or album."""
        entries = []
        for row in sections.recently_added_rows(self.items.values(), RECENT_LIMIT):
            if row.kind == "show":
                entry = self.show_entry(row.name)
                entry.detail = ""
                new = plural(len(row.items), "new episode")
            elif row.kind == "album":
                entry = self.album_entry(row.artist, row.name)
                entry.detail = row.artist
                new = plural(len(row.items), "new track")
            else:
                entries.append(self.item_entry(row.items[0]))
                continue
            entry.heading = entry.title
            entry.title = f"{entry.title} — {new}"
            entry.year = None  # "Dark — 3 new episodes", not "… episodes (2017)"
            entry.added = row.items[0].added or ""
            entries.append(entry)
        return entries
