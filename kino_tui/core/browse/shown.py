"""The items the browser holds at 250,000 tracks: a track as a compact record of what the
lists, groups, sections and search read, its full record fetched when something asks for
more (the details pane, a play, the audio chooser).

A :class:`MediaItem` has 65 slots and a list or dict for every stream, person and id:
about 2.6 KB a track as the catalog unpacks it, most of a gigabyte at 250,000. A
:class:`ShownTrack` has the 19 fields browsing reads (the artist, album and date texts
shared between the tracks that have them), about 500 bytes. Any other field (``parts``,
``audio``, ``plot``…) or method (``to_dict``) reads the item's full record once, from a
:class:`FullRecords` source (the catalog's index), and keeps it.

Only tracks whose record has nothing but what a track usually has are made compact; any
other item (a film, an episode, a track with a thumb or an original title) stays a
``MediaItem``. Code that reads items is unchanged: a shown track answers every attribute
a ``MediaItem`` has (typed as one, see :func:`shown_items`).
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import itemgetter
from typing import Any, Protocol, cast

from kino_tui.core.catalog.rows import item_of_row
from kino_tui.core.models import ROW_FIELDS, MediaItem

_INDEX = {name: number for number, name in enumerate(ROW_FIELDS)}
_MEDIA_FIELDS = frozenset(ROW_FIELDS) | {"to_dict", "to_row"}
#: What a shown track keeps (the rest comes with its full record).
_KEPT = (
    "id", "path", "root", "title", "year", "added", "size", "available", "duration",
    "artist", "album", "album_artist", "track", "disc", "genres", "poster", "rating",
    "error", "embedded_cover",
)  # fmt: skip
#: Fields a track is compact only without (its class answers their defaults).
_ABSENT = (
    "series", "season", "episode", "episode_end", "air_date", "show_poster", "extra_of",
    "extra_type", "extra_owner", "original_title", "sort_title", "thumb", "cast",
    "directors",
)  # fmt: skip
#: What a shown track reads from its full record.
_LOADED = _MEDIA_FIELDS - frozenset(_KEPT)
_ABSENT_VALUES = itemgetter(*(_INDEX[name] for name in _ABSENT))
_KEPT_VALUES = itemgetter(*(_INDEX[name] for name in _KEPT))
_LENGTH = len(ROW_FIELDS)
#: A row's trailing values when left out (what the stored rows omit): None, or an empty
#: list for the lists (only looked at, never kept: genres become a shared tuple).
_DEFAULTS: list[Any] = [
    [] if name in ("genres", "cast", "directors") else None for name in ROW_FIELDS
]


class FullRecords(Protocol):
    """Where a shown item's full record comes from."""

    def full(self, item_id: str, folder: str) -> MediaItem | None: ...


class ShownTrack:
    """A track as the browser holds it (see the module's docstring)."""

    __slots__ = (*_KEPT, "_full", "_source")
    kind = "track"
    series = season = episode = episode_end = air_date = show_poster = None
    extra_of = extra_type = extra_owner = original_title = sort_title = thumb = None
    cast: tuple[()] = ()
    directors: tuple[()] = ()

    def __init__(self, values: tuple[Any, ...], source: FullRecords) -> None:
        # one assignment each (a loop of setattr took three times as long at 250,000)
        (self.id, self.path, self.root, self.title, self.year, self.added, self.size,
         self.available, self.duration, self.artist, self.album, self.album_artist,
         self.track, self.disc, self.genres, self.poster, self.rating, self.error,
         self.embedded_cover) = values  # fmt: skip
        self._full: MediaItem | None = None
        self._source = source

    @property
    def folder(self) -> str:
        return str(self.path).rpartition("/")[0] or "/"

    @property
    def display_title(self) -> str:
        return self.title or str(self.path).rpartition("/")[2]

    def full(self) -> MediaItem:
        """The track's whole record (read once, then kept)."""
        found = self._full
        if found is None:
            found = self._source.full(self.id, self.folder) or self._known()
            self._full = found
        return found

    def _known(self) -> MediaItem:
        """What is known here, when the full record cannot be read (gone meanwhile)."""
        values = {name: getattr(self, name) for name in _KEPT}
        values["genres"] = list(values["genres"])
        return MediaItem(kind="track", parts=[values["path"]], **values)

    def __getattr__(self, name: str) -> Any:
        if name not in _LOADED:  # a slot not set yet (a copy being made) is no field to read
            raise AttributeError(name)
        return getattr(self.full(), name)

    def __copy__(self) -> ShownTrack:
        return self  # never changed once made: a copy is itself (and its source shared)

    def __deepcopy__(self, memo: dict[int, Any]) -> ShownTrack:
        return self

    def __repr__(self) -> str:
        return f"ShownTrack(id={self.id!r}, path={self.path!r})"


def shown_item(row: list[Any], root: str, source: FullRecords, shared: dict[Any, Any]) -> Any:
    """The browser's item for one stored row (see ``PackedDocument.stored_rows``): a
    :class:`ShownTrack` when it can be one, else the row's ``MediaItem``."""
    full = row + _DEFAULTS[len(row) :] if len(row) < _LENGTH else row
    if full[1] != "track" or any(_ABSENT_VALUES(full)):
        return item_of_row(row, root)
    (item_id, path, _, title, year, added, size, available, duration, artist, album,
     album_artist, track, disc, genres, poster, rating, error, cover) = _KEPT_VALUES(full)  # fmt: skip
    if path[:1] != "/":
        path = shared.setdefault((root,), root.rstrip("/") + "/") + path
    share = shared.setdefault
    values = (
        item_id, path, share(root, root), title, year, share(added, added), size or 0,
        available is not False, duration, share(artist, artist), share(album, album),
        share(album_artist, album_artist), track, disc, share(tuple(genres), tuple(genres)),
        share(poster, poster), rating, error, bool(cover),
    )  # fmt: skip
    return ShownTrack(values, source)


def shown_items(rows: Iterable[tuple[list[Any], str]], source: FullRecords) -> list[MediaItem]:
    """The browser's items for stored rows and their roots (tracks compact, typed as the
    ``MediaItem`` whose every attribute they answer)."""
    shared: dict[Any, Any] = {}
    return cast("list[MediaItem]", [shown_item(row, root, source, shared) for row, root in rows])
