"""The library view's search: its index of every item and group, built off the UI
thread, and the rows of what it finds (the ranking is ``core/browse/search.py``)."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from kino_tui.core.browse.entries import Entry
from kino_tui.core.browse.records import group_record, item_record
from kino_tui.core.browse.search import Searchable, SearchIndex
from kino_tui.core.catalog.rows import objects_for_life

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable

    from kino_tui.core.models import MediaItem


class ViewSearch:
    """:class:`~kino_tui.core.browse.view.LibraryView`'s search methods (what they use of
    the view is declared here)."""

    items: dict[str, MediaItem]
    _search: SearchIndex | None
    #: How many changes the view had when its search index was built, and has now.
    _search_changes: int
    _changes: int
    _touched: set[str]
    _index_lock: threading.Lock
    #: How to build each group search can find: key → (kind, show or artist, season
    #: number or album name).
    _group_keys: dict[str, tuple[str, str, int | str | None]]
    _groups: dict[str, Entry]
    _shows: dict[str, list[MediaItem]]
    _artists: dict[str, dict[str, list[MediaItem]]]
    item_entry: Callable[[MediaItem], Entry]
    show_entry: Callable[[str], Entry]
    artist_entry: Callable[[str], Entry]
    album_entry: Callable[[str, str], Entry]
    season_entries: Callable[[str], list[Entry]]

    @property
    def search_ready(self) -> bool:
        """Whether :meth:`search` answers at once (its index is built; after a live update
        it answers from the index as it was, without what has gone, until
        :meth:`ensure_search_index` has built it again)."""
        return self._search is not None

    def ensure_search_index(self) -> None:
        """Build the search index unless it is built and current (from any thread: one
        builds it, the others wait for it)."""
        with self._index_lock:
            for _ in range(3):  # items changed while it was made: once more
                index, changes = self._search, self._changes
                if index is not None and self._search_changes == changes:
                    return
                if index is None:
                    self.build_search_index()
                    continue
                # a live update: its records put in again, not every record folded
                from kino_tui.core.browse.search_patch import patched  # after live updates

                touched = set(self._touched)
                groups = self._collect_groups(keep=False)
                patch = patched(index, touched, functools.partial(self._record_of, groups=groups))
                self.use_search_index(patch, changes)
                if self._search is patch:
                    self._touched -= touched

    def build_search_index(self, records: list[Searchable] | None = None) -> None:
        """Every item (extras belong to their movie: not listed) and every show, season,
        artist and album (``records``, when :meth:`search_records` already made them),
        folded once. What it makes lives as long as the view and holds no cycles: it is
        frozen out of the cyclic collector, whose full passes over it held a keystroke
        for 200 ms at 250,000 items. Built on a worker's thread from what the view holds
        as it starts; kept only if nothing changed meanwhile (see ``replace_under``)."""
        changes, touched = self._changes, set(self._touched)
        with objects_for_life():
            index = SearchIndex(self.search_records() if records is None else records)
        self.use_search_index(index, changes)
        if self._search is index:
            self._touched -= touched  # in it already

    def use_search_index(self, index: SearchIndex, changes: int | None = None) -> None:
        """Search with ``index`` (built from these items as they were after ``changes``
        changes, by default as they are; an index built before a change is let go)."""
        if changes is None:
            changes = self._changes
        if changes != self._changes:
            return  # what it was built from changed meanwhile: built again when asked
        with objects_for_life():
            self._search, self._search_changes = index, changes
            for key in list(self._collect_groups()):  # counted here, off the UI thread
                if changes != self._changes:  # a live update meanwhile (the UI thread's)
                    self._groups.clear()  # rows counted from before it: counted again
                    break
                with contextlib.suppress(KeyError):  # a group gone this very moment
                    self.search_entry(Searchable("", key, ""))

    def search_records(self) -> list[Searchable]:
        """What search can find: every item but extras, and every group (also what the
        catalog's search index, ``core/catalog/index.py``, stores)."""
        records = [r for r in map(item_record, list(self.items.values())) if r is not None]
        records += [group_record(key, *group) for key, group in self._collect_groups().items()]
        return records

    def _record_of(
        self, key: str, groups: dict[str, tuple[str, str, int | str | None]]
    ) -> Searchable | None:
        """The search record of an item or a group as the view holds it now (None: gone,
        or an extra)."""
        item = self.items.get(key)
        if item is not None:
            return item_record(item)
        group = groups.get(key)
        return None if group is None else group_record(key, *group)

    def _collect_groups(self, keep: bool = True) -> dict[str, tuple[str, str, int | str | None]]:
        """Every show, season (with a number), artist and album, by key (kept for
        :meth:`group` unless ``keep`` is false)."""
        groups: dict[str, tuple[str, str, int | str | None]] = {}
        changes = self._changes
        for show, episodes in list(self._shows.items()):
            groups[f"show:{show}"] = ("show", show, None)
            for number in sorted({e.season for e in episodes if e.season is not None}):
                groups[f"show:{show}:season:{number}"] = ("season", show, number)
        for artist, albums in list(self._artists.items()):
            groups[f"artist:{artist}"] = ("artist", artist, None)
            for album in list(albums):
                groups[f"artist:{artist}:album:{album}"] = ("album", artist, album)
        if keep and changes == self._changes:
            self._group_keys = groups
        return groups

    def group(self, key: str) -> Entry | None:
        """The show, season, artist or album with this key (``show:Dark``,
        ``show:Dark:season:1``, ``artist:Air:album:Moon Safari``), or None."""
        if not self._group_keys:
            self._collect_groups()
        if key not in self._group_keys:
            return None
        return self.search_entry(Searchable("", key, ""))

    def search(self, query: str, limit: int = 500) -> list[Entry]:
        """Items and groups matching the query, ranked (see ``core/search.py``)."""
        index = self._search
        if index is None:
            self.build_search_index()
            index = self._search
        assert index is not None
        if self._search_changes == self._changes:
            return [self.search_entry(record) for record in index.search(query, limit)]
        # items came and went since it was built: what is gone is left out
        if not self._group_keys:
            self._collect_groups()
        known = self.items.keys() | self._group_keys.keys()
        found = (r for r in index.search(query, limit) if r.key in known)
        return [self.search_entry(record) for record in found]

    def entries(self, records: Iterable[Searchable]) -> list[Entry]:
        """The rows of these search records (items or groups of this view)."""
        if not self._group_keys:
            self._collect_groups()
        return [self.search_entry(record) for record in records]

    def search_entry(self, record: Searchable) -> Entry:
        """The list row of a search result: the item, or the group to drill into."""
        item = self.items.get(record.key)
        if item is not None:
            return self.item_entry(item)
        kind, name, sub = self._group_keys[record.key]
        if kind == "show":
            return self.show_entry(name)
        if kind == "artist":
            return self.artist_entry(name)
        if kind == "album":
            entry = self.album_entry(name, str(sub))
            entry.detail = f"{name} · {entry.detail}"
            return entry
        if record.key not in self._groups:
            for season in self.season_entries(name):  # every season of the show at once
                self._groups[season.key] = season
        entry = replace(self._groups[record.key])
        entry.detail = f"{name} · {entry.detail}"
        return entry
