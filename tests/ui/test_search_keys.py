"""Down from the search box into its results; a burst of keys leaves one notice."""

from __future__ import annotations

from kino_tui.ui.app import KinoApp
from kino_tui.ui.widgets.media_list import MediaList
from tests.helpers.ui import SIZE, ready


async def test_down_in_the_search_box_moves_into_the_results(app: KinoApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", *"zodiac", "down")
        await pilot.pause()
        media_list = app.screen.query_one(MediaList)
        assert media_list.has_focus, app.focused
        highlighted = media_list.highlighted
        assert highlighted is not None and highlighted.title.startswith("Zodiac")
        await pilot.press("down")  # the list's own Down from here
        await pilot.pause()
        assert media_list.has_focus


async def test_a_burst_of_keys_leaves_one_notice(app: KinoApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("s", "s", "s", "s")
        await pilot.pause()
        sorted_by = [n for n in app._notifications if str(n.message).startswith("Sorted by")]
        assert len(sorted_by) == 1, [str(n.message) for n in app._notifications]


async def test_ctrl_c_at_the_browser_is_the_users_to_define(
    kino_paths, build_library  # type: ignore[no-untyped-def]
) -> None:
    """Ctrl+C never ends kino by itself (Textual only says how to quit); a user who wants
    it to quit says so under [keys]."""
    from tests.helpers.ui import kino_app

    build_library({})
    kino_paths.config_dir.mkdir(parents=True, exist_ok=True)
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.is_running and app.return_code is None
    kino_paths.config_file.write_text('[keys]\n"app.quit" = "q,ctrl+c"\n')
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert not app.is_running


async def test_o_on_a_track_result_goes_to_its_album(app: KinoApp) -> None:
    """Enter on a track found by search plays it; o opens its album, on it."""
    from textual.widgets import Static

    from tests.helpers.ui import ready

    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("slash", *"test song", "down")
        await pilot.pause()
        found = screen.state.highlighted
        assert found is not None and found.kind == "track"
        await pilot.press("o")
        await pilot.pause()
        crumbs = str(app.screen.query_one("#crumbs", Static).content)
        assert crumbs.startswith("Music › ") and "Test Album" in crumbs
        assert screen.state.highlighted is not None and screen.state.highlighted.key == found.key
        assert not screen.query_one("#search").display
        await pilot.press("escape")  # back up to the artist's albums
        await pilot.pause()
        assert len(screen.state.levels) == 2
