"""Posters in the terminal: the mode chosen without queries, pictures decoded in a worker
and cached at the size shown, placeholders for everything else."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Static

from kino_tui.config.paths import KinoPaths
from kino_tui.core.models import LibraryRoot
from kino_tui.service import Library
from kino_tui.ui.app import KinoApp
from kino_tui.ui.images import choose_image_mode
from kino_tui.ui.widgets.media_list import MediaList
from kino_tui.ui.widgets.poster import LOAD_DELAY, Poster, initials
from kino_tui.ui.widgets.thumbnails import Thumbnails
from tests.conftest import LibraryBuilder
from tests.helpers.ui import SIZE, choose_section, ready

LIBRARY = {
    "Movies/Alien (1979)/Alien (1979).avi": "mpeg4.avi",
    "Movies/Alien (1979)/poster.png": "cover",
    "Movies/Brazil (1985)/Brazil (1985).avi": "mpeg4.avi",
    "Movies/Brazil (1985)/poster.png": "cover",
    "Movies/Casino (1995)/Casino (1995).avi": "mpeg4.avi",
    "Movies/Casino (1995)/poster.png": "cover",
    "Movies/Dune (2021)/Dune (2021).avi": "mpeg4.avi",
    "Movies/Dune (2021)/poster.jpg": "not a picture at all",
    "Movies/Heat (1995)/Heat (1995).avi": "mpeg4.avi",  # no artwork: a frame is taken
    "Movies/Kaput (2000)/Kaput (2000).avi": "not a video" * 50,  # no artwork, no frame
    "Music/Artist/Album (2001)/01 - Song.ogg": "song.ogg",  # a cover embedded in the file
    "TV/Dark (2017)/poster.png": "cover",
    "TV/Dark (2017)/season01-poster.png": "cover",
    "TV/Dark (2017)/Season 01/Dark S01E01.mkv": "h264.mkv",
    "TV/Dark (2017)/Season 02/Dark S02E01.mkv": "h264.mkv",
    "TV/Dark (2017)/Specials/Dark S00E01.mkv": "h264.mkv",
}


@pytest.mark.parametrize(
    ("requested", "environ", "tty", "mode"),
    [
        ("sixel", {"TMUX": "/tmp/x"}, True, "sixel"),  # the user's choice wins
        ("auto", {"TERM": "xterm-kitty"}, False, "off"),  # not a terminal: no pictures
        ("auto", {"TERM": "xterm-kitty", "TMUX": "/tmp/x"}, True, "halfcell"),  # tmux
        ("auto", {"TERM": "screen-256color"}, True, "halfcell"),
        ("auto", {"TERM": "xterm-kitty"}, True, "kitty"),
        ("auto", {"TERM": "xterm-256color", "TERM_PROGRAM": "WezTerm"}, True, "sixel"),
        ("auto", {"TERM": "xterm-256color", "SSH_CONNECTION": "a b c d"}, True, "halfcell"),
    ],
)
def test_picture_mode_is_chosen_without_asking_the_terminal(
    requested: str, environ: dict[str, str], tty: bool, mode: str
) -> None:
    assert choose_image_mode(requested, environ, tty) == mode


@pytest.fixture
def poster_library(kino_paths: KinoPaths, build_library: LibraryBuilder) -> Library:
    root = build_library(LIBRARY)
    library = Library(kino_paths)
    library.scan([LibraryRoot(str(root), "mixed")])
    return library


def halfcell_app(library: Library) -> KinoApp:
    fresh = Library(library.paths)
    return KinoApp(fresh, image_mode="halfcell", preload=fresh.load_in_background())


def poster_text(app: KinoApp) -> tuple[str, str]:
    """What the poster shows: ("picture" or "placeholder", its text)."""
    poster = app.screen.query_one(Poster)
    picture = poster.query_one("#poster-picture", Static)
    if picture.display:
        return "picture", "".join(picture.render_line(y).text for y in range(picture.size.height))
    placeholder = poster.query_one("#poster-placeholder", Static)
    return "placeholder", str(placeholder.render())


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause(LOAD_DELAY * 2)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def settled_until(pilot, condition: Callable[[], bool]) -> None:  # type: ignore[no-untyped-def]
    """Settle until ``condition`` holds (a slow machine may need more than one round)."""
    for _ in range(50):
        if condition():
            return
        await settle(pilot)
    assert condition()


def cached_pictures(library: Library) -> list[Path]:
    return sorted(library.paths.thumbnails_dir.glob("*.png"))


async def select(app: KinoApp, pilot, title: str) -> None:  # type: ignore[no-untyped-def]
    media_list = app.screen.query_one(MediaList)
    media_list.cursor = next(n for n, e in enumerate(media_list.entries) if e.title == title)
    await settle(pilot)


async def test_poster_is_drawn_in_half_blocks_and_cached(poster_library: Library) -> None:
    app = halfcell_app(poster_library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await select(app, pilot, "Alien")
        await settled_until(pilot, lambda: poster_text(app)[0] == "picture")
        kind, text = poster_text(app)
        assert kind == "picture" and set(text) == {"▀"}
        (cached,) = cached_pictures(poster_library)  # scaled to the size shown, on disk
        from PIL import Image

        poster = app.screen.query_one(Poster)
        with Image.open(cached) as image:
            assert image.size[0] <= poster.size.width and image.size[1] <= poster.size.height * 2
        await select(app, pilot, "Alien")  # back again: read from the cache
        await settled_until(pilot, lambda: poster_text(app)[0] == "picture")
        assert cached_pictures(poster_library) == [cached]


async def test_a_video_without_artwork_shows_a_frame_made_in_the_background(
    poster_library: Library,
) -> None:
    """Issue 21: after the library is shown, a worker takes a frame of each video without
    a poster (cached by fingerprint under the cache folder, never beside the media); a
    file that gives none keeps the placeholder and is not tried again."""
    app = halfcell_app(poster_library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await select(app, pilot, "Heat")
        await settled_until(pilot, lambda: poster_text(app)[0] == "picture")
        kind, text = poster_text(app)
        assert kind == "picture" and set(text) == {"▀"}
        frames = poster_library.paths.cache_dir / "frames"
        assert len(list(frames.glob("*.jpg"))) == 1  # Heat's: the others have artwork
        heat = app.screen.query_one(MediaList).highlighted.item  # type: ignore[union-attr]
        assert heat is not None and heat.poster is None and heat.thumb is None
        media_folder = Path(heat.path).parent
        assert sorted(p.name for p in media_folder.iterdir()) == ["Heat (1995).avi"]
        await select(app, pilot, "Kaput")  # no frame: the initials stay
        assert poster_text(app) == ("placeholder", "\n\n▣\n\nK")
        assert len(list(frames.glob("*.failed"))) == 1
    # the next run (the next start, or scan) tries neither again
    assert app.library.make_frames(list(app.library.load()[0].items.values())).made == 0
    assert app.library.make_frames(list(app.library.load()[0].items.values())).failed == 0


async def test_unreadable_poster_keeps_the_placeholder(poster_library: Library) -> None:
    app = halfcell_app(poster_library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await settled_until(pilot, lambda: poster_text(app)[0] == "picture")
        before = cached_pictures(poster_library)  # the first movie's, shown at start
        await select(app, pilot, "Dune")
        assert poster_text(app) == ("placeholder", "\n\n▣\n\nD")
        assert cached_pictures(poster_library) == before


async def test_embedded_cover_is_shown_for_the_artist(poster_library: Library) -> None:
    app = halfcell_app(poster_library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await choose_section(app, pilot, "music")
        await settled_until(pilot, lambda: poster_text(app)[0] == "picture")
        kind, text = poster_text(app)
        assert kind == "picture" and set(text) == {"▀"}


async def test_running_cursor_decodes_only_where_it_rests(poster_library: Library) -> None:
    app = halfcell_app(poster_library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await settled_until(pilot, lambda: poster_text(app)[0] == "picture")  # Alien's, at start
        assert app.screen.query_one(MediaList).highlighted.title == "Alien"  # type: ignore[union-attr]
        before = set(cached_pictures(poster_library))
        app.simulate_key("j")  # through Brazil to Casino, faster than LOAD_DELAY
        app.simulate_key("j")  # (Pilot's press waits for idle between keys)
        await settle(pilot)
        assert app.screen.query_one(MediaList).highlighted.title == "Casino"  # type: ignore[union-attr]
        await settled_until(pilot, lambda: poster_text(app)[0] == "picture")
        assert len(set(cached_pictures(poster_library)) - before) == 1  # Brazil was skipped


async def test_a_show_has_thumbnails_of_its_seasons(poster_library: Library) -> None:
    app = halfcell_app(poster_library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        thumbnails = app.screen.query_one(Thumbnails)
        assert not thumbnails.display  # a movie has no parts to show
        await choose_section(app, pilot, "shows")

        def shown_pictures() -> list[Poster]:  # made the first time, then decoded
            shown = [p for p in thumbnails.query(Poster) if p.display]
            pictures = [p.query_one("#poster-picture", Static).display for p in shown]
            return shown if shown and all(pictures) else []

        await settled_until(pilot, lambda: len(shown_pictures()) == 3)
        shown = [p for p in thumbnails.query(Poster) if p.display]
        assert thumbnails.display and len(shown) == 3  # Season 1, Season 2, Specials
        pictures = [p.query_one("#poster-picture", Static) for p in shown]
        assert all(picture.display for picture in pictures)  # each season has artwork
        text = "".join(pictures[0].render_line(y).text for y in range(pictures[0].size.height))
        assert set(text) == {"▀"} and 0 < len(text) <= 10 * 6
        names = str(thumbnails.query_one("#thumb-captions", Static).render())
        assert names.split() == ["Season", "1", "Season", "2", "Specials"]
        await choose_section(app, pilot, "movies")
        await settle(pilot)
        assert not thumbnails.display


def test_a_placeholder_names_the_title_not_the_track_number() -> None:
    assert initials("02  Mirror yellow zero") == "MY"
    assert initials("Blade Runner 2049") == "BR"
    assert initials("Season 1") == "S1"
    assert initials("1917") == "1"
    assert initials("[b]…") == "?"
