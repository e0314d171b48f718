"""Answering from the catalog's index (``core/catalog/index.py``) when it is current, and
building it again from a catalog that had to be read whole.

Every use case here has the same shape: open the index (:func:`reading_current`: built
again first when it is stale or missing, streaming the catalog's rows); read only the rows
the answer needs. When it cannot be built (a damaged catalog, an older layout, a cache
folder that cannot be written), read the catalog as before and answer from it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from kino_tui.core.browse.records import GROUP_KINDS
from kino_tui.core.browse.search import Searchable
from kino_tui.core.catalog.index import INDEX_ERRORS, IndexReader, catalog_signature
from kino_tui.core.catalog.rows import PackedCatalog
from kino_tui.core.errors import CatalogDamaged, ItemNotFound
from kino_tui.core.fsutil import clean_stale_temporaries
from kino_tui.core.models import MediaItem
from kino_tui.core.pathnames import normalise_root

if TYPE_CHECKING:
    from kino_tui.core.browse.view import Entry, LibraryView
    from kino_tui.service.library import Library


def signature(library: Library) -> str | None:
    """The catalog file's signature: take it *before* reading the catalog whose index
    will be written, so a save in between leaves the index stale, never wrong."""
    return catalog_signature(library.paths.catalog_file)


def rebuild(library: Library, packed: PackedCatalog, before: str | None) -> bool:
    """Write the index of ``packed`` (read after ``before`` was taken); says whether it
    was written."""
    if before is None:
        return False
    return library.index.build(packed, before)


def refresh_index(library: Library) -> bool:
    """Build the catalog's index again unless it matches the catalog: after a scan that
    changed it, and before the browser opens on a stale one (the catalog changed by a
    live update, a restored copy), so the next search, ``kino play ID``, album opened or
    browser reads a few rows instead of the catalog. Writing it streams the catalog's
    rows (about as long as unpacking them). Says whether it was built. A build that was
    killed left its temporary file (a quarter of a gigabyte at 250,000 tracks): it goes
    here too, not only when the index is built again (maybe never)."""
    clean_stale_temporaries(library.index.path)
    with library.index.reading() as reader:
        if reader is not None:
            return False
    before = signature(library)
    try:
        packed = library.catalog.read()
    except CatalogDamaged:
        return False  # the next reader sets it aside and says so
    return rebuild(library, packed, before)


@contextlib.contextmanager
def reading_current(library: Library) -> Iterator[IndexReader | None]:
    """The catalog's index, built again first when it does not match the catalog (a copied
    catalog, a newer kino, a save by a program that leaves it stale); None when it cannot
    be built. Building streams the catalog's rows: at 250,000 tracks about 7 s and 380 MB,
    where reading every item to answer from them took 12 s and 1.2 GB (and built it too)."""
    reader = library.index.open()
    if reader is None and refresh_index(library):
        reader = library.index.open()
    try:
        yield reader
    finally:
        if reader is not None:
            reader.close()


def load_indexing(library: Library) -> tuple[PackedCatalog | None, list[MediaItem], list[str]]:
    """The whole catalog as ``loading.load`` reads it (a damaged one set aside: no
    items, a line saying so), and the catalog as read, for :func:`rebuild`."""
    from kino_tui.service.loading import store_warnings

    try:
        packed = library.catalog.read()
        items = packed.items()
    except CatalogDamaged as error:
        return None, [], [library.catalog.set_aside(error), *store_warnings(library)]
    return packed, items, store_warnings(library)


def search_entries(
    library: Library, reader: IndexReader, query: str, limit: int
) -> tuple[LibraryView, list[Entry]]:
    """The ranked matches of ``query`` as browser rows, over a view of only the items
    they need (each matched item, and every item of each matched group's show or
    artist, which its counts and seasons are made from)."""
    from kino_tui.service.loading import make_view, read_progress

    matches = reader.search(query, limit)
    items = reader.items(m.key for m in matches if m.kind not in GROUP_KINDS)
    seen: set[str] = set()
    for match in matches:
        if match.kind in GROUP_KINDS:
            found = reader.group_items(match.key)
            if found and found[0].id not in seen:
                seen.update(item.id for item in found)
                items += found
    progress, _ = read_progress(library)
    view = make_view(library, items, progress)
    return view, view.entries(Searchable(m.kind, m.key, "") for m in matches)


def watched_items(reader: IndexReader, progress: Iterable[str], shows: bool) -> list[MediaItem]:
    """The items with progress (what Continue Watching is made of) and, with ``shows``,
    every episode of their shows (what Next Up is made of)."""
    items = reader.items(progress)
    if not shows:
        return items
    seen = {item.id for item in items}
    for key in {f"show:{i.series or 'Unknown show'}" for i in items if i.kind == "episode"}:
        more = [item for item in reader.group_items(key) if item.id not in seen]
        seen.update(item.id for item in more)
        items += more
    return items


def find(reader: IndexReader, target: str) -> list[MediaItem]:
    """What ``kino play`` and ``kino watched`` name, as ``loading.find_items`` finds it
    in the whole catalog: an id, a group key, a file (or a part), a folder."""
    item = reader.item(target)
    if item is not None:
        return [item]
    if target.startswith(("show:", "artist:")):
        from kino_tui.core.browse.view import LibraryView

        group = LibraryView(reader.group_items(target), {}).group(target)
        if group is not None:
            return list(group.items)
    path = normalise_root(target)
    item = reader.item_at(path)
    if item is not None:
        return [item]
    under = reader.items_under(path.rstrip("/") + "/")
    if under:
        return under
    raise ItemNotFound(
        f"nothing in the catalog has the id or path {target!r}: "
        "see `kino ls`, or run `kino scan` if the file is new"
    )


__all__ = [
    "GROUP_KINDS", "INDEX_ERRORS", "find", "load_indexing", "rebuild", "refresh_index",
    "search_entries",
    "signature", "watched_items",
]  # fmt: skip
