"""What a list row says: how far a part-way item is, a damaged or empty file in every
list, music never "unwatched", a stacked movie's parts; kino opens on Continue Watching."""

from __future__ import annotations

from kino_tui.config.paths import KinoPaths
from kino_tui.core.models import LibraryRoot, Progress
from kino_tui.service import Library
from tests.conftest import LibraryBuilder
from tests.helpers.ui import SIZE, choose_section, detail_text, kino_app, list_text, ready


def _library(kino_paths: KinoPaths, build_library: LibraryBuilder) -> Library:
    root = build_library(
        {
            "Movies/Long (2020)/Long (2020).mkv": "long.mkv",
            "Movies/Empty (2019)/Empty (2019).mkv": "",
            "Movies/Split (2018)/Split (2018) cd1.mkv": "h264.mkv",
            "Movies/Split (2018)/Split (2018) cd2.mkv": "h264.mkv",
            "Music/Test Artist/Test Album (2001)/03 - Test Song.mp3": "song.mp3",
        }
    )
    library = Library(kino_paths)
    library.add_roots([str(root)], "mixed")
    library.scan([LibraryRoot(str(root), "mixed")])
    return library


async def test_rows_say_time_left_problems_and_parts(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    library = _library(kino_paths, build_library)
    items = {i.display_title: i for i in library.load()[0].items.values()}
    library.watch.save(items["Long"], Progress(position=100.0, duration=400.0))
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert app.browser.state.section == "continue-watching"  # opens where you left off
        rows = list_text(app)
        assert "Long (2020)" in rows and "5 min left" in rows, rows
        await choose_section(app, pilot, "movies")
        rows = list_text(app)
        empty = next(line for line in rows.splitlines() if "Empty" in line)
        assert "! empty" in empty, rows
        long_row = next(line for line in rows.splitlines() if "Long" in line)
        assert "5 min left" in long_row
        await choose_section(app, pilot, "recently-added")
        assert "! empty" in list_text(app)
        await choose_section(app, pilot, "movies")
        for _ in range(len(rows.splitlines())):
            if "Split" in detail_text(app):
                break
            await pilot.press("down")
            await pilot.pause(0.3)
        assert "(2 parts)" in detail_text(app) and "+1 parts" not in detail_text(app)
        await choose_section(app, pilot, "music")
        assert "1 track" in list_text(app) and "unwatched" not in list_text(app)


async def test_without_a_part_way_item_kino_opens_on_movies(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    _library(kino_paths, build_library)
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert app.browser.state.section == "movies"
