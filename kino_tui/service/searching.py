"""Searching the library: the same ranked results for ``kino search`` as the browser's
search box shows (the ranking is ``core/search.py``)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kino_tui.core.text import describe_item, plural

if TYPE_CHECKING:
    from kino_tui.core.browse.view import Entry, LibraryView
    from kino_tui.service.library import Library

#: Results ``kino search`` gives at most (the browser shows as many).
SEARCH_LIMIT = 500


@dataclass(slots=True)
class SearchResult:
    """One search result: an item, or a group (show, season, artist, album) with its
    counts. ``id`` is the item's id or the group's key (``show:Dark``); ``path`` the item's
    file or the folder that holds the whole group (None when it spans several)."""

    kind: str
    title: str
    id: str
    path: str | None
    year: int | None = None
    unwatched: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    #: The show of a season or an episode, the artist of an album or a track…
    context: dict[str, Any] = field(default_factory=dict)
    line: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = {
            "kind": self.kind,
            "title": self.title,
            "id": self.id,
            "path": self.path,
            "year": self.year,
            "unwatched": self.unwatched,
            **self.counts,
            **self.context,
        }
        return data


def search(
    library: Library, query: str, limit: int = SEARCH_LIMIT
) -> tuple[list[SearchResult], list[str]]:
    """The library's matches for ``query``, ranked, and any warnings of the load: from
    the index (built again first when stale), else from the whole catalog."""
    from kino_tui.service import indexing
    from kino_tui.service.loading import make_view, read_progress, store_warnings

    with indexing.reading_current(library) as reader:
        if reader is not None:
            try:
                view, entries = indexing.search_entries(library, reader, query, limit)
                return [result_of(view, entry) for entry in entries], store_warnings(library)
            except indexing.INDEX_ERRORS:
                pass  # damaged meanwhile: read the catalog
    before = indexing.signature(library)
    packed, items, warnings = indexing.load_indexing(library)
    progress, more = read_progress(library)
    view = make_view(library, items, progress)
    records = view.search_records()
    view.build_search_index(records)
    if packed is not None:
        indexing.rebuild(library, packed, before)
    return results(view, query, limit), [*warnings, *more]


@dataclass(slots=True)
class IndexedSearch:
    """Matches answered from the catalog's index: the browser's rows, over a view of just
    the items they need (see ``indexing.search_entries``)."""

    query: str
    view: LibraryView
    entries: list[Entry]


def indexed(library: Library, query: str, limit: int = SEARCH_LIMIT) -> IndexedSearch | None:
    """The browser's rows for ``query`` from the index alone; None when it is not current
    (the caller searches the loaded library instead)."""
    from kino_tui.service import indexing

    with library.index.reading() as reader:
        if reader is None:
            return None
        try:
            view, entries = indexing.search_entries(library, reader, query, limit)
        except indexing.INDEX_ERRORS:
            return None
    return IndexedSearch(query, view, entries)


def results(view: LibraryView, query: str, limit: int = SEARCH_LIMIT) -> list[SearchResult]:
    return [result_of(view, entry) for entry in view.search(query, limit)]


def _folder_of(entry: Entry) -> str | None:
    folders = {item.folder for item in entry.items}
    if not folders:
        return None
    common = os.path.commonpath(list(folders)) if len(folders) > 1 else folders.pop()
    roots = {item.root for item in entry.items}
    return common if len(roots) == 1 and len(common) > len(roots.pop()) else None


def result_of(view: LibraryView, entry: Entry) -> SearchResult:
    item = entry.item
    if item is not None:
        context: dict[str, Any] = {}
        if item.kind == "episode":
            context = {"series": item.series, "season": item.season, "episode": item.episode}
        elif item.kind == "track":
            context = {"artist": item.artist, "album": item.album, "track": item.track}
        return SearchResult(
            kind=item.kind,
            title=item.display_title,
            id=item.id,
            path=item.path,
            year=item.year,
            unwatched=entry.unwatched,
            context=context,
            line=describe_item(item),
        )
    counts: dict[str, int] = {}
    context = {}
    children = len(entry.items)
    if entry.kind == "show":
        seasons = {e.season if e.season is not None else 1 for e in entry.items}  # as browsed
        counts = {"seasons": len(seasons), "episodes": children}
    elif entry.kind == "season":
        show = entry.items[0].series if entry.items else None
        counts, context = {"episodes": children}, {"series": show}
    elif entry.kind == "artist":
        counts = {"albums": len({t.album for t in entry.items}), "tracks": children}
    elif entry.kind == "album":
        first = entry.items[0] if entry.items else None
        artist = (first.album_artist or first.artist) if first is not None else None
        counts, context = {"tracks": children}, {"artist": artist}
    title = entry.title  # a season's is "Season 1": its show is in ``series``
    where = " · ".join(str(v) for v in context.values() if v)
    year = f" ({entry.year})" if entry.year and entry.kind in ("show", "album") else ""
    line = f"{title}{year}  {where + ' · ' if where else ''}{_counts_line(counts)}"
    return SearchResult(
        kind=entry.kind,
        title=title,
        id=entry.key,
        path=_folder_of(entry),
        year=entry.year,
        unwatched=entry.unwatched,
        counts=counts,
        context=context,
        line=line,
    )


def _counts_line(counts: dict[str, int]) -> str:
    names = {"seasons": "season", "episodes": "episode", "albums": "album", "tracks": "track"}
    return " · ".join(plural(count, names[key]) for key, count in counts.items())
