"""Enter on a show, season, artist or album: Open (the default), Play, Shuffle."""

from __future__ import annotations

from textual.widgets import Label

from kino_tui.config.paths import KinoPaths
from kino_tui.core.models import LibraryRoot
from kino_tui.service import Library
from kino_tui.ui.screens.browser import BrowserScreen
from kino_tui.ui.screens.group_menu import GroupMenuScreen
from tests.conftest import LibraryBuilder
from tests.helpers.ui import CONFIG, SIZE, choose_section, kino_app, list_text, ready, until


async def test_enter_offers_open_play_and_shuffle_and_bursts_go_where_meant(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    root = build_library({f"TV/Dark/Season 01/Dark S01E0{n}.mkv": "h264.mkv" for n in (1, 2, 3)})
    kino_paths.config_dir.mkdir(parents=True)
    kino_paths.config_file.write_text(CONFIG)
    library = Library(kino_paths)
    library.scan([LibraryRoot(str(root), "shows")])
    first = next(i for i in library.load()[0].items.values() if i.episode == 1)
    library.mark_watched([first], True)  # the next unwatched is E02
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await choose_section(app, pilot, "shows")
        await pilot.press("enter")
        assert isinstance(app.screen, GroupMenuScreen)  # up as the key is read
        await pilot.press("escape")
        assert isinstance(app.screen, BrowserScreen) and "Dark" in list_text(app)
        # one burst: Enter (the menu), Enter (Open: Dark's seasons), Enter (the menu of
        # Season 1), down, Enter (Play): every key lands where it was meant
        await pilot.press("enter", "enter", "enter", "down", "enter")
        await until(pilot, lambda: app.playback.session is not None, "the season to play")
        session = app.playback.session
        assert session is not None
        assert [i.episode for i in session.queue] == [2, 3]  # from the next unwatched
        assert "Season 1" in list_text(app)  # the browser opened Dark, not the season
        await pilot.press("x")
        await until(pilot, lambda: app.playback.session is None, "the player to stop")
        await pilot.press("enter", "s")  # Season 1 → Shuffle: the whole season
        await until(pilot, lambda: app.playback.session is not None, "the shuffle to play")
        shuffled = app.playback.session
        assert shuffled is not None
        assert sorted(i.episode or 0 for i in shuffled.queue) == [1, 2, 3]
        await pilot.press("x")
        await until(pilot, lambda: app.playback.session is None, "the player to stop")
        await pilot.press("right")  # opens at once, no menu
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen) and "S01E02" in list_text(app)


async def test_play_and_shuffle_on_a_show_leave_the_specials_out(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    """p on an unwatched show began with S00E01; like Jellyfin, Plex and Kodi, Play and
    Shuffle follow the regular seasons (specials play when chosen)."""
    root = build_library(
        {
            "TV/Dark/Specials/Dark S00E01.mkv": "h264.mkv",
            "TV/Dark/Season 01/Dark S01E01.mkv": "h264.mkv",
            "TV/Dark/Season 01/Dark S01E02.mkv": "h264.mkv",
        }
    )
    kino_paths.config_dir.mkdir(parents=True)
    kino_paths.config_file.write_text(CONFIG)
    library = Library(kino_paths)
    library.scan([LibraryRoot(str(root), "shows")])
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await choose_section(app, pilot, "shows")
        for key in ("p", "P"):
            await pilot.press(key)
            await until(pilot, lambda: app.playback.session is not None, "the show to play")
            session = app.playback.session
            assert session is not None
            queue = [(i.season, i.episode) for i in session.queue]
            assert sorted(queue) == [(1, 1), (1, 2)]
            if key == "p":
                assert queue == [(1, 1), (1, 2)]
            await pilot.press("x")
            await until(pilot, lambda: app.playback.session is None, "the player to stop")


async def test_the_group_menu_keys_can_be_remapped(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    """Every binding of every screen can be remapped under [keys] (the ids are found in
    the ui package, not listed by hand): the group menu's Play on "g" is not refused as
    an unknown id, and "g" plays."""
    root = build_library({f"TV/Dark/Season 01/Dark S01E0{n}.mkv": "h264.mkv" for n in (1, 2)})
    kino_paths.config_dir.mkdir(parents=True)
    kino_paths.config_file.write_text(CONFIG + '\n[keys]\n"group_menu.play" = "g"\n')
    Library(kino_paths).scan([LibraryRoot(str(root), "shows")])
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert not [n for n in app._notifications if "no key binding" in str(n.message)]
        await choose_section(app, pilot, "shows")
        await pilot.press("enter")
        assert isinstance(app.screen, GroupMenuScreen)
        await pilot.pause()
        hint = str(app.screen.query_one(".hint", Label).render())
        assert "g plays" in hint and "p plays" not in hint  # the menu says the key it has
        await pilot.press("g")
        await until(pilot, lambda: app.playback.session is not None, "Dark to play")
        await pilot.press("x")
        await until(pilot, lambda: app.playback.session is None, "the player to stop")
