"""UI fixtures: a real library scanned into a real catalog, and the app over it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kino_tui.config.paths import KinoPaths
from kino_tui.config.roots_file import add_roots
from kino_tui.core.models import LibraryRoot
from kino_tui.service import Library
from kino_tui.ui.app import KinoApp
from kino_tui.ui.screens.browser import DETAIL_DELAY, BrowserScreen
from tests.conftest import LibraryBuilder

UI_LIBRARY = {
    "Movies/Amélie (2001)/Amélie (2001).mkv": "h264.mkv",
    "Movies/Amélie (2001)/Amélie (2001).nfo": "<movie><title>Amélie</title><plot>A [bold red]shy[/] waitress.</plot><genre>Comedy</genre><genre>Romance</genre></movie>",
    "Movies/Zodiac (2007)/Zodiac (2007).mkv": "hevc.mp4",
    "Movies/Zodiac (2007)/Zodiac (2007).nfo": "<movie><genre>Thriller</genre><genre>[b]Noir[/b]</genre></movie>",
    "Movies/Alien (1979)/Alien (1979).avi": "mpeg4.avi",
    "Movies/[reverse]Evil[blink] (1999)/[reverse]Evil[blink] (1999).mkv": "vp9.webm",
    "TV/Dark (2017)/Season 01/Dark S01E01.mkv": "h264.mkv",
    "TV/Dark (2017)/Season 01/Dark S01E02.mkv": "h264.mkv",
    "TV/Dark (2017)/Season 02/Dark S02E01.mkv": "h264.mkv",
    "TV/Dark (2017)/Specials/Dark S00E01.mkv": "h264.mkv",
    "Music/Test Artist/Test Album (2001)/03 - Test Song.mp3": "song.mp3",
    "Music/Test Artist/Test Album (2001)/04 - Other Song.flac": "song.flac",
}


def scan_into(paths: KinoPaths, root: Path) -> Library:
    add_roots(paths.config_file, [str(root)], "mixed")
    library = Library(paths)
    library.scan([LibraryRoot(str(root), "mixed")])
    return library


@pytest.fixture
def ui_library(kino_paths: KinoPaths, build_library: LibraryBuilder) -> Library:
    root = build_library(UI_LIBRARY)
    escape_name = "Movies/Esc\x1b[2J\x1b]0;pwned\x07 (2003).mkv"
    (root / escape_name).write_bytes((root / "Movies/Zodiac (2007)/Zodiac (2007).mkv").read_bytes())
    return scan_into(kino_paths, root)


def kino_app(paths: KinoPaths) -> KinoApp:
    """The app as ``kino`` starts it: the opening section is read on a thread from the start."""
    library = Library(paths)
    return KinoApp(library, image_mode="off", preload=library.load_in_background())


@pytest.fixture
def app(ui_library: Library) -> KinoApp:
    return kino_app(ui_library.paths)


async def ready(app: KinoApp, pilot) -> BrowserScreen:  # type: ignore[no-untyped-def]
    """Wait until the whole library is loaded (the opening section comes first)."""
    for _ in range(200):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if app.browser.complete:
            break
    screen = app.screen
    assert isinstance(screen, BrowserScreen) and screen.complete
    # The loads moved the cursor: let it rest, so the next key updates the detail pane
    # at once instead of after DETAIL_DELAY (as a held key would).
    await pilot.pause(DETAIL_DELAY * 2)
    return screen


def list_text(app: KinoApp) -> str:
    """The list's visible rows as plain text (what a user reads)."""
    from kino_tui.ui.widgets.media_list import MediaList

    media_list = app.screen.query_one(MediaList)
    return "\n".join(media_list.render_line(y).text for y in range(media_list.size.height))


def detail_text(app: KinoApp) -> str:
    """The detail pane's text."""
    from textual.widgets import Static

    content = app.screen.query_one("#detail-text", Static).content
    return str(getattr(content, "plain", content))


def set_env(paths: KinoPaths) -> dict[str, str]:
    env = os.environ.copy()
    env.update(
        XDG_CONFIG_HOME=str(paths.config_dir.parent),
        XDG_DATA_HOME=str(paths.data_dir.parent),
        XDG_CACHE_HOME=str(paths.cache_dir.parent),
    )
    return env
