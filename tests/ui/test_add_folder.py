"""The add-folder dialog: paths are checked before it closes; Enter adds from anywhere."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, RadioSet, Static

from kino_tui.config.paths import KinoPaths
from kino_tui.core.models import ROOT_TYPES
from kino_tui.ui.screens.add_folder import AddFolderScreen
from tests.conftest import LibraryBuilder
from tests.helpers.ui import SIZE, kino_app, list_text, ready, until


def dialog_error(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#add-folder-error", Static).content)


async def test_bad_paths_are_explained_and_the_dialog_stays(
    kino_paths: KinoPaths, build_library: LibraryBuilder, tmp_path: Path
) -> None:
    root = build_library({"Film (2010)/Film (2010).mkv": "h264.mkv"})
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AddFolderScreen), "the dialog")
        path_box = app.screen.query_one("#folder", Input)
        for typed, expected in (
            ("", "type the folder's path first"),
            ("Movies", "is not an absolute path"),
            (str(root / "Film (2010)/Film (2010).mkv"), "is a file, not a folder"),
        ):
            path_box.value = typed
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, AddFolderScreen) and expected in dialog_error(app)
        assert not kino_paths.config_file.exists()  # nothing was saved
        await pilot.press("escape")
        await until(
            pilot, lambda: not isinstance(app.screen, AddFolderScreen), "the dialog to close"
        )


async def test_enter_on_the_type_buttons_adds_that_type_and_scans(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    root = build_library({"Dark/Season 01/Dark S01E01.mkv": "h264.mkv"})
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AddFolderScreen), "the dialog")
        app.screen.query_one("#folder", Input).value = str(root)
        await pilot.press("tab")  # to the type buttons
        await until(pilot, lambda: app.screen.query_one(RadioSet).has_focus, "the type buttons")
        types = app.screen.query_one(RadioSet)
        for _ in range(len(ROOT_TYPES)):  # arrow to "shows" (highlighted, not pressed)
            if types._selected is not None and ROOT_TYPES[types._selected] == "shows":
                break
            await pilot.press("down")
        assert types.pressed_button is not None and types.pressed_button.name == "mixed"
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, AddFolderScreen), "the dialog to add")
        roots = app.library.settings.roots
        assert [(r.path, r.type) for r in roots] == [(str(root), "shows")]
        await until(pilot, lambda: "Dark" in list_text(app), "the scan to show the new show")
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AddFolderScreen), "the dialog again")
        app.screen.query_one("#folder", Input).value = str(root / "Dark")
        await pilot.press("enter")
        await pilot.pause()
        assert "inside" in dialog_error(app) and str(root) in dialog_error(app)


async def test_the_dialog_follows_the_one_rule_for_folders(
    kino_paths: KinoPaths, build_library: LibraryBuilder, tmp_path: Path
) -> None:
    """As `kino add`: a folder already in the library keeps its type (the dialog retyped
    it to mixed and rescanned); a folder not there now is added and said so."""
    from kino_tui.service import Library

    root = build_library({"Film (2010)/Film (2010).mkv": "h264.mkv"})
    Library(kino_paths).add_folder(str(root), "movies")
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AddFolderScreen), "the dialog")
        app.screen.query_one("#folder", Input).value = str(root)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AddFolderScreen)
        assert "is already in the library: nothing changed" in dialog_error(app)
        assert [(r.path, r.type) for r in app.library.settings.roots] == [(str(root), "movies")]
        missing = tmp_path / "drive" / "Shows"
        app.screen.query_one("#folder", Input).value = str(missing)
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, AddFolderScreen), "the dialog to add")
        notices = " ".join(str(n.message) for n in app._notifications)
        assert "it is not there now" in notices and "scanned when it appears" in notices
        assert str(missing) in [r.path for r in app.library.settings.roots]


async def test_tab_completes_the_path_and_coming_back_keeps_it_unselected(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    root = build_library(
        {
            "Media/Movies/Film (2010)/Film (2010).mkv": "h264.mkv",
            "Media/Music/Artist/01 - Song.mp3": "song.mp3",
            "Media/Shows/Dark/Dark S01E01.mkv": "h264.mkv",
        }
    )
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AddFolderScreen), "the dialog")
        path_box = app.screen.query_one("#folder", Input)
        path_box.value = f"{root}/Med"
        path_box.cursor_position = len(path_box.value)
        await pilot.press("tab")
        assert path_box.value == f"{root}/Media/" and path_box.has_focus
        await pilot.press("M", "u", "tab")  # only Music starts with "Mu"
        assert path_box.value == f"{root}/Media/Music/"
        path_box.value = f"{root}/Media/M"
        path_box.cursor_position = len(path_box.value)
        await pilot.press("tab")  # Movies, Music: as far as they agree, and named
        assert path_box.value == f"{root}/Media/M" and path_box.has_focus
        assert dialog_error(app) == "Movies  Music"
        await pilot.press("o", "tab")
        assert path_box.value == f"{root}/Media/Movies/"
        await pilot.press("backspace", "tab")  # a whole folder: Tab moves on
        await pilot.pause()
        assert app.screen.query_one(RadioSet).has_focus
        await pilot.press("shift+tab")
        await pilot.pause()
        assert path_box.has_focus and path_box.selection.is_empty  # not all selected
        assert path_box.value == f"{root}/Media/Movies"
