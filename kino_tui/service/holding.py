"""What the TUI holds of a large library: its items made from the catalog's index, tracks
as compact records (``core/browse/shown.py``) whose full record is read from the index
when something asks for it (the details pane, a play, the audio chooser)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from kino_tui.core.catalog.index import INDEX_ERRORS, IndexReader
from kino_tui.core.catalog.rows import objects_for_life
from kino_tui.core.models import MediaItem

if TYPE_CHECKING:
    from kino_tui.core.browse.view import LibraryView
    from kino_tui.core.models import Progress
    from kino_tui.service.library import Library


class IndexRecords:
    """A shown item's full record, from the catalog's index as it was when the items were
    read (kept open: a live update saves the catalog and leaves the index stale, but the
    rows of the items it did not change, the only ones still shown compact, are still
    theirs); from the catalog's rows of the item's folder if that fails."""

    def __init__(self, library: Library, reader: IndexReader) -> None:
        self.library = library
        self._reader = reader
        self._lock = threading.Lock()  # one thread at a time on the connection

    def full(self, item_id: str, folder: str) -> MediaItem | None:
        from kino_tui.service.following import items_under  # first use: seldom needed

        with self._lock:
            try:
                found = self._reader.item(item_id)
            except INDEX_ERRORS:
                found = None  # damaged meanwhile: the catalog
        if found is not None:
            return found
        items = items_under(self.library, [folder]) or ()
        return next((item for item in items if item.id == item_id), None)


def indexed_view(library: Library, progress: dict[str, Progress]) -> LibraryView | None:
    """The whole library as the browser holds it, from the catalog's index: every item
    (tracks compact) and the search index, read as stored (nothing folded or sorted; the
    keys shared with the items'). None when the index does not match the catalog: read
    the catalog instead."""
    # the browsing stack, only for the TUI (`kino scan` starts without it)
    from kino_tui.core.browse.search import SearchIndex
    from kino_tui.core.browse.shown import shown_items
    from kino_tui.service.loading import make_view  # loading imports this module

    reader = library.index.open(threads=True)
    if reader is None:
        return None
    try:
        with objects_for_life():
            items = shown_items(reader.stored_rows(), IndexRecords(library, reader))
            view = make_view(library, items, progress)
            ids = view.items
            search = SearchIndex.from_ordered(
                (kind, ids[key].id if key in ids else key, title, line)
                for kind, key, title, line in reader.search_rows()
            )
    except INDEX_ERRORS:
        reader.close()
        return None
    view.use_search_index(search)
    return view
