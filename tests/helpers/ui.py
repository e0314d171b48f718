"""Driving the real app under Pilot: waiting for a condition, the notices shown, the
now-playing line, the size and settings the UI tests use."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from textual.widgets import OptionList

from kino_tui.config.paths import KinoPaths
from kino_tui.config.roots_file import add_roots
from kino_tui.core.models import LibraryRoot
from kino_tui.service import Library
from kino_tui.ui.app import KinoApp
from kino_tui.ui.screens.browser import DETAIL_DELAY, BrowserScreen


async def until(pilot, test: Callable[[], bool], what: str, seconds: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.05)):
        if test():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def now_playing(app: KinoApp) -> str:
    from textual.widgets import Static

    line = app.screen.query_one("#now-playing", Static)
    return str(line.content) if line.display else ""


CONFIG = """\
playback = "window"
resume = "ask"

[mpv]
args = ["--vo=null", "--ao=null"]
"""


SIZE = (120, 40)


async def choose_section(app: KinoApp, pilot, key: str) -> None:  # type: ignore[no-untyped-def]
    sections = app.screen.query_one("#sections", OptionList)
    sections.focus()
    index = next(
        i for i in range(sections.option_count) if sections.get_option_at_index(i).id == key
    )
    while sections.highlighted != index:
        await pilot.press("down" if (sections.highlighted or 0) < index else "up")
    await pilot.press("enter")
    await pilot.pause()


def notices(app: KinoApp) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


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


def music_app(paths: KinoPaths, root: Path) -> KinoApp:
    """:func:`kino_app` over ``root`` scanned as music, mpv playing silently behind it
    (``playback = "terminal"``: the TUI stays on screen)."""
    paths.config_dir.mkdir(parents=True, exist_ok=True)
    paths.config_file.write_text('playback = "terminal"\n[mpv]\nargs = ["--ao=null"]\n')
    Library(paths).scan([LibraryRoot(str(root), "music")])
    return kino_app(paths)


def kino_app(paths: KinoPaths) -> KinoApp:
    """The app as ``kino`` starts it: the opening section is read on a thread from the start."""
    library = Library(paths)
    return KinoApp(library, image_mode="off", preload=library.load_in_background())


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
