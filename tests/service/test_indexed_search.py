"""Search, play and watched answer from the catalog's index when it is current, with the
same results as from the whole catalog; a stale, damaged or unwritable index changes
nothing the user sees."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from kino_tui.config.paths import KinoPaths
from kino_tui.service import Library
from tests.conftest import LibraryBuilder

LAYOUT = {
    "TV/Dark/Season 01/Dark S01E01.mkv": "h264.mkv",
    "TV/Dark/Season 01/Dark S01E02.mkv": "mpeg4.avi",
    "TV/Dark/Season 02/Dark S02E01.mkv": "vp9.webm",
    "Movies/Dark City (1998)/Dark City (1998).mkv": "h264.mkv",
    "Movies/Alien (1979)/Alien (1979).mkv": "mpeg4.avi",
    "Music/Test Artist/Test Album/03 Test Song.mp3": "song.mp3",
    "Music/Test Artist/Test Album/04 Other.flac": "song.flac",
}
QUERIES = ["dark", "da", "season 1", "test", "various", "alien", "song", "nothing at all", "mkv"]


def scanned(kino_paths: KinoPaths, build_library: LibraryBuilder) -> Library:
    root = build_library(LAYOUT)
    library = Library(kino_paths)
    library.add_roots([str(root)], "mixed")
    library.scan()
    return library


def answers(library: Library) -> list[list[dict[str, object]]]:
    results = []
    for query in QUERIES:
        found, warnings = library.search(query)
        assert warnings == []
        results.append([result.to_dict() for result in found])
    return results


def from_catalog(library: Library) -> list[list[dict[str, object]]]:
    """The answers without an index (as kino gave them before it had one)."""
    library.index.path.unlink(missing_ok=True)
    blocked = Library(library.paths)
    blocked.index.path = library.paths.cache_dir / "no-such-folder" / "x" / "index"
    blocked.index.path.parent.parent.write_text("blocks the folder: never written")
    try:
        return answers(blocked)
    finally:
        blocked.index.path.parent.parent.unlink()


def test_the_index_answers_as_the_catalog_does(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    library = scanned(kino_paths, build_library)
    assert library.index.open() is not None  # the scan built it
    indexed = answers(library)
    assert any(indexed) and indexed == from_catalog(library)
    assert not library.index.path.exists()
    assert answers(library) == indexed  # read the catalog once more, and indexed it
    assert library.index.open() is not None


def test_watch_state_is_read_live_not_from_the_index(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    library = scanned(kino_paths, build_library)
    (show, *_), _ = library.search("dark")
    assert (show.kind, show.unwatched) == ("show", 3)
    items, _ = library.find_items("show:Dark:season:1")
    library.mark_watched(items, True)
    assert library.index.open() is not None  # marking does not touch the catalog
    (show, *_), _ = library.search("dark")
    assert (show.kind, show.unwatched) == ("show", 1)


def test_play_and_watched_find_items_from_the_index(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    library = scanned(kino_paths, build_library)
    data, _ = library.load()
    targets = ["show:Dark", "show:Dark:season:2", "artist:Various Artists", *data.items]
    targets += [item.path for item in data.items.values()]
    targets += [str(Path(next(iter(data.items.values())).root) / "TV")]
    with_index = [library.find_items(t)[0] for t in targets]
    library.index.path.unlink()
    without = [library.find_items(t)[0] for t in targets]
    assert with_index == without
    assert library.index.open() is not None  # the find that read the catalog indexed it


def test_a_stale_or_damaged_index_changes_nothing(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    library = scanned(kino_paths, build_library)
    before = answers(library)
    library.index.path.write_bytes(b"SQLite format 3\x00" + b"\x07" * 5000)
    assert answers(library) == before
    assert library.index.open() is not None  # built again
    root = library.settings.roots[0].path
    new = Path(root) / "Movies" / "Darker (2001).mkv"
    new.write_bytes((Path(root) / "Movies/Alien (1979)/Alien (1979).mkv").read_bytes())
    index_before = library.index.path.stat().st_ino
    library.scan()
    assert library.index.path.stat().st_ino != index_before  # the scan indexed it again
    titles = [r.title for r in library.search("darker")[0]]
    assert titles == ["Darker"]


def test_a_stale_index_is_built_before_answering_not_every_item_unpacked(
    kino_paths: KinoPaths, build_library: LibraryBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 250,000 tracks unpacking every item to answer took 12 s and 1.2 GB; building
    the index from the catalog's rows first, 7 s and 380 MB."""
    from kino_tui.service import indexing

    library = scanned(kino_paths, build_library)
    before = answers(library)
    found_before = library.find_items("show:Dark")[0]
    library.index.path.unlink()

    def unpacked(library: Library) -> None:
        raise AssertionError("every item was unpacked")

    monkeypatch.setattr(indexing, "load_indexing", unpacked)
    assert answers(library) == before
    assert library.index.open() is not None
    library.index.path.unlink()
    assert library.find_items("show:Dark")[0] == found_before
    library.index.path.unlink()
    assert library.section_items("next-up")[0] == []


