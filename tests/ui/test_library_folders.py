"""The Library folders screen on a real library: state, counts and problems listed in
full; add (validated), remove (asks; watch progress kept), retype and rescan one."""

from __future__ import annotations

import os
from pathlib import Path

from textual.widgets import Input, OptionList, Static

from kino_tui.config.paths import KinoPaths
from kino_tui.config.roots_file import add_roots
from kino_tui.core.models import LibraryRoot
from kino_tui.service import Library
from kino_tui.ui.app import KinoApp
from kino_tui.ui.screens.add_folder import AddFolderScreen
from kino_tui.ui.screens.library_folders import (
    ConfirmRemoveScreen,
    LibraryFoldersScreen,
    RootTypeScreen,
)
from tests.conftest import LibraryBuilder
from tests.helpers.ui import SIZE, kino_app, list_text, ready, until

LONG = "A folder with a name long enough to wrap in the detail pane " * 2
LIBRARY = {
    "Movies/Film (2010)/Film (2010).mkv": "h264.mkv",
    "Movies/Film (2010)/Film (2010).nfo": "<movie><title>Film</title>",  # never closed
    f"Movies/{LONG.strip()}/Broken (2001).mkv": "not a video at all",
    "Movies/Zodiac (2007)/Zodiac (2007).mkv": "hevc.mp4",
    "TV/Dark (2017)/Season 01/Dark S01E01.mkv": "h264.mkv",
}


def folders_screen(app: KinoApp) -> LibraryFoldersScreen:
    screen = app.screen
    assert isinstance(screen, LibraryFoldersScreen)
    return screen


def facts(app: KinoApp) -> str:
    return str(app.screen.query_one("#root-facts", Static).content)


def rows(app: KinoApp) -> list[str]:
    roots = app.screen.query_one("#roots", OptionList)
    return [str(roots.get_option_at_index(i).prompt) for i in range(roots.option_count)]


async def open_folders(app: KinoApp, pilot) -> LibraryFoldersScreen:  # type: ignore[no-untyped-def]
    await ready(app, pilot)
    await pilot.press("L")
    await until(pilot, lambda: isinstance(app.screen, LibraryFoldersScreen), "the folders screen")
    screen = folders_screen(app)
    await until(pilot, lambda: screen._listed, "the folders to be read")
    return screen


def scanned_library(paths: KinoPaths, *roots: Path) -> Library:
    for root in roots:
        add_roots(paths.config_file, [str(root)], "mixed")
    library = Library(paths)
    library.scan()
    return library


async def test_every_root_with_its_state_counts_and_problems_in_full(
    kino_paths: KinoPaths, build_library: LibraryBuilder, tmp_path: Path
) -> None:
    root = build_library(LIBRARY)
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, root / "Movies/Elsewhere")
    offline = build_library({"Film (1999)/Film (1999).mkv": "h264.mkv"})
    scanned_library(kino_paths, root, offline)
    for path in sorted(offline.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    offline.rmdir()  # a drive unplugged since
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        await open_folders(app, pilot)
        listed = rows(app)
        assert listed[0].startswith(f"● {root}") and "3 movies · 1 episode" in listed[0]
        assert "3 problems" in listed[0]
        assert listed[1].startswith(f"○ {offline}") and "1 movie" in listed[1]
        text = facts(app)
        assert "State: online" in text and "scanned " in text and "watched for changes" in text
        # each problem with its whole path and reason: the bad NFO, the damaged file,
        # the link leading out of the root
        assert f"{root}/Movies/Film (2010)/Film (2010).nfo" in text
        assert f"{root}/Movies/{LONG.strip()}/Broken (2001).mkv" in text
        assert f"{root}/Movies/Elsewhere" in text and "link outside the library folder" in text
        detail = app.screen.query_one("#root-facts", Static)
        assert detail.size.width < len(f"{root}/Movies/{LONG.strip()}/Broken (2001).mkv")
        await pilot.press("down")
        await pilot.pause()
        assert "State: offline" in facts(app) and "No problems" in facts(app)
        await pilot.press("r")  # scanned again while it is missing: said so, items kept
        await until(pilot, lambda: "cannot be read or is missing" in facts(app), "the problem")
        assert "1 movie" in rows(app)[1] and "1 problem" in rows(app)[1]
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, LibraryFoldersScreen), "back")


async def test_add_is_validated_and_scans_the_new_folder(
    kino_paths: KinoPaths, build_library: LibraryBuilder, tmp_path: Path
) -> None:
    root = build_library({"Movies/Film (2010)/Film (2010).mkv": "h264.mkv"})
    music = build_library({"Artist/Album (2001)/01 - Song.mp3": "song.mp3"})
    scanned_library(kino_paths, root)
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        await open_folders(app, pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AddFolderScreen), "the add dialog")
        path_box = app.screen.query_one("#folder", Input)
        for typed, expected in (
            ("Music", "is not an absolute path"),
            (str(root), "is already in the library"),  # the one rule of `kino add` too
            (str(root / "Movies"), "is inside the library folder"),
            (str(root.parent), "contains the library folder"),
        ):
            path_box.value = typed
            await pilot.press("enter")
            await pilot.pause()
            error = str(app.screen.query_one("#add-folder-error", Static).content)
            assert isinstance(app.screen, AddFolderScreen) and expected in error, error
        path_box.value = str(music)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, LibraryFoldersScreen), "the list again")
        assert [r.path for r in app.library.settings.roots] == [str(root), str(music)]
        await until(
            pilot,
            lambda: len(rows(app)) == 2 and "1 track" in rows(app)[1],
            "the new folder scanned and listed",
        )


