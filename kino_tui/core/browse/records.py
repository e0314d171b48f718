"""What search finds each item and group by (title, context, order within a tier): the
records both the in-memory search (``LibraryView``) and the catalog's index
(``core/catalog/index.py``) are built from, so both rank alike."""

from __future__ import annotations

from kino_tui.core.browse.search import Searchable
from kino_tui.core.models import MediaItem

#: The kinds of search record that are groups (their key is a group's, not an item id).
GROUP_KINDS = frozenset({"show", "season", "artist", "album"})


def item_record(item: MediaItem) -> Searchable | None:
    """What search finds an item by (None for an extra: it belongs to its movie)."""
    kind = item.kind
    if kind == "extra":
        return None
    name = item.path.rpartition("/")[2]
    context: tuple[str | None, ...]
    order: str | None = None
    if kind == "episode":
        context = (item.series, name)
        order = f"{item.series}\0{item.season or 0:06d}{item.episode or 0:06d}{name}"
    elif kind == "track":
        context = (item.artist, item.album, item.album_artist, name)
        order = f"{item.artist}\0{item.album}\0{item.disc or 0:04d}{item.track or 0:04d}{name}"
    else:
        context = (item.original_title, name)
    if item.cast or item.directors:
        # people are context: a film found by its cast ranks after every title match
        context = (*context, *item.directors, *(member.name for member in item.cast))
    text = " ".join(t for t in context if t)
    return Searchable(kind, item.id, item.title or "", text, order)


def group_record(key: str, kind: str, name: str, sub: int | str | None) -> Searchable:
    """What search finds a show, season, artist or album by (see :func:`group_keys`)."""
    if kind == "season":
        return Searchable("season", key, "Specials" if sub == 0 else f"Season {sub}", name)
    if kind == "album":
        return Searchable("album", key, str(sub), name)
    return Searchable(kind, key, name)


def group_of(item: MediaItem) -> tuple[str, str, str | None, int | str | None] | None:
    """(kind, show or artist, key of the group below it, season number or album) of an
    episode or a track, as the browser groups them; None for anything else. A season
    without a number is no group of its own."""
    if item.kind == "episode":
        show = item.series or "Unknown show"
        season = item.season
        below = f"show:{show}:season:{season}" if season is not None else None
        return "show", show, below, season
    if item.kind == "track":
        artist = item.album_artist or item.artist or "Unknown artist"
        album = item.album or "Unknown album"
        return "artist", artist, f"artist:{artist}:album:{album}", album
    return None