def test_kino_search_prints_the_same_with_and_without_the_index(
    kino_paths: KinoPaths,
    build_library: LibraryBuilder,
    run_kino: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    root = build_library(LAYOUT)
    run_kino("scan", "--type", "mixed", str(root))
    index = kino_paths.index_file
    assert index.exists()
    indexed = json.loads(run_kino("search", "--json", "dark").stdout)
    index.unlink()
    plain = json.loads(run_kino("search", "--json", "dark").stdout)
    assert indexed == plain and [r["kind"] for r in plain][:2] == ["show", "movie"]
    assert index.exists()


def test_continue_watching_and_next_up_read_only_what_they_need(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    from kino_tui.core.models import Progress
    from kino_tui.core.watch.store import now_iso

    library = scanned(kino_paths, build_library)
    data, _ = library.load()
    by_name = {item.path.rsplit("/", 1)[1]: item for item in data.items.values()}
    library.mark_watched([by_name["Dark S01E01.mkv"]], True)
    library.watch.save(by_name["Alien (1979).mkv"], Progress(position=30.0, last_played=now_iso()))
    sections = ("continue-watching", "next-up", "recently-added")
    with_index = {key: library.section_items(key) for key in sections}
    assert [i.path.rsplit("/", 1)[1] for i in with_index["continue-watching"][0]] == [
        "Alien (1979).mkv"
    ]
    assert [i.path.rsplit("/", 1)[1] for i in with_index["next-up"][0]] == ["Dark S01E02.mkv"]
    library.index.path.unlink()
    assert {key: library.section_items(key) for key in sections} == with_index


def test_ls_json_records_from_rows_are_what_the_items_give(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    """``kino ls --json`` makes its records from the stored rows without making items:
    the same records, streams, subtitles, progress and path order as from the items."""
    import os

    from kino_tui.core.catalog.validate import CHECKSUM
    from kino_tui.core.models import Progress
    from kino_tui.service.loading import item_records

    root = build_library({**LAYOUT, "Movies/Zodiac (2007).mp4": "hevc.mp4"})
    raw = os.fsencode(str(root / "Movies")) + b"/Caf\xe9 (2001).mkv"  # not UTF-8
    raw_path = os.fsdecode(raw)
    with open(raw, "wb") as handle:
        handle.write((root / "Movies/Alien (1979)/Alien (1979).mkv").read_bytes())
    library = Library(kino_paths)
    library.add_roots([str(root)], "mixed")
    library.scan()
    data, _ = library.load()
    library.watch.save(data.items[next(iter(data.items))], Progress(position=12.5))
    assert any(item.subtitles for item in data.items.values())
    assert any(item.path == raw_path for item in data.items.values())

    def expected(kind: str | None) -> list[dict[str, object]]:
        items = sorted(Library(kino_paths).load()[0].items.values(), key=lambda i: i.path)
        chosen = [i for i in items if kind is None or i.kind == kind]
        return list(item_records(chosen, library.watch.all()))

    for kind in (None, "movie", "episode", "track", "video"):
        records, warnings = library.listing(kind)
        assert warnings == [] and list(records) == expected(kind), kind
    # from the catalog file too (the index gone), a piece of rows at a time
    from kino_tui.core.catalog import rows as catalog_rows

    index_file = library.index.path
    kept = index_file.read_bytes()
    index_file.unlink()
    piece = catalog_rows._PIECE
    catalog_rows._PIECE = 256  # a few rows a piece
    try:
        for kind in (None, "movie", "track"):
            records, warnings = library.listing(kind)
            assert warnings == [] and list(records) == expected(kind), kind
    finally:
        catalog_rows._PIECE = piece
    index_file.write_bytes(kept)
    # rows not as kino wrote them (no checksum) are unpacked and checked: the same records
    text = kino_paths.catalog_file.read_text()
    kino_paths.catalog_file.write_text(text.replace(f'"{CHECKSUM}"', '"no_checksum"'))
    records, _ = library.listing(None)
    assert list(records) == expected(None)


def test_ls_json_reads_only_the_index_when_it_is_current(
    kino_paths: KinoPaths, build_library: LibraryBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 250,000 tracks reading the catalog file for ``kino ls --json`` held 330 MB; with
    the index current its stored rows are read one batch at a time instead."""
    from kino_tui.core.catalog.store import Catalog

    library = scanned(kino_paths, build_library)
    expected = list(library.listing("track")[0])
    assert expected and all(r["kind"] == "track" for r in expected)

    def no_catalog(self: Catalog) -> None:
        raise AssertionError("the catalog file was read")

    monkeypatch.setattr(Catalog, "read", no_catalog)
    records, warnings = Library(kino_paths).listing("track")
    assert warnings == [] and list(records) == expected
    # a catalog written since (the index stale): read, as before
    monkeypatch.undo()
    kino_paths.catalog_file.touch()
    records, warnings = Library(kino_paths).listing("track")
    assert warnings == [] and list(records) == expected
