"""Opening the library: the catalog and watch state read into a view, the opening section
first (the UI shows it while the rest is unpacked), damaged files set aside and said so."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kino_tui.core.catalog.store import CatalogData, PackedCatalog
from kino_tui.core.errors import CatalogDamaged, DataFileUnreadable, ItemNotFound
from kino_tui.core.models import MediaItem, Progress
from kino_tui.core.pathnames import normalise_root

if TYPE_CHECKING:
    from concurrent.futures import Future

    from kino_tui.core.browse.view import LibraryView  # the browsing stack: not for `kino scan`
    from kino_tui.service.api import LibraryAPI, PlaySide
    from kino_tui.service.library import Library

#: The watch sections ``kino ls --section`` lists, in their own order.
LIST_SECTIONS = ("continue-watching", "next-up", "recently-added")


@dataclass(slots=True)
class Opening:
    """The opening section's view, the catalog as read (if anything is left to unpack),
    and a line for every damaged file set aside while reading."""

    view: LibraryView
    warnings: list[str]
    rest: PackedCatalog | None


def read_progress(library: Library) -> tuple[dict[str, Progress], list[str]]:
    """Every item's progress, and a line for each watch or history file set aside or
    unreadable. A watch file that cannot be read gives no progress and a line saying why:
    the library is shown all the same. watch.json is read once."""
    try:
        progress = library.watch.all()
    except DataFileUnreadable:
        return {}, store_warnings(library)  # says why (and checks the history too)
    return progress, store_warnings(library, progress_read=True)


def store_warnings(library: Library, progress_read: bool = False) -> list[str]:
    """Lines for watch or history files found damaged (and set aside) so far, or that
    cannot be read at all (``progress_read``: watch.json was just read, check only the
    history)."""
    try:
        return library.watch.recover(progress=not progress_read)
    except DataFileUnreadable as error:
        return [f"{error}; watch progress and history are not shown until it can be read"]


def load(library: Library) -> tuple[CatalogData, list[str]]:
    data, warning = library.catalog.load_or_recover()
    return data, [*([warning] if warning else []), *store_warnings(library)]


class CatalogCache:
    """The catalog as last loaded, read again only when its file changed (every save is
    a new file: its inode, mtime and size change). Warnings are given once, with the load
    that found them."""

    def __init__(self) -> None:
        self._data: CatalogData | None = None
        self._signature: tuple[int, int, int] | None = None
        self._lock = threading.Lock()

    def get(self, library: Library) -> tuple[CatalogData, list[str]]:
        signature = library.catalog_signature()
        with self._lock:
            if self._data is not None and signature is not None and signature == self._signature:
                return self._data, []
            data, warnings = load(library)
            self._data, self._signature = data, signature
            return data, warnings


def items_by_id(data: CatalogData, ids: Sequence[str]) -> list[MediaItem]:
    """The items with these ids, in order; ``ItemNotFound`` names an unknown one."""
    found = []
    for item_id in ids:
        item = data.items.get(str(item_id))
        if item is None:
            raise ItemNotFound(f"the catalog has no item with the id {item_id!r}")
        found.append(item)
    return found


def load_view(library: Library) -> tuple[LibraryView, list[str]]:
    data, warning = library.catalog.load_or_recover()
    progress, warnings = read_progress(library)
    view = make_view(library, data.items.values(), progress)
    view.section(view.first_section())  # built here, off the UI thread
    return view, [*([warning] if warning else []), *warnings]


def load_opening(library: Library) -> Opening:
    from kino_tui.core.browse.view import (
        OPENING_KINDS,
        first_section,
    )  # the browsing stack: not for `kino scan`

    progress, warnings = read_progress(library)
    try:
        packed = library.catalog.read()
        resuming = any(p.position > 0 and not p.watched for p in progress.values())
        section = first_section(packed.kinds, resuming)
        items = packed.items(OPENING_KINDS[section])
    except CatalogDamaged as error:
        view = make_view(library, [], progress)
        return Opening(view, [library.catalog.set_aside(error), *warnings], None)
    view = make_view(library, items, progress)
    if section == "continue-watching" and not view.section(section):
        section = first_section(packed.kinds)  # the part-way items are gone from the catalog
        view = make_view(library, packed.items(OPENING_KINDS[section]), progress)
    view.section(section)  # built here, off the UI thread
    return Opening(view, warnings, None if packed.kinds <= OPENING_KINDS[section] else packed)


def load_rest(library: Library, opening: Opening) -> tuple[LibraryView, list[str]]:
    progress = opening.view.progress
    if opening.rest is None:
        return opening.view, []
    try:
        items = opening.rest.items()
    except CatalogDamaged as error:
        return make_view(library, [], progress), [library.catalog.set_aside(error)]
    view = make_view(library, items, progress)
    view.section(view.first_section())  # the section on screen, built off the UI thread
    return view, []


def load_in_background(library: LibraryAPI) -> Future[Opening]:
    from concurrent.futures import Future  # only the UI needs it (kino scan starts lean)

    future: Future[Opening] = Future()

    def run() -> None:
        try:
            future.set_result(library.load_opening())  # a remote library's too
        except BaseException as error:  # handed to whoever waits on the future
            future.set_exception(error)

    threading.Thread(target=run, name="kino-catalog-preload", daemon=True).start()
    return future


def make_view(
    library: PlaySide, items: Iterable[MediaItem], progress: dict[str, Progress]
) -> LibraryView:
    from kino_tui.core.browse.view import LibraryView  # the browsing stack: not for `kino scan`

    settings = library.settings
    return LibraryView(
        items,
        progress,
        next_up_days=settings.next_up_days,
        next_up_specials=settings.next_up_specials,
    )


def section_items(view: LibraryView, key: str) -> list[MediaItem]:
    """A watch section's items in its own order."""
    if key == "continue-watching":
        return view.continue_watching()
    if key == "next-up":
        return view.next_up()
    if key == "recently-added":
        return view.recently_added()
    raise ValueError(f"unknown section {key!r}: one of {', '.join(LIST_SECTIONS)}")


def find_items(data: CatalogData, target: str) -> list[MediaItem]:
    """The item with this id or file path, every item under a folder (in path order), or
    every item of a group by the key ``kino search`` gives it (``show:Dark``)."""
    item = data.items.get(target)
    if item is not None:
        return [item]
    if target.startswith(("show:", "artist:")):
        from kino_tui.core.browse.view import LibraryView  # the browsing stack: not for `kino scan`

        group = LibraryView(data.items.values(), {}).group(target)
        if group is not None:
            return list(group.items)
    path = normalise_root(target)
    for item in data.items.values():
        if item.path == path or path in item.parts:
            return [item]
    prefix = path.rstrip("/") + "/"
    under = sorted(
        (i for i in data.items.values() if i.path.startswith(prefix) and i.kind != "extra"),
        key=lambda i: i.path,
    )
    if under:
        return under
    raise ItemNotFound(
        f"nothing in the catalog has the id or path {target!r}: "
        "see `kino ls`, or run `kino scan` if the file is new"
    )


def item_records(
    items: Sequence[MediaItem], progress: Mapping[str, Progress]
) -> list[dict[str, Any]]:
    records = []
    for item in items:
        record = item.to_dict()
        state = progress.get(item.id, Progress())
        record["progress"] = {
            "position": state.position,
            "duration": state.duration if state.duration is not None else item.duration,
            "watched": state.watched,
            "play_count": state.play_count,
            "last_played": state.last_played,
        }
        records.append(record)
    return records
