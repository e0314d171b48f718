"""kino opens on Music or TV Shows from the index's summaries (no item unpacked): the
same rows, counts, posters and watch state the whole library gives; the items follow."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from kino_tui.config.paths import KinoPaths
from kino_tui.core.browse.view import Entry
from kino_tui.core.catalog.store import Catalog, CatalogData
from kino_tui.core.models import MediaItem, Progress
from kino_tui.service import Library
from kino_tui.service.indexing import refresh_index


def item(item_id: str, kind: str, path: str, **fields: object) -> MediaItem:
    return MediaItem(id=item_id, kind=kind, path=path, root="/m", parts=[path], **fields)  # type: ignore[arg-type]


def music() -> list[MediaItem]:
    """Artists with albums met out of order, posters on some tracks only, album artists,
    ratings, genres, durations, an offline track, tags missing."""
    found = []
    for n in range(60):
        artist = ["Air", "AC/DC", "Zoë", None][n % 4]
        album = ["Moon Safari", "Highway", None][n % 3]
        found.append(item(
            f"t{n}", "track", f"/m/Music/{artist}/{album}/{n:02d} Song {n}.mp3",
            title=f"Song {n}", artist=artist, album=album, track=n % 10,
            album_artist="Various" if n % 13 == 0 else None,
            year=1990 + n % 7 if n % 5 else None, duration=180.5 + n, added=f"2024-01-{n % 28 + 1:02d}",
            poster=f"/m/Music/cover{n}.jpg" if n % 9 == 4 else None, rating=n / 7 if n % 2 else None,
            genres=["Jazz"] if n % 3 else ["Rock", "Jazz"], available=n != 7,
        ))  # fmt: skip
    return found


def shows() -> list[MediaItem]:
    found = []
    for n in range(40):
        show = ["Dark", "Mad Men", None][n % 3]
        season = [1, 2, None, 0][n % 4]
        found.append(item(
            f"e{n}", "episode", f"/m/TV/{show}/S{season}/E{n}.mkv", series=show, season=season,
            episode=n, title=f"Episode {n}", year=2000 + n % 3, duration=1500.25 * (n + 1),
            poster=f"/m/TV/p{n}.jpg" if n % 5 == 3 else None, rating=n / 3 if n % 4 else None,
            show_poster=f"/m/TV/show{n}.jpg" if n % 11 == 10 else None,
        ))  # fmt: skip
    return found


def without_items(entry: Entry) -> dict[str, object]:
    fields = dataclasses.asdict(entry)
    fields.pop("items")
    fields.pop("item")
    fields["duration"] = round(float(fields["duration"]), 6)  # type: ignore[arg-type]
    return fields


@pytest.mark.parametrize(("items", "section"), [(music(), "music"), (shows(), "shows")])
def test_the_opening_from_the_index_is_the_section_the_items_make(
    kino_paths: KinoPaths, items: list[MediaItem], section: str
) -> None:
    Catalog(kino_paths.catalog_file).save(CatalogData({i.id: i for i in items}))
    library = Library(kino_paths)
    library.watch.set_watched(items[3], True)
    finished = Progress(watched=True, last_played="2025-05-05T10:00:00+00:00")
    library.watch.save(items[5], finished)  # (part-way, kino would open on Continue Watching)
    assert refresh_index(library)
    opening = library.load_opening()
    assert opening.unread and not opening.complete and opening.view.items == {}
    assert opening.view.first_section() == section
    full, warnings = library.load_rest(opening)
    assert warnings == [] and len(full.items) == len(items)
    expected = [without_items(e) for e in full.section(section)]
    assert [without_items(e) for e in opening.view.section(section)] == expected
    assert any(e["last_played"] for e in expected)  # the progress made it in
    assert any(e["poster"] for e in expected) and any(e["rating"] for e in expected)


@pytest.mark.parametrize("kind", ["episode", "movie"])
def test_something_part_way_opens_on_continue_watching_from_the_index_too(
    kino_paths: KinoPaths, kind: str
) -> None:
    """With the index, kino opened on TV Shows (or read the catalog for Movies) while the
    whole library opens on Continue Watching when something is part-way."""
    items = shows() if kind == "episode" else [
        item(f"m{n}", "movie", f"/m/Movies/Film {n}.mkv", title=f"Film {n}") for n in range(5)
    ]
    Catalog(kino_paths.catalog_file).save(CatalogData({i.id: i for i in items}))
    library = Library(kino_paths)
    library.watch.save(items[2], Progress(position=20.0, last_played="2025-05-05T10:00:00+00:00"))
    assert refresh_index(library)
    opening = library.load_opening()
    assert opening.unread  # from the index, not the catalog
    assert opening.view.first_section() == "continue-watching"
    assert [e.key for e in opening.view.section("continue-watching")] == [items[2].id]
    full, _ = library.load_rest(opening)
    assert full.first_section() == "continue-watching"


def test_a_missing_or_damaged_index_is_written_again_and_the_opening_comes_from_it(
    kino_paths: KinoPaths,
) -> None:
    """A stale index (the catalog changed by a live update, a restored copy) used to send
    the browser to the whole catalog, every item unpacked (950 MB at 250,000 tracks) on
    every start until a scan: it is written again first."""
    Catalog(kino_paths.catalog_file).save(CatalogData({i.id: i for i in music()}))
    library = Library(kino_paths)
    opening = library.load_opening()  # no index yet
    assert opening.unread and opening.view.items == {}
    assert library.index.open() is not None
    Path(kino_paths.index_file).write_bytes(b"damaged")
    opening = library.load_opening()
    assert opening.unread and opening.view.items == {}
    full, _ = library.load_rest(opening)
    assert len(full.items) == 60


def test_where_no_index_can_be_written_the_opening_reads_the_catalog(
    kino_paths: KinoPaths,
) -> None:
    Catalog(kino_paths.catalog_file).save(CatalogData({i.id: i for i in music()}))
    kino_paths.cache_dir.parent.mkdir(parents=True, exist_ok=True)
    kino_paths.cache_dir.write_text("a file where the cache folder should be")
    opening = Library(kino_paths).load_opening()
    assert opening.complete and len(opening.view.items) == 60


def test_a_killed_builds_temporary_index_goes_at_the_next_start(kino_paths: KinoPaths) -> None:
    """An index build killed with its terminal left a 237 MB temporary file at 250,000
    tracks; with the index current, nothing builds it again, so nothing removed it."""
    import os
    import subprocess
    import time

    Catalog(kino_paths.catalog_file).save(CatalogData({i.id: i for i in music()}))
    library = Library(kino_paths)
    assert refresh_index(library)
    finished = subprocess.Popen(["true"])  # a pid no writer has any more
    finished.wait()
    left = library.index.path.with_name(f".{library.index.path.name}.{finished.pid}.x1y2.tmp")
    left.write_bytes(b"half an index")
    hour_ago = time.time() - 3600
    os.utime(left, (hour_ago, hour_ago))
    library.load_opening()
    assert not left.exists()


def test_the_opening_says_while_it_builds_the_index(
    kino_paths: KinoPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kino_tui.service import indexing
    from kino_tui.service.loading import OPENING_PROGRESS

    Catalog(kino_paths.catalog_file).save(CatalogData({i.id: i for i in music()}))
    library = Library(kino_paths)
    seen: list[bool] = []
    build = indexing.refresh_index

    def watched_build(library: Library) -> bool:
        seen.append(OPENING_PROGRESS.building_index)
        return build(library)

    monkeypatch.setattr(indexing, "refresh_index", watched_build)
    opening = library.load_opening()  # no index yet: built first
    assert seen == [True] and not OPENING_PROGRESS.building_index
    assert opening.unread  # from the index it built
    library.load_opening()  # current now: nothing built, nothing said
    assert seen == [True]


def test_many_movies_open_on_their_first_rows_in_the_sections_order(
    kino_paths: KinoPaths,
) -> None:
    """Beyond OPENING_PAGE movies the opening holds the section's first rows only, made
    from those movies alone (at 30,000 items, making 7,500 movies and their rows before
    the first frame held it back a tenth of a second); they are the whole section's
    first rows, in its order (articles, numbers, equal titles, no title)."""
    from kino_tui.core.browse.navigation import BrowserState
    from kino_tui.service.loading import OPENING_PAGE

    names = ["The Film", "Film", "film", "Film 2", "Film 10", "A Zebra", "Élan", "", "Alien"]
    movies = [
        item(f"m{n:04d}", "movie", f"/m/Movies/M{n:04d}/{names[n % len(names)] or 'x'} {n}.mkv",
             title=f"{names[n % len(names)]} {n // 3}".strip() if names[n % len(names)] else None)
        for n in range(OPENING_PAGE * 2)
    ]  # fmt: skip
    Catalog(kino_paths.catalog_file).save(CatalogData({i.id: i for i in movies}))
    library = Library(kino_paths)
    assert refresh_index(library)
    opening = library.load_opening()
    assert opening.unread and not opening.complete
    assert len(opening.view.items) == OPENING_PAGE
    assert opening.view.is_partial("movies")
    first = [e.key for e in opening.view.section("movies")]
    full, _ = library.load_rest(opening)
    assert first == [e.key for e in full.section("movies")][:OPENING_PAGE]
    state = BrowserState()
    state.set_view(opening.view, complete=False)
    assert state.crumbs().endswith(f"·  {OPENING_PAGE}+")  # more follow
    state.set_view(full, complete=True)
    assert state.crumbs().endswith(f"·  {OPENING_PAGE * 2}")
