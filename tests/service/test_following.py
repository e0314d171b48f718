"""Live updates on a real library: changed folders scanned again (one rescan a burst),
each rescan recorded, the catalog's signature moving with every save."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

from kino_tui.config.paths import KinoPaths
from kino_tui.config.roots_file import add_roots
from kino_tui.service import Library, Rescan
from tests.conftest import LibraryBuilder


def test_a_season_copied_in_file_by_file_is_one_rescan_of_its_folder(
    kino_paths: KinoPaths, build_library: LibraryBuilder, media: dict[str, Path]
) -> None:
    root = build_library({"Movies/Film (2010)/Film (2010).mkv": "h264.mkv"})
    add_roots(kino_paths.config_file, [str(root)], "mixed")
    library = Library(kino_paths)
    library.scan()
    signature = library.catalog_signature()
    heard: list[Rescan] = []
    scanned = threading.Event()

    def on_scanned(rescan: Rescan) -> None:
        heard.append(rescan)
        scanned.set()

    live = library.live_updates(on_scanned)
    live.quiet = 1.0
    thread = threading.Thread(target=live.run, daemon=True)
    thread.start()
    try:
        assert live.wait_ready()
        season = root / "TV/Show (2020)/Season 01"
        season.mkdir(parents=True)
        for n in range(1, 13):  # as a slow copy does it: one file after another
            shutil.copyfile(media["h264.mkv"], season / f"Show S01E{n:02d}.mkv")
            time.sleep(0.05)
        assert scanned.wait(20), "no rescan"
        time.sleep(2.5)  # more than the quiet time: a second rescan would have come
        assert len(live.rescans) == 1, live.rescans
        (rescan,) = live.rescans
        assert heard == [rescan] and rescan.reason == "events" and rescan.error is None
        # The folders that changed, and nothing else of the root, were read.
        assert set(rescan.folders) <= {str(season), str(season.parent), str(root / "TV")}
        assert rescan.summary is not None and rescan.summary.added == 12
        assert rescan.summary.files_to_read == 12  # the movie was not read again
        data, _ = library.load()
        assert sum(item.kind == "episode" for item in data.items.values()) == 12
        assert library.catalog_signature() != signature
    finally:
        live.stop()
        thread.join(5)
    assert not thread.is_alive()


def test_a_root_added_while_watching_is_watched_after_restart(
    kino_paths: KinoPaths, build_library: LibraryBuilder, media: dict[str, Path]
) -> None:
    first = build_library({"Film (2010)/Film (2010).mkv": "h264.mkv"})
    second = build_library({"Zodiac (2007)/Zodiac (2007).mkv": "hevc.mp4"})
    add_roots(kino_paths.config_file, [str(first)], "mixed")
    library = Library(kino_paths)
    library.scan()
    live = library.live_updates(lambda rescan: None)
    live.quiet = 0.3
    thread = threading.Thread(target=live.run, daemon=True)
    thread.start()
    try:
        assert live.wait_ready()
        library.add_roots([str(second)])
        old = live.follower
        live.restart()
        deadline = time.monotonic() + 10
        while live.follower is old and time.monotonic() < deadline:
            time.sleep(0.05)
        assert live.wait_ready()
        assert live.follower is not None and str(second) in live.follower.watched
        shutil.copyfile(media["h264.mkv"], second / "Alien (1979).mkv")
        while not live.rescans and time.monotonic() < deadline + 10:
            time.sleep(0.05)
        assert live.rescans and live.rescans[0].folders == (str(second),)
    finally:
        live.stop()
        thread.join(5)


def test_the_items_under_a_root_named_itself_are_all_of_its_items(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    """An artist's folder removed names its parent, the root itself: what live updates
    read there for the TUI is every item left under it, not nothing (the TUI puts them
    in place of everything it held under the root)."""
    from kino_tui.service.following import items_under

    layout = {f"Band {b}/Album/0{n} - Song.mp3": "song.mp3" for b in "AB" for n in (1, 2)}
    root = build_library(layout)
    add_roots(kino_paths.config_file, [str(root)], "music")
    library = Library(kino_paths)
    library.scan()
    shutil.rmtree(root / "Band A")
    library.scan(folders=[str(root)])
    found = items_under(library, [str(root)])
    assert found is not None
    assert sorted(str(Path(i.path).relative_to(root)) for i in found) == [
        "Band B/Album/01 - Song.mp3",
        "Band B/Album/02 - Song.mp3",
    ]
    album = items_under(library, [str(root / "Band B")])
    assert album is not None and len(album) == 2
