"""Opening the library: the catalog and watch state read into a view, the opening section
first (the UI shows it while the rest is unpacked), damaged files set aside and said so."""

from __future__ import annotations

import heapq
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from kino_tui.core.catalog.rows import objects_for_life
from kino_tui.core.catalog.store import CatalogData, PackedCatalog
from kino_tui.core.errors import CatalogDamaged, DataFileUnreadable, ItemNotFound
from kino_tui.core.fsutil import clean_stale_temporaries
from kino_tui.core.models import MediaItem, Progress
from kino_tui.core.pathnames import normalise_root

if TYPE_CHECKING:
    from concurrent.futures import Future

    from kino_tui.core.browse.view import LibraryView  # the browsing stack: not for `kino scan`
    from kino_tui.core.catalog.index import IndexReader
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
    #: The opening came from the catalog's index: the catalog is read by :func:`load_rest`.
    unread: bool = False

    @property
    def complete(self) -> bool:
        """Whether the opening holds the whole library (nothing left to load)."""
        return self.rest is None and not self.unread


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
    from kino_tui.service.holding import indexed_view  # the browsing stack: not for `kino scan`

    progress, warnings = read_progress(library)
    view = indexed_view(library, progress)  # tracks compact, search read as stored
    if view is not None:
        view.section(view.first_section())  # built here, off the UI thread
        return view, warnings
    data, warning = library.catalog.load_or_recover()
    view = make_view(library, data.items.values(), progress)
    view.section(view.first_section())  # built here, off the UI thread
    return view, [*([warning] if warning else []), *warnings]


@dataclass(slots=True)
class OpeningProgress:
    """What the opening is doing when it takes long, for the status line: building the
    catalog's index (the first start after an upgrade, or after another program changed
    the catalog: 7 s at 250,000 tracks, with nothing on screen to say why)."""

    building_index: bool = False


#: The opening's progress in this process (one browser a process).
OPENING_PROGRESS = OpeningProgress()


def load_opening(library: Library) -> Opening:
    from kino_tui.core.browse.view import (
        OPENING_KINDS,
        first_section,
    )  # the browsing stack: not for `kino scan`
    from kino_tui.service import indexing  # as above

    progress, warnings = read_progress(library)
    # a build killed with its terminal left a temporary index (a quarter of a gigabyte
    # at 250,000 tracks), which nothing else removes while the index stays current
    clean_stale_temporaries(library.index.path)
    indexed = _opening_from_index(library, progress)
    if indexed is None:
        # the index was stale (an upgrade, a restored copy, another program's save):
        # written again first, so the browser holds compact records read from it (300 MB
        # at 250,000 tracks, not every item unpacked: 950 MB), this start and the next
        OPENING_PROGRESS.building_index = True
        try:
            if indexing.refresh_index(library):
                indexed = _opening_from_index(library, progress)
        finally:
            OPENING_PROGRESS.building_index = False
    if indexed is not None:
        view, whole = indexed
        return Opening(view, warnings, None, unread=not whole)
    try:
        packed = library.catalog.read()
        section = first_section(packed.kinds, _resuming(progress))
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


def _opening_from_index(
    library: Library, progress: dict[str, Progress]
) -> tuple[LibraryView, bool] | None:
    """The opening section from the index, the section the catalog would open on: Music
    or TV Shows from the index's summaries (2,500 artist rows instead of 250,000 tracks
    unpacked: a view with no items and that section's rows); Continue Watching from the
    items with progress; Movies or Videos from the items of their kinds (no catalog text
    parsed whole, which held the UI's imports for tens of milliseconds); and whether that
    is the whole library (a library of movies only). None when the index is not current."""
    from kino_tui.core.browse.ordering import sort_entries
    from kino_tui.core.browse.summary import SUMMARY_SECTIONS, summary_entry
    from kino_tui.core.browse.view import OPENING_KINDS, first_section
    from kino_tui.service import indexing

    with library.index.reading() as reader:
        if reader is None:
            return None
        try:
            kinds = reader.kinds()
            section = first_section(kinds, _resuming(progress))
            if section == "continue-watching":
                view = make_view(library, indexing.watched_items(reader, progress, False), progress)
                if view.section(section):
                    return view, False
                section = first_section(kinds)  # the part-way items are gone from the catalog
            kind = SUMMARY_SECTIONS.get(section)
            if section == "movies":
                first = _first_movies(library, reader, progress)
                if first is not None:
                    return first, False
            if kind is None:
                view = make_view(library, reader.items_of_kinds(OPENING_KINDS[section]), progress)
                view.section(section)  # built here, off the UI thread
                return view, kinds <= OPENING_KINDS[section]
            summaries = reader.summaries(kind)
            members: dict[str, list[str]] = {}
            for item_id, group in reader.groups_of(progress).items():
                members.setdefault(group, []).append(item_id)
        except indexing.INDEX_ERRORS:
            return None
    entries = [summary_entry(s, progress, members.get(s.key, ())) for s in summaries]
    view = make_view(library, [], progress)
    view.preset_section(section, sort_entries(entries, "title"))
    return view, False


