"""The browser driven by real key presses (Pilot) over a real scanned catalog."""

from __future__ import annotations

import threading

import pytest
from textual import events
from textual.widgets import Input, OptionList

from kino_tui.config.paths import KinoPaths
from kino_tui.core.browse.view import LibraryView
from kino_tui.core.models import LibraryRoot, Progress
from kino_tui.service import Library, Opening
from kino_tui.ui.app import KinoApp
from kino_tui.ui.screens.browser import DETAIL_DELAY, BrowserScreen
from kino_tui.ui.screens.filter import FilterScreen
from kino_tui.ui.screens.help import HelpScreen
from kino_tui.ui.widgets.key_bar import KeyBar
from kino_tui.ui.widgets.media_list import MediaList
from tests.conftest import LibraryBuilder
from tests.helpers.ui import SIZE, choose_section, detail_text, kino_app, list_text, ready, until


async def test_sections_list_the_library(app: KinoApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(app, pilot)
        text = list_text(app)
        assert "Amélie (2001)" in text and "Zodiac (2007)" in text and "Alien (1979)" in text
        assert screen.state.section == "movies"
        await choose_section(app, pilot, "music")
        assert "Various Artists" in list_text(app) and "1 album · 2" in list_text(app)
        await choose_section(app, pilot, "videos")
        assert "S01E01" in list_text(app) and "Zodiac" in list_text(app)
        assert app.focused is app.screen.query_one(MediaList)


async def test_drill_into_a_show_and_back(app: KinoApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(app, pilot)
        await choose_section(app, pilot, "shows")
        assert "Dark (2017)" in list_text(app) and "3 seasons · 4 episodes" in list_text(app)
        await pilot.press("enter", "enter")  # Open is the menu's first choice
        await pilot.pause()
        seasons = list_text(app)
        assert seasons.index("Season 1") < seasons.index("Season 2") < seasons.index("Specials")
        assert "2 unwatched" in seasons
        await pilot.press("right")  # opens at once, without the menu
        await pilot.pause()
        episodes = list_text(app)
        assert "S01E01" in episodes and "S01E02" in episodes and "S02E01" not in episodes
        assert [level.title for level in screen.state.levels] == ["TV Shows", "Dark", "Season 1"]
        await pilot.press("escape")
        await pilot.pause()
        assert [level.title for level in screen.state.levels] == ["TV Shows", "Dark"]
        await pilot.press("backspace")
        await pilot.pause()
        assert "3 seasons" in list_text(app)


async def test_vim_keys_move_the_cursor(app: KinoApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        media_list = app.screen.query_one(MediaList)
        assert media_list.cursor == 0
        await pilot.press("j", "j")
        assert media_list.cursor == 2
        await pilot.press("k")
        assert media_list.cursor == 1
        await pilot.press("G")
        assert media_list.cursor == len(media_list.entries) - 1
        await pilot.press("g")
        assert media_list.cursor == 0
        await pilot.pause(DETAIL_DELAY * 3)  # keys in quick succession: the pane follows at rest
        first = media_list.entries[0].title
        assert first in detail_text(app)


async def test_cursor_row_follows_focus_and_scrolling(app: KinoApp) -> None:
    """Rows are drawn once and reused: the cursor row must still change with focus."""
    async with app.run_test(size=(120, 12)) as pilot:
        await ready(app, pilot)
        await choose_section(app, pilot, "videos")
        media_list = app.screen.query_one(MediaList)
        focused = media_list.render_line(0)
        app.screen.query_one("#sections").focus()
        await pilot.pause()
        assert media_list.render_line(0) != focused  # the cursor is dimmed without focus
        media_list.focus()
        await pilot.pause()
        assert media_list.render_line(0) == focused
        for _ in range(len(media_list.entries) - 1):
            await pilot.press("j")
        await pilot.pause()
        bottom = media_list.scrollable_content_region.height - 1
        assert media_list.entries[-1].title in media_list.render_line(bottom).text


async def test_mouse_clicks_and_wheel(app: KinoApp) -> None:
    async with app.run_test(size=(120, 9)) as pilot:  # room for 6 of the 9 videos
        await ready(app, pilot)
        await choose_section(app, pilot, "shows")
        media_list = app.screen.query_one(MediaList)
        await pilot.click(MediaList, offset=(5, 0))  # one click: the cursor goes there
        assert media_list.cursor == 0 and app.screen.state.levels[-1].title == "TV Shows"
        await pilot.double_click(MediaList, offset=(5, 0))  # a double click opens the show
        await pilot.pause()
        assert [level.title for level in app.screen.state.levels] == ["TV Shows", "Dark"]
        await choose_section(app, pilot, "videos")
        top = media_list.scroll_offset.y
        await pilot.mouse_down(MediaList)  # focus, then the wheel scrolls the list
        for _ in range(3):
            media_list.post_message(
                events.MouseScrollDown(media_list, 5, 2, 0, 1, 0, False, False, False)
            )
        await pilot.pause()
        assert media_list.scroll_offset.y > top


async def test_search_is_as_you_type_and_tolerant(app: KinoApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"AMELIE")
        await pilot.pause(0.1)
        assert "Amélie" in list_text(app)
        assert "Zodiac" not in list_text(app)
        app.screen.query_one("#search", Input).value = "song other"  # the file name
        await pilot.pause(0.1)
        found = [
            e.item.path.rsplit("/", 1)[1] for e in app.screen.query_one(MediaList).entries if e.item
        ]
        assert found == ["04 - Other Song.flac"]
        app.screen.query_one("#search", Input).value = "dark s01e02"
        await pilot.pause(0.1)
        assert "S01E02" in list_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert screen.state.query == "" and "Zodiac" in list_text(app)


async def test_sort_cycles(app: KinoApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("s")
        titles = [e.title for e in app.screen.query_one(MediaList).entries]
        assert screen.state.levels[-1].sort == "title"
        assert titles.index("Alien") < titles.index("Amélie") < titles.index("Zodiac")
        await pilot.press("s")
        years = [e.year for e in app.screen.query_one(MediaList).entries]
        assert screen.state.levels[-1].sort == "year" and years == sorted(years)
        for expected in ("added", "played", "duration", "rating", "title"):
            await pilot.press("s")
            assert screen.state.levels[-1].sort == expected


async def test_filter_by_genre_and_clear(app: KinoApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, FilterScreen)
        options = app.screen.query_one(OptionList)
        labels = [options.render_line(y).text for y in range(options.option_count)]
        assert any("genre: [b]Noir[/b]" in label for label in labels)  # an NFO's text, literally
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        index = next(i for i, label in enumerate(labels) if "genre: Thriller" in label)
        options.highlighted = index
        await pilot.press("enter")
        await pilot.pause()
        assert [e.title for e in app.screen.query_one(MediaList).entries] == ["Zodiac"]
        assert "filter: genre: Thriller" in str(app.screen.query_one("#crumbs").content)
        await pilot.press("f")
        await pilot.pause()
        app.screen.query_one(OptionList).highlighted = 0
        await pilot.press("enter")
        await pilot.pause()
        assert screen.state.levels[-1].filter is None
        assert len(app.screen.query_one(MediaList).entries) == 5


async def test_toggle_watched_saves_and_shows(app: KinoApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        media_list = app.screen.query_one(MediaList)
        item = media_list.entries[0].item
        assert item is not None
        await pilot.press("w")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.library.watch.get(item.id).watched
        assert "✓" in list_text(app).splitlines()[0]
        assert "Watched" in detail_text(app)
        await pilot.press("w")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.library.watch.get(item.id).watched


async def test_mark_a_whole_season(app: KinoApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await choose_section(app, pilot, "shows")
        await pilot.press("l")
        await pilot.pause()
        await pilot.press("w")  # Season 1
        await app.workers.wait_for_complete()
        await pilot.pause()
        watched = [i for i, p in app.library.watch.all().items() if p.watched]
        assert len(watched) == 2
        assert "✓ watched" in list_text(app).splitlines()[0]


async def test_help_lists_every_key(app: KinoApp) -> None:
    """At 80×24: keys as typed ("/", "?", not "slash"), each binding's id for [keys], and
    a line saying more is below, which scrolling reaches."""
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#keys").content
        from rich.console import Console

        console = Console(width=76, record=True)
        console.print(table)
        text = console.export_text()
        rows = {line.split()[0]: line for line in text.splitlines() if line.split()}
        assert "Search the whole library" in rows["/"] and "browser.search" in rows["/"]
        assert "app.help" in rows["?,"] and "browser.watched_up_to" in rows["W"]
        for name in ("slash", "question_mark", "greater_than_sign", "escape"):
            assert name not in text
        assert "esc, backspace, h, ←" in text
        assert "under [keys] in config.toml" in str(app.screen.query_one("#help-remap").render())
        hint = app.screen.query_one("#help-scroll-hint")
        assert "more below" in str(hint.render())
        assert hint.region.bottom <= 24  # on screen
        await pilot.press("pagedown", "pagedown", "pagedown", "pagedown")
        await pilot.pause()
        assert "end of the list" in str(hint.render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_key_bar_keeps_help_and_quit_at_80_columns(app: KinoApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        text = app.screen.query_one(KeyBar).render().plain
        assert text.startswith(" ? Help  q Quit ")
        assert len(text) <= 80 and text.rstrip().endswith(("Rescan", "Watched", "Filter"))


async def test_key_bar_shows_the_keys_and_a_click_runs_one(app: KinoApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        bar = app.screen.query_one(KeyBar)
        text = bar.render().plain
        assert "/ Search" in text and "w Watched" in text and "q Quit" in text
        await pilot.press("slash")  # the search box takes the keys: the bar follows
        await pilot.pause()
        assert "w Watched" not in bar.render().plain and "esc Back" in bar.render().plain
        await pilot.press("escape")
        await pilot.pause()
        column = bar.render().plain.index("? Help")
        await pilot.click(KeyBar, offset=(column + 1, 0))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_command_palette_runs_actions(app: KinoApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Sort")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.state.levels[-1].sort == "title"


async def test_rescan_runs_in_a_worker(app: KinoApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("r")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = str(app.screen.query_one("#status").content)
        assert status.startswith("Scan finished") and "0 added" in status


async def test_hostile_names_and_tags_render_literally(app: KinoApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        text = list_text(app)
        assert "[reverse]Evil[blink]" in text
        assert "\x1b" not in text and "Esc\\x1b[2J\\x1b]0;pwned\\x07" in text
        media_list = app.screen.query_one(MediaList)
        media_list.cursor = next(i for i, e in enumerate(media_list.entries) if e.title == "Amélie")
        await pilot.pause(DETAIL_DELAY * 3)  # the detail pane follows the cursor at rest
        assert "A [bold red]shy[/] waitress." in detail_text(app)
        media_list.cursor = next(i for i, e in enumerate(media_list.entries) if "Evil" in e.title)
        await pilot.pause(DETAIL_DELAY * 3)
        assert "[reverse]Evil[blink]" in detail_text(app)
        await pilot.press("slash", *"[reverse]Evil")
        await pilot.pause(0.2)
        crumbs = app.screen.query_one("#crumbs")
        assert "Search: [reverse]Evil" in crumbs.render().plain  # type: ignore[union-attr]
        assert "[reverse]Evil[blink]" in list_text(app)


async def test_keys_can_be_remapped(ui_library: Library) -> None:
    config = ui_library.paths.config_file
    config.write_text(config.read_text() + '\n[keys]\n"list.down" = "n"\n')
    app = kino_app(ui_library.paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("n", "n")
        assert app.screen.query_one(MediaList).cursor == 2


async def test_empty_library_explains_how_to_add(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    app = kino_app(kino_paths)
    root = build_library({"Film (2010)/Film (2010).mkv": "h264.mkv"})
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert "No library folders yet. Press a to add one" in list_text(app)
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one(Input).value = str(root)
        await pilot.press("enter")
        await pilot.pause()
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert "Film (2010)" in list_text(app)
        assert [r.path for r in app.library.settings.roots] == [str(root)]


async def test_offline_items_are_shown_not_hidden(ui_library: Library) -> None:
    root = ui_library.settings.roots[0].path
    from pathlib import Path

    Path(root).rename(root + "-gone")
    ui_library.scan([LibraryRoot(root, "mixed")])
    app = kino_app(ui_library.paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert "offline" in list_text(app)
        assert "Offline" in detail_text(app)
        assert "offline" in str(app.screen.query_one("#status").content)


async def test_progress_from_another_kino_process_appears(app: KinoApp, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Two SSH sessions: what one saves, the other's Continue Watching shows."""
    import kino_tui.ui.screens.browser as browser_module
    from kino_tui.core.models import Progress
    from kino_tui.core.watch.store import WatchStore

    monkeypatch.setattr(browser_module, "WATCH_POLL_SECONDS", 0.2)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await choose_section(app, pilot, "continue-watching")
        assert "Zodiac" not in list_text(app)
        other = WatchStore(app.library.paths.watch_file)  # as the other process has it
        (zodiac,) = (i for i in app.library.load()[0].items.values() if i.title == "Zodiac")
        other.save(
            zodiac, Progress(position=0.5, duration=1.0, last_played="2026-11-25T20:00:00+00:00")
        )
        for _ in range(60):
            await pilot.pause(0.1)
            if "Zodiac" in list_text(app):
                break
        assert "Zodiac (2007)" in list_text(app)


async def test_catalog_from_a_newer_kino_is_explained(ui_library: Library) -> None:
    import orjson
    from textual.widgets import Static

    path = ui_library.paths.catalog_file
    raw = orjson.loads(path.read_bytes())
    raw["meta"]["1"]["schema"] = 999
    path.write_bytes(orjson.dumps(raw))
    app = kino_app(ui_library.paths)
    async with app.run_test(size=SIZE) as pilot:

        def status() -> str:
            return str(app.screen.query_one("#status", Static).content)

        # the loading worker fails, and kino's one handler says why (waiting on the
        # workers themselves raised the failure when the wait began before it was handled)
        await until(pilot, lambda: "newer kino" in status(), "the status line")
        assert "could not be loaded" in status()
    assert orjson.loads(path.read_bytes())["meta"]["1"]["schema"] == 999  # left untouched


async def test_opening_section_comes_first_then_the_rest(
    ui_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The movies are on screen while the rest of the catalog is unpacked; what the user
    does meanwhile is kept when the rest arrives."""
    from textual.widgets import Static

    gate = threading.Event()
    load_rest = Library.load_rest

    def held_back(self: Library, opening: Opening) -> tuple[LibraryView, str | None]:
        gate.wait(30)  # the real load, started when the test says so
        return load_rest(self, opening)

    monkeypatch.setattr(Library, "load_rest", held_back)
    app = kino_app(ui_library.paths)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            await pilot.pause(0.02)
            if "Zodiac (2007)" in list_text(app):
                break
        screen = app.browser
        assert not screen.complete and screen.state.section == "movies"
        assert "Loading the rest" in str(screen.query_one("#status", Static).content)
        media_list = screen.query_one(MediaList)
        zodiac = next(e.item for e in media_list.entries if e.title == "Zodiac")
        assert zodiac is not None
        media_list.cursor = next(n for n, e in enumerate(media_list.entries) if e.item is zodiac)
        await pilot.press("w")
        for _ in range(200):
            await pilot.pause(0.02)
            if screen.progress_of(zodiac).watched:
                break
        assert app.library.watch.get(zodiac.id).watched
        await choose_section(app, pilot, "shows")
        assert "Loading the rest of the library" in list_text(app)
        assert "TV Shows  ·  …" in str(screen.query_one("#crumbs", Static).content)
        gate.set()
        await ready(app, pilot)
        assert "Dark (2017)" in list_text(app)  # the section on screen fills in by itself
        assert "movies · " in str(screen.query_one("#status", Static).content)
        await choose_section(app, pilot, "movies")
        row = next(line for line in list_text(app).splitlines() if "Zodiac" in line)
        assert "✓" in row  # marked while loading, still marked


async def test_a_library_of_shows_opens_on_tv_shows(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    root = build_library({"TV/Dark (2017)/Season 01/Dark S01E01.mkv": "h264.mkv"})
    Library(kino_paths).scan([LibraryRoot(str(root), "mixed")])
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(app, pilot)
        assert screen.state.section == "shows" and "Dark (2017)" in list_text(app)
        sections = screen.query_one("#sections", OptionList)
        assert sections.highlighted is not None
        assert sections.get_option_at_index(sections.highlighted).id == "shows"


async def test_quitting_stops_a_running_scan(app: KinoApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """q while a scan runs: the scan is told to stop (it keeps what it read) instead of
    running on after kino's screen has gone."""
    scan = Library.scan
    started = threading.Event()
    seen: list[threading.Event] = []

    def slow_scan(self: Library, chosen=None, on_progress=None, cancel=None):  # type: ignore[no-untyped-def]
        assert cancel is not None
        seen.append(cancel)
        started.set()
        cancel.wait(30)  # a long walk, until kino says stop: then the real (short) scan
        return scan(self, chosen, on_progress, cancel)

    monkeypatch.setattr(Library, "scan", slow_scan)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("r")
        for _ in range(100):
            if started.is_set():
                break
            await pilot.pause(0.05)
        assert seen and not seen[0].is_set()
        await pilot.press("q")
    assert seen[0].is_set()


async def test_an_unknown_binding_id_in_the_keymap_is_named(ui_library: Library) -> None:
    """A typo under [keys] was ignored without a word (the key simply did nothing)."""
    config = ui_library.paths.config_file
    config.write_text(config.read_text() + '\n[keys]\n"browser.serch" = "ctrl+f"\n')
    app = kino_app(ui_library.paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        messages = [n.message for n in app._notifications]
        line = next(m for m in messages if "browser.serch" in m)
        assert f"{config}, line " in line and "'browser.search'" in line


async def test_stale_worker_reports_are_dropped(app: KinoApp) -> None:
    """A watch-file read begun before a mark made here, or a catalog load overtaken by a
    rescan's, arrives late: the screen keeps what it has (the mark looked undone)."""
    from kino_tui.core.browse.view import LibraryView
    from kino_tui.ui.messages import CatalogLoaded, WatchStateRead

    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(app, pilot)
        entry = screen.state.highlighted
        assert entry is not None and entry.item is not None
        before_mark = screen.loader.progress_generation
        await pilot.press("w")
        for _ in range(100):
            await pilot.pause(0.02)
            if screen.progress_of(entry.item).watched:
                break
        screen.post_message(WatchStateRead((1, 1), {entry.item.id: Progress()}, before_mark))
        await pilot.pause(0.1)
        assert screen.progress_of(entry.item).watched
        overtaken = screen.loader.load_generation - 1
        screen.post_message(CatalogLoaded(LibraryView([], {}), [], overtaken))
        await pilot.pause(0.1)
        assert screen.view is not None and screen.view.items  # not the stale, empty one