async def test_remove_asks_first_and_keeps_watch_progress(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    root = build_library({"Movies/Film (2010)/Film (2010).mkv": "h264.mkv"})
    other = build_library({"Movies/Zodiac (2007)/Zodiac (2007).mkv": "hevc.mp4"})
    library = scanned_library(kino_paths, root, other)
    data, _ = library.load()
    film = next(i for i in data.items.values() if i.root == str(root))
    library.mark_watched([film], True)
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        await open_folders(app, pilot)
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmRemoveScreen), "the question")
        await pilot.press("n")  # kept
        await until(pilot, lambda: isinstance(app.screen, LibraryFoldersScreen), "the list")
        assert len(app.library.settings.roots) == 2
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmRemoveScreen), "the question")
        await pilot.press("y")
        await until(pilot, lambda: len(rows(app)) == 1, "the folder to leave the list")
        assert rows(app)[0].startswith(f"● {other}")
        assert [r.path for r in app.library.settings.roots] == [str(other)]
        status = str(app.screen.query_one("#folders-status", Static).content)
        assert "1 item left the library" in status and "watch progress kept" in status
        assert app.library.watch.all()[film.id].watched  # progress kept
        await pilot.press("escape")
        await until(pilot, lambda: "Film" not in list_text(app), "the film to leave the list")
        assert "Zodiac" in list_text(app)


async def test_change_type_rescans_the_folder_with_it(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    # In a "mixed" folder a file without a year is a video; in "movies" a movie.
    root = build_library({"Home/birthday.mp4": "hevc.mp4"})
    scanned_library(kino_paths, root)
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        await open_folders(app, pilot)
        assert "1 video" in rows(app)[0]
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, RootTypeScreen), "the type choice")
        choices = app.screen.query_one("#folder-types", OptionList)
        assert choices.get_option_at_index(choices.highlighted or 0).id == "mixed"
        while choices.get_option_at_index(choices.highlighted or 0).id != "movies":
            await pilot.press("down")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, LibraryFoldersScreen), "the list")
        await until(pilot, lambda: "movies · 1 movie" in rows(app)[0], "the folder rescanned")
        assert app.library.settings.roots == (LibraryRoot(str(root), "movies"),)


async def test_rescan_one_folder(kino_paths: KinoPaths, build_library: LibraryBuilder) -> None:
    root = build_library({"Movies/Film (2010)/Film (2010).mkv": "h264.mkv"})
    other = build_library({"Movies/Zodiac (2007)/Zodiac (2007).mkv": "hevc.mp4"})
    scanned_library(kino_paths, root, other)
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_folders(app, pilot)
        assert app.live is not None
        app.live.stop()  # only the rescan asked for here scans
        await pilot.press("down")  # the second folder
        await pilot.pause()
        assert screen.highlighted is not None and screen.highlighted.path == str(other)
        zodiac = other / "Movies/Zodiac (2007)/Zodiac (2007).mkv"
        (other / "Movies/Alien (1979).avi").write_bytes(zodiac.read_bytes())
        (root / "Movies/Not scanned (1999).mkv").write_bytes(b"")
        await pilot.press("r")
        await until(pilot, lambda: "2 movies" in rows(app)[1], "the second folder rescanned")
        assert "2 movies" not in rows(app)[0]  # the first folder was not scanned


async def test_the_command_palette_opens_library_folders(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    scanned_library(kino_paths, build_library({"Film (2010)/Film (2010).mkv": "h264.mkv"}))
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Library folders")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, LibraryFoldersScreen), "the screen")


async def test_the_screen_follows_folders_changed_from_another_shell(
    kino_paths: KinoPaths, build_library: LibraryBuilder, run_kino
) -> None:
    """`kino add`, a retype and `kino remove` run elsewhere show here within seconds, as
    the library list already follows scans made elsewhere."""
    root = build_library({"Movies/Film (2010)/Film (2010).mkv": "h264.mkv"})
    music = build_library({"Artist/Album (2001)/01 - Song.mp3": "song.mp3"})
    scanned_library(kino_paths, root)
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        await open_folders(app, pilot)
        assert len(rows(app)) == 1
        run_kino("add", "--type", "music", str(music))
        await until(pilot, lambda: len(rows(app)) == 2, "the folder added elsewhere", 10)
        assert str(music) in rows(app)[1] and "music" in rows(app)[1]
        run_kino("add", "--type", "movies", str(root))
        await until(pilot, lambda: "movies" in rows(app)[0], "the retype made elsewhere", 10)
        run_kino("remove", str(music))
        await until(pilot, lambda: len(rows(app)) == 1, "the folder removed elsewhere", 10)
