"""Every failure path of the TUI ends with kino on screen, a message that says what
happened and what to do, and the keys still working (Pilot, real files, real mpv)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from kino_tui.config.paths import KinoPaths
from kino_tui.core.fsutil import file_lock
from kino_tui.core.models import LibraryRoot, MediaItem
from kino_tui.core.watch import store as watchstate
from kino_tui.service import Library
from kino_tui.ui.app import KinoApp
from kino_tui.ui.widgets.media_list import MediaList
from tests.conftest import LibraryBuilder
from tests.helpers.ui import SIZE, kino_app, notices, ready, until

HEADLESS = '[mpv]\nargs = ["--vo=null", "--ao=null"]\n'


def library_with(
    paths: KinoPaths, build_library: LibraryBuilder, config: str
) -> tuple[Library, Path, MediaItem]:
    root = build_library(
        {
            "Movies/Alien (1979)/Alien (1979).avi": "mpeg4.avi",
            "Movies/Zodiac (2007)/Zodiac (2007).mkv": "h264.mkv",
        }
    )
    paths.config_dir.mkdir(parents=True, exist_ok=True)
    paths.config_file.write_text(config)
    library = Library(paths)
    library.scan([LibraryRoot(str(root), "mixed")])
    alien = next(i for i in library.load()[0].items.values() if i.title == "Alien")
    return library, root, alien


async def until_notice(app: KinoApp, pilot, text: str) -> str:  # type: ignore[no-untyped-def]
    await until(pilot, lambda: any(text in n for n in notices(app)), f"a notice with {text!r}")
    return next(n for n in notices(app) if text in n)


async def quits(app: KinoApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("q")
    await until(pilot, lambda: not app.is_running, "q to quit kino")


@pytest.mark.parametrize("mode", ["window", "terminal"])
async def test_a_deleted_file_is_explained_and_kino_carries_on(
    kino_paths: KinoPaths, build_library: LibraryBuilder, mode: str
) -> None:
    library, _, alien = library_with(kino_paths, build_library, f'playback = "{mode}"\n{HEADLESS}')
    Path(alien.path).unlink()
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert app.screen.query_one(MediaList).highlighted.title == "Alien"  # type: ignore[union-attr]
        await pilot.press("enter")
        notice = await until_notice(app, pilot, "is not there any more")
        assert notice.startswith("Cannot play") and "rescan" in notice
        assert not app.playback.busy
        app._notifications.clear()
        await pilot.press("enter")  # again: the same explanation, never "Already playing"
        await until_notice(app, pilot, "is not there any more")
        assert not any("Already playing" in n for n in notices(app))
        assert library.watch.history() == [] and library.watch.get(alien.id).last_played is None
        await pilot.press("j")  # the list still moves
        assert app.screen.query_one(MediaList).highlighted.title == "Zodiac"  # type: ignore[union-attr]
        await quits(app, pilot)


@pytest.mark.parametrize("mode", ["window", "terminal"])
async def test_an_offline_share_is_explained(
    kino_paths: KinoPaths, build_library: LibraryBuilder, mode: str
) -> None:
    _, root, _ = library_with(kino_paths, build_library, f'playback = "{mode}"\n{HEADLESS}')
    offline = root.with_name(root.name + "-unmounted")
    root.rename(offline)  # the share is not mounted: its folder is gone
    app = kino_app(kino_paths)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await ready(app, pilot)
            await pilot.press("enter")
            notice = await until_notice(app, pilot, "offline")
            assert str(root) in notice and "mount the drive" in notice
            await quits(app, pilot)
    finally:
        offline.rename(root)


@pytest.mark.parametrize("mode", ["window", "terminal"])
async def test_a_missing_player_is_explained(
    kino_paths: KinoPaths, build_library: LibraryBuilder, mode: str
) -> None:
    config = f'playback = "{mode}"\n[mpv]\ncommand = ["/opt/nowhere/mpv"]\n'
    library_with(kino_paths, build_library, config)
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("enter")
        notice = await until_notice(app, pilot, "/opt/nowhere/mpv was not found")
        assert "under [mpv] in config.toml" in notice and not app.playback.busy
        await quits(app, pilot)


async def test_vlc_as_root_is_explained(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    import os

    if os.geteuid() != 0:
        pytest.fail("this test is about running as root (CI runs as root)")
    library_with(kino_paths, build_library, 'player = "vlc"\nplayback = "terminal"\n')
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("enter")
        notice = await until_notice(app, pilot, "VLC refuses to run as root")
        assert "mpv" in notice
        await quits(app, pilot)


async def test_a_player_that_exits_at_once_records_nothing(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    config = 'playback = "window"\n[mpv]\nargs = ["--vo=null", "--ao=null", "--no-such-option"]\n'
    library, _, alien = library_with(kino_paths, build_library, config)
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("enter")
        notice = await until_notice(app, pilot, "mpv exited with status")
        assert notice.startswith("Cannot play") and "Progress up to there" not in notice
        assert "no-such-option (option not found)" in notice  # mpv's own reason
        await until(pilot, lambda: not app.playback.busy, "the controller to be free")
        state = library.watch.get(alien.id)
        assert state.play_count == 0 and state.last_played is None and not state.watched
        (play,) = library.watch.history()
        assert play["error"] and not play["watched"]
        await quits(app, pilot)


async def test_a_failing_worker_is_reported_and_its_state_reset(
    kino_paths: KinoPaths, build_library: LibraryBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lock held by another kino for too long: marking watched says so (it was silent)."""
    library, _, _ = library_with(kino_paths, build_library, HEADLESS)
    monkeypatch.setattr(watchstate, "LOCK_TIMEOUT", 0.3)
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        with file_lock(library.watch.lock_path, timeout=5):  # another process's write
            await pilot.press("w")
            notice = await until_notice(app, pilot, "another kino process is holding")
        assert notice.startswith("Could not mark watched")
        app._notifications.clear()
        await pilot.press("w")  # the lock is free again: marking works
        await until_notice(app, pilot, "watched. Press u to undo")
        await quits(app, pilot)


async def test_terminal_play_without_a_terminal_to_hand_over(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    """Pilot's headless driver cannot suspend: the play is refused with a way out."""
    library, _, _ = library_with(kino_paths, build_library, f'playback = "terminal"\n{HEADLESS}')
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("enter")
        notice = await until_notice(app, pilot, "cannot hand itself to the player")
        assert 'playback = "window"' in notice and not app.playback.busy
        assert library.watch.history() == []
        status = str(app.screen.query_one("#status", Static).content)
        assert "movies" in status  # the screen is still kino's
        await quits(app, pilot)


async def test_a_catalog_that_cannot_be_read_ends_loading_with_a_message(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    """The catalog path is a folder (an odd disk): kino says so instead of sitting on
    "Loading the catalog…" for ever, shows an empty library, and q quits."""
    library_with(kino_paths, build_library, HEADLESS)
    kino_paths.catalog_file.unlink()
    kino_paths.catalog_file.mkdir()
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        status = app.screen.query_one("#status", Static)
        await until(
            pilot,
            lambda: "could not be loaded" in str(status.content),
            "the loading failure in the status line",
        )
        assert "catalog.json" in str(status.content)
        assert app.browser.complete and "Loading" not in str(status.content)
        await quits(app, pilot)
