"""Live updates in the open app: files copied in or removed appear and leave without a
rescan key, another process's ``kino scan`` is reflected, and the user's level and
cursor stay where they were."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kino_tui.config.paths import KinoPaths
from kino_tui.service import Library
from kino_tui.ui.app import KinoApp
from kino_tui.ui.widgets.media_list import MediaList
from tests.conftest import LibraryBuilder
from tests.helpers.ui import (
    SIZE,
    UI_LIBRARY,
    choose_section,
    kino_app,
    list_text,
    ready,
    scan_into,
    until,
)


async def watching(app: KinoApp, pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait until the kernel watches the roots (the app starts that on a thread)."""
    await until(
        pilot,
        lambda: (
            app.live is not None
            and app.live.follower is not None
            and app.live.follower.ready.is_set()
        ),
        "the roots to be watched",
    )


@pytest.fixture
def live_library(kino_paths: KinoPaths, build_library: LibraryBuilder) -> Library:
    return scan_into(kino_paths, build_library(UI_LIBRARY))


def root_of(library: Library) -> Path:
    return Path(library.settings.roots[0].path)


async def test_a_file_copied_into_a_root_appears_in_the_open_app(
    live_library: Library, media: dict[str, Path]
) -> None:
    app = kino_app(live_library.paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await watching(app, pilot)
        assert "Heat" not in list_text(app)
        folder = root_of(live_library) / "Movies/Heat (1995)"
        folder.mkdir()
        shutil.copyfile(media["h264.mkv"], folder / "Heat (1995).mkv")
        await until(pilot, lambda: "Heat (1995)" in list_text(app), "the new movie", 30)
        assert app.live is not None and len(app.live.rescans) == 1
        (rescan,) = app.live.rescans
        assert rescan.folders == (str(folder),) and rescan.summary is not None
        assert rescan.summary.added == 1 and rescan.summary.files_to_read == 1
        status = str(app.screen.query_one("#status").content)  # type: ignore[attr-defined]
        assert status.startswith("Library updated: scan finished") and "1 added" in status


async def test_a_file_removed_by_another_kino_scan_leaves_the_open_list(
    live_library: Library, run_kino, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import kino_tui.ui.screens.browser as browser_module

    monkeypatch.setattr(browser_module, "WATCH_POLL_SECONDS", 0.3)
    app = kino_app(live_library.paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await watching(app, pilot)
        assert app.live is not None
        app.live.stop()  # only the other process's scan can tell this kino now
        await pilot.pause(0.5)
        assert "Alien (1979)" in list_text(app)
        (root_of(live_library) / "Movies/Alien (1979)/Alien (1979).avi").unlink()
        assert json.loads(run_kino("scan", "--json").stdout)["removed"] == 1
        await until(pilot, lambda: "Alien" not in list_text(app), "the movie to leave", 15)
        assert "Zodiac (2007)" in list_text(app)
        assert app.live.rescans == []  # it was the catalog file that told


async def test_level_and_cursor_stay_when_episodes_arrive_and_leave(
    live_library: Library, media: dict[str, Path]
) -> None:
    app = kino_app(live_library.paths)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(app, pilot)
        await watching(app, pilot)
        await choose_section(app, pilot, "shows")
        await pilot.press("l")  # Dark
        await pilot.pause()
        await pilot.press("l")  # Season 1
        await pilot.pause()
        await pilot.press("down")  # on S01E02
        await pilot.pause()
        assert screen.state.highlighted is not None
        assert screen.state.highlighted.item.episode == 2  # type: ignore[union-attr]
        season = root_of(live_library) / "TV/Dark (2017)/Season 01"
        shutil.copyfile(media["h264.mkv"], season / "Dark S01E03.mkv")
        (season / "Dark S01E01.mkv").unlink()  # one arrives, one leaves (above the cursor)
        await until(
            pilot,
            lambda: "S01E03" in list_text(app) and "S01E01" not in list_text(app),
            "the season to change",
            30,
        )
        assert [level.title for level in screen.state.levels] == ["TV Shows", "Dark", "Season 1"]
        highlighted = screen.state.highlighted
        assert highlighted is not None and highlighted.item is not None
        assert highlighted.item.episode == 2  # the same episode, one row higher now
        assert screen.query_one(MediaList).cursor == 0


async def test_a_folder_added_in_the_app_is_watched(
    kino_paths: KinoPaths, build_library: LibraryBuilder, media: dict[str, Path]
) -> None:
    from textual.widgets import Input

    from kino_tui.ui.screens.add_folder import AddFolderScreen

    first = build_library({"Movies/Zodiac (2007)/Zodiac (2007).mkv": "h264.mkv"})
    second = build_library({"Alien (1979)/Alien (1979).mkv": "h264.mkv"})
    scan_into(kino_paths, first)
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await watching(app, pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AddFolderScreen), "the dialog")
        app.screen.query_one("#folder", Input).value = str(second)
        await pilot.press("enter")
        await until(pilot, lambda: "Alien (1979)" in list_text(app), "the new folder scanned")
        await until(
            pilot,
            lambda: (
                app.live is not None
                and app.live.follower is not None
                and str(second) in app.live.follower.watched
                and app.live.follower.ready.is_set()
            ),
            "the new folder watched",
        )
        folder = second / "Heat (1995)"
        folder.mkdir()
        shutil.copyfile(media["h264.mkv"], folder / "Heat (1995).mkv")
        await until(pilot, lambda: "Heat (1995)" in list_text(app), "the new movie", 30)


def _song(path: Path, artist: str, album: str, number: int) -> None:
    from tests.conftest import ffmpeg

    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=1:sample_rate=8000",
           "-c:a", "libmp3lame", "-metadata", f"title=Song {number}", "-metadata",
           f"artist={artist}", "-metadata", f"album={album}", "-metadata", f"track={number}",
           str(path))  # fmt: skip


async def test_a_track_added_to_an_album_updates_the_list_without_loading_the_catalog(
    kino_paths: KinoPaths, build_library: LibraryBuilder, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """Issue 18: a change to one album is applied to what the app holds (the album's
    items read after the live scan, put in place of what it held under that folder);
    the catalog is not loaded again, the level and cursor stay, and search finds the
    new track once its index is built again in a worker."""
    from kino_tui.config.roots_file import add_roots
    from kino_tui.core.models import LibraryRoot

    root = build_library({})
    albums = {}
    for artist, album in (("Band A", "First"), ("Band B", "Second")):
        albums[artist] = root / "Music" / artist / f"{album} (2020)"
        albums[artist].mkdir(parents=True)
        for number in (1, 2):
            _song(albums[artist] / f"{number:02d} - Song {number}.mp3", artist, album, number)
    add_roots(kino_paths.config_file, [str(root)], "music")
    Library(kino_paths).scan([LibraryRoot(str(root), "music")])
    app = kino_app(kino_paths)
    library = app.library
    loads: list[str] = []
    load_view = library.load_view

    def counted() -> object:
        loads.append("load_view")
        return load_view()

    monkeypatch.setattr(library, "load_view", counted)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(app, pilot)
        await watching(app, pilot)
        await pilot.press("l")  # Band A → its album
        await pilot.pause()
        await pilot.press("l")  # → its tracks
        await pilot.pause()
        assert "Song 2" in list_text(app) and "Song 3" not in list_text(app)
        await pilot.press("down")  # on Song 2
        await pilot.pause()
        made = tmp_path / "03 - Song 3.mp3"
        _song(made, "Band A", "First", 3)
        made.rename(albums["Band A"] / made.name)  # in at once, as a copy's last step
        await until(pilot, lambda: "Song 3" in list_text(app), "the new track", 30)
        assert [level.title for level in screen.state.levels] == ["Music", "Band A", "First"]
        highlighted = screen.state.highlighted
        assert highlighted is not None and highlighted.title == "02  Song 2"
        assert loads == [] and screen.loader.applied == 1  # applied, not loaded again
        assert app.live is not None
        (rescan,) = app.live.rescans
        assert rescan.items is not None
        assert sorted(i.title or "" for i in rescan.items) == ["Song 1", "Song 2", "Song 3"]
        status = str(screen.query_one("#status").content)  # type: ignore[attr-defined]
        assert status.startswith("Library updated") and "1 added" in status
        await app.workers.wait_for_complete()  # the search index, built again
        view = screen.state.view
        assert view is not None
        found = [e.title for e in view.search("song 3")]
        assert found[0] == "03  Song 3"
        assert len(view.items) == 5
