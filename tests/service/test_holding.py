"""What the TUI holds of a whole library read from the catalog's index (issue 18: "the
TUI holds the items it shows, not every item's full record"): tracks as compact records
that browse, group, sort and search exactly as the catalog's items do, whose full record
(streams, parts, NFO text) is read when asked for, from the index or, once it no longer
matches the catalog, from the catalog's rows of the item's folder."""

from __future__ import annotations

import tracemalloc

from kino_tui.config.paths import KinoPaths
from kino_tui.core.browse.shown import ShownTrack
from kino_tui.core.browse.view import LibraryView
from kino_tui.core.catalog.store import Catalog, CatalogData
from kino_tui.core.models import AudioTrack, CastMember, MediaItem, Progress
from kino_tui.service import Library
from kino_tui.service.holding import IndexRecords
from kino_tui.service.indexing import refresh_index
from kino_tui.service.loading import make_view


def _item(item_id: str, kind: str, path: str, **fields: object) -> MediaItem:
    return MediaItem(id=item_id, kind=kind, path=f"/m/{path}", root="/m", parts=[f"/m/{path}"],  # type: ignore[arg-type]
                     **fields)  # fmt: skip


def _library() -> list[MediaItem]:
    tracks = [
        _item(f"t{n}", "track", f"Music/{artist}/{album}/{n:02d} Song {n}.mp3",
              title=f"Song {n}" if n % 7 else None, artist=artist, album=album, track=n % 12,
              disc=1 + n % 2 if n % 5 == 0 else None, year=1990 + n % 4 if n % 3 else None,
              duration=100.0 + n, added=f"2025-01-{n % 28 + 1:02d}", size=1000 + n,
              genres=["Jazz", "Rock"][: n % 3], rating=n / 10 if n % 4 else None,
              poster="/m/Music/cover.jpg" if n % 6 == 1 else None, available=n != 9,
              audio=[AudioTrack("mp3", 2)], fingerprint=f"f{n}", mtime=1.5 * n, inode=n,
              album_artist="Various" if n % 11 == 0 else None,
              error="empty file" if n == 13 else None)
        for n in range(48)
        for artist, album in [(["Air", "Zoë", "AC/DC"][n % 3], ["Moon", "Highway"][n % 2])]
    ]  # fmt: skip
    odd = [  # tracks that stay whole: fields a shown track answers as unset
        _item("t-thumb", "track", "Music/Air/Moon/99 Thumb.mp3", title="Thumb", artist="Air",
              album="Moon", thumb="/m/t.jpg"),
        _item("t-orig", "track", "Music/Air/Moon/98 Orig.mp3", title="Orig", artist="Air",
              album="Moon", original_title="Original"),
    ]  # fmt: skip
    films = [
        _item("m1", "movie", "Movies/Heat (1995)/Heat (1995).mkv", title="Heat", year=1995,
              plot="A heist.", directors=["Michael Mann"], cast=[CastMember("Al Pacino")]),
        _item("e1", "episode", "TV/Dark/Season 1/Dark S01E01.mkv", series="Dark", season=1,
              episode=1, title="Secrets"),
    ]  # fmt: skip
    return [*tracks, *odd, *films]


def _saved(kino_paths: KinoPaths, items: list[MediaItem]) -> Library:
    Catalog(kino_paths.catalog_file).save(CatalogData({i.id: i for i in items}))
    library = Library(kino_paths)
    assert refresh_index(library)
    return library


def _shown(view: LibraryView) -> list[object]:
    shown: list[object] = [view.summary()]
    for key in ("music", "movies", "shows", "recently-added", "continue-watching"):
        for entry in view.section(key):
            shown.append((key, entry.key, entry.title, entry.detail, entry.year, entry.poster,
                          entry.added, entry.duration, entry.unwatched, entry.genres,
                          entry.rating, entry.available, entry.problem, len(entry.items)))  # fmt: skip
            for child in view.children(entry):
                shown.append((child.key, child.title, child.detail, child.year))
                shown += [(c.key, c.title, c.problem) for c in view.children(child)]
    for query in ("song 1", "air", "moon", "heat", "pacino", "zoe", "highway song", "s"):
        shown.append([(e.key, e.title, e.detail) for e in view.search(query)])
    return shown


def test_the_view_read_from_the_index_shows_what_the_catalogs_items_show(
    kino_paths: KinoPaths,
) -> None:
    items = _library()
    library = _saved(kino_paths, items)
    library.watch.save(items[3], Progress(position=20.0, last_played="2025-05-05T10:00:00+00:00"))
    held, warnings = library.load_view()  # the index matches the catalog: read from it
    assert warnings == [] and held.search_ready  # the search index read with the items
    shown = [i for i in held.items.values() if isinstance(i, ShownTrack)]
    assert len(shown) == 48  # every usual track compact; the odd ones, films, episodes whole
    assert {i.id for i in held.items.values() if isinstance(i, MediaItem)} == {
        "t-thumb", "t-orig", "m1", "e1"}  # fmt: skip
    data, _ = library.load()
    whole = make_view(library, data.items.values(), library.watch.all())
    assert _shown(held) == _shown(whole)


def test_a_shown_tracks_full_record_is_read_when_asked_for(kino_paths: KinoPaths) -> None:
    items = _library()
    library = _saved(kino_paths, items)
    held, _ = library.load_view()
    track = held.items["t5"]
    assert isinstance(track, ShownTrack) and track._full is None
    by_id = {i.id: i for i in items}
    assert track.audio == [AudioTrack("mp3", 2)] and track.parts == by_id["t5"].parts
    assert track.to_dict() == by_id["t5"].to_dict()  # what the details pane and a play read
    assert track.fingerprint == "f5" and track.mtime == 7.5
    # the index file replaced or gone (a live update left it stale, a scan wrote a new
    # one): read as it was when the items were, which is still these items' record
    library.paths.index_file.unlink()
    assert held.items["t6"].to_dict() == by_id["t6"].to_dict()
    # the index cannot be read at all: the catalog's rows of the track's folder
    source = track._source
    assert isinstance(source, IndexRecords)
    source._reader.close()
    assert held.items["t7"].to_dict() == by_id["t7"].to_dict()


def test_a_shown_track_takes_a_fraction_of_an_unpacked_items_memory(
    kino_paths: KinoPaths,
) -> None:
    tracks = [
        _item(f"t{n}", "track", f"Music/Artist {n // 100}/Album {n // 10}/{n % 10:02d} Song.mp3",
              title=f"Song {n}", artist=f"Artist {n // 100}", album=f"Album {n // 10}",
              track=n % 10, duration=100.0 + n, added="2025-01-01T00:00:00+00:00",
              size=5000 + n, audio=[AudioTrack("mp3", 2)], fingerprint=f"{n:024x}",
              mtime=1.5 * n, inode=n, device=64769, bitrate=128000, container="MP3")
        for n in range(3000)
    ]  # fmt: skip
    library = _saved(kino_paths, tracks)

    def allocated(load: object) -> int:
        tracemalloc.start()
        try:
            held = load()  # type: ignore[operator]
            size = tracemalloc.get_traced_memory()[0]
            del held
            return size
        finally:
            tracemalloc.stop()

    from kino_tui.service.holding import indexed_view

    unpacked = allocated(lambda: library.catalog.read().items())
    shown = allocated(lambda: indexed_view(library, {}))  # the items and the search index
    assert shown < 0.5 * unpacked, (shown, unpacked)