#: Movies beyond this many open on their first rows (in title order), the rest with the
#: whole library: at 30,000 items making 7,500 movies and their rows before the first
#: frame held it back by a tenth of a second.
OPENING_PAGE = 300


def _first_movies(
    library: Library, reader: IndexReader, progress: dict[str, Progress]
) -> LibraryView | None:
    """The Movies section's first :data:`OPENING_PAGE` rows, in its order (title, then
    catalog order), made from those movies alone; None for fewer movies (all of them)."""
    from kino_tui.core.browse.ordering import title_key

    titles = reader.titles_of_kind("movie")
    if len(titles) <= OPENING_PAGE:
        return None
    first = heapq.nsmallest(OPENING_PAGE, titles, key=lambda row: title_key(row[1]))
    found = {item.id: item for item in reader.items(item_id for item_id, _ in first)}
    view = make_view(library, found.values(), progress)
    entries = [view.item_entry(found[item_id]) for item_id, _ in first if item_id in found]
    view.preset_section("movies", entries, partial=True)
    return view


def _resuming(progress: dict[str, Progress]) -> bool:
    """Whether anything is part-way (kino then opens on Continue Watching)."""
    return any(p.position > 0 and not p.watched for p in progress.values())


def load_rest(library: Library, opening: Opening) -> tuple[LibraryView, list[str]]:
    from kino_tui.service.holding import indexed_view  # the browsing stack: not for `kino scan`

    progress = opening.view.progress
    view = indexed_view(library, progress) if opening.unread else None
    if view is not None:  # tracks compact, search read as stored (service/holding.py)
        view.section(view.first_section())  # the section on screen, built off the UI thread
        return view, []
    if opening.unread:
        packed, warning = library.catalog.read_or_recover()
        opening.rest = packed
        if warning:
            return make_view(library, [], progress), [warning]
    if opening.rest is None:
        return opening.view, []
    packed, opening.rest = opening.rest, None  # its text is let go once unpacked (90 MB)
    try:
        items = packed.items()
    except CatalogDamaged as error:
        return make_view(library, [], progress), [library.catalog.set_aside(error)]
    view = make_view(library, items, progress)
    view.section(view.first_section())  # the section on screen, built off the UI thread
    return view, []


def load_in_background(library: LibraryAPI) -> Future[Opening]:
    # only the UI needs it (kino scan starts without concurrent.futures)
    from kino_tui.core.background import on_daemon_thread

    return on_daemon_thread(library.load_opening, "kino-catalog-preload")  # a remote one's too


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


def section(library: Library, key: str) -> tuple[list[MediaItem], list[str]]:
    """A watch section's items and any warnings: Continue Watching and Next Up from the
    index when it is current (only the items with progress, and their shows, read)."""
    from kino_tui.service import indexing

    if key in ("continue-watching", "next-up"):
        with indexing.reading_current(library) as reader:
            if reader is not None:
                progress, warnings = read_progress(library)
                try:
                    items = indexing.watched_items(reader, progress, key == "next-up")
                except indexing.INDEX_ERRORS:
                    pass  # damaged meanwhile: read the catalog
                else:
                    return section_items(make_view(library, items, progress), key), warnings
    data, warnings = load(library)
    view = make_view(library, data.items.values(), library.watch.all())
    return section_items(view, key), warnings


