"""Where the user is in the browser, as a plain object: the section, the levels drilled
into (each with its sort, filter and cursor), the search query and where a cancelled
search returns to. The TUI's ``BrowserScreen`` draws this state and forwards keys to it;
it is tested without Textual.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from kino_tui.core.browse.ordering import (
    SORTS,
    EntryFilter,
    filter_entries,
    sort_entries,
    sort_label,
)
from kino_tui.core.browse.view import SECTIONS, Entry, LibraryView

SECTION_TITLES = dict(SECTIONS)

EMPTY_MESSAGES = {
    "continue-watching": "Nothing in progress. Items you stop part-way through appear here.",
    "next-up": "No next episodes yet. Watch an episode of a show and the next one appears here.",
    "recently-added": "Nothing added yet.",
    "movies": "No movies found in your library folders.",
    "shows": "No TV episodes found in your library folders.",
    "music": "No music found in your library folders.",
    "videos": "No videos found in your library folders.",
}


#: What a drilled-into list is ordered by when no sort is chosen (and reversed).
NATURAL_ORDERS = {
    "season": ("by episode number", "by episode number, last first"),
    "show": ("by episode number", "by episode number, last first"),
    "album": ("by track number", "by track number, last first"),
}


@dataclass(slots=True)
class Level:
    """One step of drill-down: what is listed, how it is sorted and filtered, where the cursor is."""

    title: str
    entries: list[Entry]
    sort: str | None = None
    #: The sort (or the list's own order) turned around: year newest first, Z to A…
    reverse: bool = False
    filter: EntryFilter | None = None
    cursor: int = 0
    parent: Entry | None = None
    shown: list[Entry] = field(default_factory=list)
    #: Only the first matches of a search are ranked yet (more may follow): "100+".
    partial: bool = False

    def update_shown(self, view: LibraryView | None) -> list[Entry]:
        shown = filter_entries(self.entries, self.filter, view) if view else []
        if self.sort:
            shown = sort_entries(shown, self.sort, self.reverse)
        elif self.reverse:
            shown = shown[::-1]
        self.shown = shown
        self.cursor = max(0, min(self.cursor, len(shown) - 1))
        return shown

    @property
    def highlighted(self) -> Entry | None:
        return self.shown[self.cursor] if 0 <= self.cursor < len(self.shown) else None


class BrowserState:
    """The browser's state over a :class:`LibraryView` (which may be replaced when the
    rest of the library loads or a scan finishes: the place in the list is kept)."""

    def __init__(self, section: str = "movies") -> None:
        self.view: LibraryView | None = None
        #: False while only the opening section is loaded.
        self.complete = False
        self.section = section
        self.levels: list[Level] = []
        self.query = ""
        #: The levels to go back to when a search is cancelled (None: no search).
        self._before_search: list[Level] | None = None

    # -- reading ------------------------------------------------------------------
    @property
    def level(self) -> Level | None:
        return self.levels[-1] if self.levels else None

    @property
    def searching(self) -> bool:
        """A search is open (its box, or its results)."""
        return self._before_search is not None

    @property
    def highlighted(self) -> Entry | None:
        level = self.level
        return level.highlighted if level is not None else None

    def crumbs(self) -> str:
        """``Movies › Dark › Season 1  ·  12   (sorted by year, filter: unwatched)``."""
        level = self.level
        if level is None:
            return ""
        trail = " › ".join(lvl.title for lvl in self.levels)
        extras = []
        if level.sort:
            extras.append(f"sorted by {sort_label(level.sort, level.reverse)}")
        elif (
            level.parent is not None
            and level.parent.kind in NATURAL_ORDERS
            and level.shown
            and level.shown[0].item
        ):
            extras.append(NATURAL_ORDERS[level.parent.kind][level.reverse])
        elif level.reverse:
            extras.append("reversed")
        if level.filter:
            extras.append(f"filter: {level.filter.label}")
        suffix = f"   ({', '.join(extras)})" if extras else ""
        count = f"{len(level.shown):,}" if level.shown or self.complete else "…"  # not known yet
        if level.partial and level.shown:
            count += "+"  # the first page of a search: the rest is ranked once typing pauses
        return f"{trail}  ·  {count}{suffix}"

    def empty_message(self, has_roots: bool) -> str:
        """What an empty list says, and what to do about it."""
        level = self.level
        if not self.complete:
            return "Loading the rest of the library…"
        if self.view is not None and not self.view.items and not has_roots:
            return "No library folders yet. Press a to add one, then kino scans it."
        if level is not None and level.filter is not None and level.entries:
            return f"Nothing matches the filter ({level.filter.label}). Press f to change it."
        if self.query and len(self.levels) == 1:
            return "No matches. Try fewer or other words."
        return EMPTY_MESSAGES.get(self.section, "Nothing here.")

    # -- moving -------------------------------------------------------------------
    def set_view(self, view: LibraryView, complete: bool) -> None:
        """A new view (the rest of the library, a rescan): same level and cursor."""
        was_empty = self.view is None or not self.view.items
        self.view = view
        self.complete = complete
        if self.levels and was_empty and view.items and not self.searching:
            self.show_section(view.first_section())  # the first folder was just scanned
        elif self.levels:
            self.refresh()
        else:
            searching = self.searching
            if not searching and self.section == "movies":
                self.section = view.first_section()
            self.show_section(self.section)
            if searching:  # "/" came before anything was shown: the search starts here
                self.begin_search()

    def show_section(self, key: str) -> None:
        """The top level of a section (any search is closed)."""
        self.section = key
        self.query = ""
        self._before_search = None
        entries = self.view.section(key) if self.view is not None else []
        partial = self.view is not None and self.view.is_partial(key)
        self.levels = [Level(SECTION_TITLES[key], entries, partial=partial)]
        self.levels[0].update_shown(self.view)

    def move_cursor(self, cursor: int) -> None:
        if self.level is not None:
            self.level.cursor = cursor

    def open(self, entry: Entry) -> bool:
        """Drill into a group (show, season, artist, album); False for a playable item."""
        if not entry.is_group or self.view is None or self.level is None:
            return False
        level = Level(entry.heading or entry.title, self.view.children(entry), parent=entry)
        level.update_shown(self.view)
        self.levels.append(level)
        return True

    def reveal(self, entry: Entry) -> str | None:
        """Open where an entry lives, the cursor on it: a track's album (Music › artist ›
        album), an episode's season (TV Shows › show › season), as a media server's "go to
        album" does; an album or a season found by search opens in its place, on its
        first item. Any search is closed. None when done, else what to say."""
        item = entry.item
        if item is None and entry.kind == "album" and entry.items:
            item = min(entry.items, key=lambda i: (i.disc or 0, i.track or 0, i.path))
        elif item is None and entry.kind == "season" and entry.items:
            item = min(entry.items, key=lambda i: (i.episode or 0, i.path))
        if item is None:
            return "o goes to a track's album or an episode's season: Enter opens this."
        view = self.view
        section = {"track": "music", "episode": "shows"}.get(item.kind)
        if section is None:
            return f"A {item.kind} is in no album or season."
        if view is None or not self.complete:
            return "The library is still loading: try again in a moment."
        entries = view.section(section)
        trail: list[Entry] = []
        while group := next(
            (e for e in entries if e.is_group and any(i.id == item.id for i in e.items)), None
        ):
            trail.append(group)
            entries = view.children(group)
        keys = [e.key for e in entries]
        if not trail or item.id not in keys:
            return "It is not in the library any more."
        self.show_section(section)
        for group in trail:
            level = self.levels[-1]
            level.cursor = next((n for n, e in enumerate(level.shown) if e.key == group.key), 0)
            self.open(group)
        level = self.levels[-1]
        level.cursor = next((n for n, e in enumerate(level.shown) if e.key == item.id), 0)
        return None

    def back(self) -> bool:
        """Up one level, or out of a search to where it started; False at the top."""
        if len(self.levels) > 1:
            self.levels.pop()
            return True
        if self.searching:
            self.cancel_search()
            return True
        return False

    # -- search -------------------------------------------------------------------
    def begin_search(self) -> None:
        """The search box opened: remember where to come back to."""
        if self._before_search is None:
            self._before_search = [replace(level) for level in self.levels]

    def search(self, query: str, limit: int = 500) -> None:
        """Show the library's matches, the best ``limit`` (an empty query shows where the
        search started)."""
        self.begin_search()
        self.query = query.strip()
        if not self.query:
            self.levels = [replace(level) for level in self._before_search or []]
            if not self.levels:
                self.show_section(self.section)
                self._before_search = []
            return
        results = self.view.search(self.query, limit) if self.view is not None else []
        self.levels = [Level(f"Search: {self.query}", results, partial=len(results) >= limit)]
        self.levels[0].update_shown(self.view)

    def show_results(self, query: str, entries: list[Entry]) -> None:
        """Show matches found elsewhere (the catalog's index, while the library loads)."""
        self.begin_search()
        self.query = query.strip()
        self.levels = [Level(f"Search: {self.query}", entries)]
        self.levels[0].update_shown(self.view)

    def cancel_search(self) -> None:
        """Back to the level and row the user was on before searching."""
        saved, self._before_search = self._before_search, None
        self.query = ""
        if saved:
            self.levels = saved
            self.refresh()
        else:
            self.show_section(self.section)

    # -- sort and filter ----------------------------------------------------------
    def cycle_sort(self) -> str | None:
        """The next sort order for this list; returns its label."""
        level = self.level
        if level is None:
            return None
        index = SORTS.index(level.sort) + 1 if level.sort in SORTS else 0
        level.sort = SORTS[index % len(SORTS)]
        level.cursor = 0
        level.update_shown(self.view)
        return sort_label(level.sort, level.reverse)

    def reverse_sort(self) -> str | None:
        """Turn this list's order around (year newest first…); returns its label."""
        level = self.level
        if level is None:
            return None
        level.reverse = not level.reverse
        level.cursor = 0
        level.update_shown(self.view)
        if level.sort:
            return sort_label(level.sort, level.reverse)
        return "reversed" if level.reverse else "in its own order"

    def set_filter(self, chosen: EntryFilter | None) -> None:
        level = self.level
        if level is None:
            return
        level.filter = chosen
        level.cursor = 0
        level.update_shown(self.view)

    # -- refreshing ---------------------------------------------------------------
    def refresh(self) -> None:
        """Rebuild every level's entries (counts and watch sections follow progress),
        keeping each level's cursor on the same entry where it still exists."""
        view = self.view
        if view is None:
            return
        for index, level in enumerate(self.levels):
            current = level.highlighted
            if index == 0:
                if self.query:
                    level.entries = view.search(self.query)
                    level.partial = False
                else:
                    level.entries = view.section(self.section)
                    level.partial = view.is_partial(self.section)
            elif level.parent is not None:
                siblings = self.levels[index - 1].entries
                parent = next((e for e in siblings if e.key == level.parent.key), level.parent)
                level.parent = parent
                level.entries = view.children(parent)
            level.update_shown(view)
            if current is not None:
                keys = [entry.key for entry in level.shown]
                if current.key in keys:
                    level.cursor = keys.index(current.key)
