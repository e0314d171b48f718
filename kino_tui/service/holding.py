"""What the TUI holds of a large library: its items made from the catalog's index, tracks
as compact records (``core/browse/shown.py``) whose full record is read from the index
when something asks for it (the details pane, a play, the audio chooser)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kino_tui.core.catalog.index import INDEX_ERRORS
from kino_tui.core.catalog.rows import objects_for_life
from kino_tui.core.models import MediaItem

if TYPE_CHECKING:
    from kino_tui.core.browse.view import LibraryView
    from kino_tui.core.models import Progress
    from kino_tui.service.library import Library


class IndexRecords:
    """A shown item's full record: from the catalog's index while it matches the catalog,
    else from the catalog's rows of the item's folder (the index is not made again after
    a live update; an item a live update changed is held whole anyway)."""

    def __init__(self, library: Library) -> None:
        self.library = library

    def full(self, item_id: str, folder: str) -> MediaItem | None:
        from kino_tui.service.following import items_under  # first use: seldom needed

        library = self.library
        with library.index.reading() as reader:
            if reader is not None:
                try:
                    return reader.item(item_id)
                except INDEX_ERRORS:
                    pass  # damaged meanwhile: the catalog
        found = items_under(library, [folder]) or ()
        return next((item for item in found if item.id == item_id), None)


def indexed_view(
    library: Library, progress: dict[str, Progress]
) -> LibraryView | None:
    """The whole library as the browser holds it, from the catalog's index: every item
    (tracks compact) and the search index, read as stored (nothing folded or sorted; the
    keys shared with the items'). None when the index does not match the catalog: read
    the catalog instead."""
    # the browsing stack, only for the TUI (`kino scan` starts without it)
    from kino_tui.core.browse.search import SearchIndex
    from kino_tui.core.browse.shown import shown_items
    from kino_tui.service.loading import make_view  # loading imports this module

    with library.index.reading() as reader:
        if reader is None:
            return None
        try:
            with objects_for_life():
                view = make_view(library, shown_items(reader.stored_rows(), IndexRecords(library)), progress)
                ids = view.items
                search = SearchIndex.from_ordered(
                    (kind, ids[key].id if key in ids else key, title, line)
                    for kind, key, title, line in reader.search_rows()
                )
        except INDEX_ERRORS:
            return None
    view.use_search_index(search)
    return view