def section_items(view: LibraryView, key: str) -> list[MediaItem]:
    """A watch section's items in its own order."""
    if key == "continue-watching":
        return view.continue_watching()
    if key == "next-up":
        return view.next_up()
    if key == "recently-added":
        return view.recently_added()
    raise ValueError(f"unknown section {key!r}: one of {', '.join(LIST_SECTIONS)}")


def find(library: Library, target: str) -> tuple[list[MediaItem], list[str]]:
    """:func:`find_items`, from the index when it is current (a few rows read), else from
    the whole catalog (then the index is built again for the next command)."""
    from kino_tui.service import indexing

    with indexing.reading_current(library) as reader:
        if reader is not None:
            try:
                return indexing.find(reader, target), store_warnings(library)
            except indexing.INDEX_ERRORS:
                pass  # damaged meanwhile: read the catalog
    before = indexing.signature(library)
    packed, items, warnings = indexing.load_indexing(library)
    if packed is not None:
        indexing.rebuild(library, packed, before)
    return find_items(CatalogData({item.id: item for item in items}), target), warnings


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


def listing(library: Library, kind: str | None) -> tuple[Iterator[dict[str, Any]], list[str]]:
    """``kino ls --json``: every item (of ``kind``) in path order as :func:`item_records`
    gives it, and the load's warnings. Rows kino wrote as they are become records without
    an item being made; any others are unpacked (and checked) before the first record, so
    a damaged catalog is set aside and said so before anything is printed. With the
    catalog's index current, the records come from its stored rows, one at a time
    (the catalog file is not read)."""
    reader = library.index.open()
    if reader is not None:
        warnings = store_warnings(library)
        return _records(_indexed(reader, kind), library.watch.all()), warnings
    packed, warning = library.catalog.read_or_recover()
    warnings = [*([warning] if warning else []), *store_warnings(library)]
    progress = library.watch.all()
    streams: list[Iterable[dict[str, Any]]] = []
    try:
        with objects_for_life():  # a million objects and no cycles: no collections
            for document in packed.documents:
                if kind is not None and document.kind != kind:
                    continue
                dicts = document.item_dicts()
                if dicts is None:
                    items = sorted(document.items(), key=lambda i: i.path)
                    dicts = (item.to_dict() for item in items)
                streams.append(dicts)
    except CatalogDamaged as error:
        return iter(()), [library.catalog.set_aside(error), *warnings]
    # one kind (``--kind track``): its document's rows are already in path order
    merged = streams[0] if len(streams) == 1 else heapq.merge(*streams, key=itemgetter("path"))
    return _records(merged, progress), warnings


def _indexed(reader: IndexReader, kind: str | None) -> Iterator[dict[str, Any]]:
    try:
        yield from reader.item_dicts(kind)
    finally:
        reader.close()


def _records(
    merged: Iterable[dict[str, Any]], progress: Mapping[str, Progress]
) -> Iterator[dict[str, Any]]:
    """Each record with its progress (250,000 of them: one loop, no call a record)."""
    unplayed = _UNPLAYED
    with objects_for_life():
        for record in merged:
            state = progress.get(record["id"], unplayed)
            duration = state.duration
            record["progress"] = {
                "position": state.position,
                "duration": record["duration"] if duration is None else duration,
                "watched": state.watched,
                "play_count": state.play_count,
                "last_played": state.last_played,
            }
            yield record


_UNPLAYED = Progress()


def item_records(
    items: Iterable[MediaItem], progress: Mapping[str, Progress]
) -> Iterator[dict[str, Any]]:
    """Each item as ``kino ls --json`` prints it, one at a time (250,000 of them need
    not all be held)."""
    unplayed = Progress()
    for item in items:
        record = item.to_dict()
        state = progress.get(item.id, unplayed)
        record["progress"] = {
            "position": state.position,
            "duration": state.duration if state.duration is not None else item.duration,
            "watched": state.watched,
            "play_count": state.play_count,
            "last_played": state.last_played,
        }
        yield record
