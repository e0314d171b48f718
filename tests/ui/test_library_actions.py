"""Search, marks and extras driven by real keys (Pilot) over a real scanned catalog: a
show found by its name opens into its seasons, a whole show asks before it is marked,
``u`` undoes a mark exactly, ``W`` marks up to an episode, a movie's extras play."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList

from kino_tui.config.paths import KinoPaths
from kino_tui.core.models import LibraryRoot, Progress
from kino_tui.service import Library
from kino_tui.ui.app import KinoApp
from kino_tui.ui.screens.confirm import ConfirmScreen
from kino_tui.ui.widgets.detail import DetailPane
from kino_tui.ui.widgets.media_list import MediaList
from tests.conftest import LibraryBuilder
from tests.helpers.ui import (
    SIZE,
    choose_section,
    detail_text,
    kino_app,
    list_text,
    notices,
    ready,
    until,
)

LAYOUT = {
    "Movies/Alien (1979)/Alien (1979).mkv": "h264.mkv",
    "Movies/Alien (1979)/Trailers/Alien teaser.mkv": "h264.mkv",
    "Movies/Alien (1979)/Alien (1979)-featurette.mkv": "h264.mkv",
    "Movies/Dark City (1998)/Dark City (1998).mkv": "h264.mkv",
    "TV/Dark (2017)/Season 01/Dark S01E01.mkv": "h264.mkv",
    "TV/Dark (2017)/Season 01/Dark S01E02.mkv": "h264.mkv",
    "TV/Dark (2017)/Season 02/Dark S02E01.mkv": "h264.mkv",
}
CONFIG = """\
playback = "window"

[mpv]
args = ["--vo=null", "--ao=null"]
"""


@pytest.fixture
def actions_app(kino_paths: KinoPaths, build_library: LibraryBuilder) -> KinoApp:
    root = build_library(LAYOUT)
    kino_paths.config_dir.mkdir(parents=True)
    kino_paths.config_file.write_text(CONFIG)
    Library(kino_paths).scan([LibraryRoot(str(root), "mixed")])
    return kino_app(kino_paths)


async def test_search_ranks_the_show_first_and_opens_it(actions_app: KinoApp) -> None:
    app = actions_app
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", *"dark", "enter")
        await pilot.pause()
        rows = [line for line in list_text(app).splitlines() if line.strip()]
        assert "Dark (2017)" in rows[0] and "2 seasons · 3 episodes" in rows[0]
        assert "Dark City (1998)" in rows[1]
        await pilot.press("l")  # the show: its seasons
        await pilot.pause()
        text = list_text(app)
        assert "Season 1" in text and "Season 2" in text and "S01E01" not in text


async def test_marking_a_show_asks_and_u_undoes_exactly(actions_app: KinoApp) -> None:
    app = actions_app
    library = app.library
    episode = next(i for i in library.load()[0].items.values() if i.path.endswith("S01E02.mkv"))
    library.watch.save(episode, Progress(position=100.0, duration=300.0, play_count=1,
                                         last_played="2026-01-02T03:04:05+00:00"))  # fmt: skip
    before = library.watch.all()
    app = kino_app(library.paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await choose_section(app, pilot, "shows")
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        assert "Mark all 3 episodes of Dark watched?" in str(
            app.screen.query_one("#dialog-title").render()
        )
        await pilot.press("n")  # no: nothing written
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert library.watch.all() == before
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        await until(pilot, lambda: len(library.watch.all()) == 3, "the mark")
        await until(pilot, lambda: any("Press u to undo" in n for n in notices(app)), "notice")
        assert all(p.watched for p in library.watch.all().values())
        assert "✓ watched" in list_text(app)
        await pilot.press("u")
        await until(pilot, lambda: library.watch.all() == before, "the undo")
        await until(pilot, lambda: "3 unwatched" in list_text(app), "the list redrawn")


async def test_watched_up_to_here(actions_app: KinoApp) -> None:
    app = actions_app
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await choose_section(app, pilot, "shows")
        await pilot.press("l", "j", "l")  # Dark › Season 2
        await pilot.pause()
        assert "S02E01" in list_text(app)
        await pilot.press("W")
        await until(pilot, lambda: len(app.library.watch.all()) == 3, "the mark")
        assert all(p.watched for p in app.library.watch.all().values())
        assert any("3 episodes up to this one watched" in n for n in notices(app))


async def test_extras_are_listed_and_play(actions_app: KinoApp) -> None:
    app = actions_app
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert "Alien (1979)" in list_text(app) and "teaser" not in list_text(app)
        extras = app.screen.query_one("#detail-extras", OptionList)
        assert "Alien" in detail_text(app) and extras.display
        labels = [str(extras.get_option_at_index(i).prompt) for i in range(extras.option_count)]
        assert labels[0].startswith("Featurette") and labels[1].startswith("Trailer: Alien teaser")
        extras.focus()
        extras.highlighted = 1
        await pilot.press("enter")  # the trailer
        await until(
            pilot,
            lambda: any(p["path"].endswith("Alien teaser.mkv") for p in app.library.history()),
            "the trailer's play",
        )
        app.screen.query_one(MediaList).focus()
        await pilot.press("j")  # another movie: no extras
        await pilot.pause(0.2)
        assert not app.screen.query_one(DetailPane).query_one("#detail-extras").display
