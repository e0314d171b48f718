"""A search typed before the library's search index is built (the first seconds at
250,000 tracks) is answered in a worker, from the catalog's index, and drawn at once; the
UI thread never builds the index (it used to, at the first key: the typed search was not
drawn for seconds)."""

from __future__ import annotations

from kino_tui.service import Library
from kino_tui.service.loading import make_view
from kino_tui.ui.app import KinoApp
from kino_tui.ui.screens.browser import BrowserScreen
from tests.conftest import LibraryBuilder
from tests.helpers.ui import kino_app, list_text, ready, scan_into

SIZE = (120, 40)


async def type_search(app: KinoApp, pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("slash", *text)
    for _ in range(100):
        await app.workers.wait_for_complete()
        await pilot.pause(0.05)
        if "Search:" in list_text(app) and len(app.screen.query_one("#list").entries) > 0:  # type: ignore[attr-defined]
            return


async def test_a_library_opened_whole_is_indexed_for_search_before_any_key(
    kino_paths, build_library: LibraryBuilder
) -> None:  # type: ignore[no-untyped-def]
    """Music only: the opening is the whole library, so no "rest" load builds the index;
    it is built in a worker after the first frame, not at the first key."""
    root = build_library(
        {
            "Music/Test Artist/Test Album (2001)/03 - Test Song.mp3": "song.mp3",
            "Music/Test Artist/Test Album (2001)/04 - Other Song.flac": "song.flac",
        }
    )
    scan_into(kino_paths, root)
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(app, pilot)
        assert screen.state.section == "music"
        assert screen.view is not None and screen.view.search_ready


async def test_a_search_before_the_index_is_built_comes_from_the_catalog_index(
    ui_library: Library,
) -> None:
    app = kino_app(ui_library.paths)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(app, pilot)
        # a view whose search index is not built yet (a load that read the catalog)
        data, _ = ui_library.load()
        view = make_view(ui_library, data.items.values(), ui_library.watch.all())
        screen.state.set_view(view, complete=True)
        assert not view.search_ready
        await type_search(app, pilot, "amelie")
        assert "Amélie" in list_text(app) and "Zodiac" not in list_text(app)
        assert not view.search_ready  # answered by the catalog's index, not built here
        (entry,) = [e for e in screen.state.level.entries if e.item]  # type: ignore[union-attr]
        assert entry.item is view.items[entry.key]  # the loaded library's own row
        await pilot.press("enter")  # the box closes; the results stay
        await pilot.pause()
        assert screen.state.query == "amelie" and "Amélie" in list_text(app)


async def test_without_a_catalog_index_the_worker_builds_the_search_index(
    ui_library: Library,
) -> None:
    app = kino_app(ui_library.paths)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(app, pilot)
        assert isinstance(screen, BrowserScreen)
        ui_library.paths.index_file.unlink()
        view, _ = ui_library.load_view()
        screen.state.set_view(view, complete=True)
        await type_search(app, pilot, "zodiac")
        assert view.search_ready  # built by the worker, then searched
        assert "Zodiac" in list_text(app) and "Amélie" not in list_text(app)


async def test_kino_opens_on_the_index_summary_and_a_group_waits_for_its_items(
    kino_paths, build_library: LibraryBuilder
) -> None:  # type: ignore[no-untyped-def]
    """Music opened from the index's summaries: the artist rows show before any track is
    read; playing or marking an artist then says its tracks are still being read."""
    root = build_library(
        {
            "Music/Test Artist/Test Album (2001)/03 - Test Song.mp3": "song.mp3",
            "Music/Other/Other Album/01 - Plain.mp3": "plain.mp3",
        }
    )
    library = scan_into(kino_paths, root)
    opening = library.load_opening()
    assert opening.unread and opening.view.items == {}
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(app, pilot)
        assert "Various Artists" in list_text(app)  # the song's album artist
        screen.state.set_view(opening.view, complete=False)  # as in the first second
        screen.draw()
        await pilot.pause()
        assert "Various Artists" in list_text(app) and "1 album · 1 track" in list_text(app)
        notices = len(app._notifications)
        await pilot.press("w")
        await pilot.pause()
        assert len(app._notifications) == notices + 1
        assert "still being read" in list(app._notifications)[-1].message
        assert app.playback.session is None


async def test_a_search_typed_while_the_catalog_is_read_is_answered_once_it_is(
    ui_library: Library,
) -> None:
    """At 250,000 tracks the first start after an upgrade builds the catalog's index for
    seconds ("Loading the catalog…"); a title typed then stayed in the box, unanswered,
    until the next key."""
    from concurrent.futures import Future

    from kino_tui.service import Opening

    preload: Future[Opening] = Future()  # the opening, still being read
    app = KinoApp(Library(ui_library.paths), image_mode="off", preload=preload)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BrowserScreen) and screen.state.view is None
        await pilot.press("slash", *"zodiac")
        await pilot.pause()
        assert screen.query_one("#search").value == "zodiac"  # type: ignore[attr-defined]
        preload.set_result(ui_library.load_opening())  # read at last
        for _ in range(200):
            await pilot.pause(0.05)
            if "Zodiac" in list_text(app):
                break
        text = list_text(app)
        assert screen.state.query == "zodiac"
        assert "Zodiac" in text and "Amélie" not in text
        assert screen.query_one("#search").has_focus  # still typing: the box kept the keys


async def test_the_status_line_says_when_the_opening_builds_the_index(
    ui_library: Library,
) -> None:
    """Eight to fifteen seconds of "Loading the catalog…" at 250,000 tracks after an
    upgrade, with nothing to say why (the SSH trial)."""
    from concurrent.futures import Future

    from textual.widgets import Static

    from kino_tui.service import Opening
    from kino_tui.service.loading import OPENING_PROGRESS
    from kino_tui.ui.loading import BUILDING_INDEX

    preload: Future[Opening] = Future()
    app = KinoApp(Library(ui_library.paths), image_mode="off", preload=preload)
    async with app.run_test(size=(80, 24)) as pilot:
        status = app.screen.query_one("#status", Static)
        await pilot.pause(0.4)
        assert str(status.content) == "Loading the catalog…"
        OPENING_PROGRESS.building_index = True  # as the preload thread does meanwhile
        try:
            for _ in range(40):
                await pilot.pause(0.05)
                if str(status.content) == BUILDING_INDEX:
                    break
            assert str(status.content) == BUILDING_INDEX
        finally:
            OPENING_PROGRESS.building_index = False
        preload.set_result(ui_library.load_opening())
        for _ in range(100):
            await pilot.pause(0.05)
            if "Loading" not in str(status.content) and "Indexing" not in str(status.content):
                break
        assert "movies" in str(status.content)  # the library's summary once it is shown
