"""An album played where mpv finds no sound device (over SSH on a box without a sound
card): one notice says so and what to do; the tracks still count as played."""

from __future__ import annotations

import json

from kino_tui.config.paths import KinoPaths
from kino_tui.core.models import LibraryRoot
from kino_tui.service import Library
from tests.conftest import LibraryBuilder
from tests.helpers.players import NO_SOUND_DEVICE, NULL_OUTPUT, make_album
from tests.helpers.ui import SIZE, kino_app, notices, ready, until

TITLES = ["One", "Two", "Three", "Four"]


async def play_album(
    kino_paths: KinoPaths, build_library: LibraryBuilder, args: tuple[str, ...]
) -> list[str]:
    """Play the album from the TUI; every notice shown while it played."""
    root = build_library({})
    make_album(root / "Music/Band/Short (2020)", TITLES, seconds=1.0)
    kino_paths.config_dir.mkdir(parents=True)
    config = f'playback = "terminal"\n[mpv]\nargs = {json.dumps(list(args))}\n'
    kino_paths.config_file.write_text(config)
    Library(kino_paths).scan([LibraryRoot(str(root), "music")])
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("l")  # Band → its albums
        await pilot.pause()
        await pilot.press("enter", "p")  # Short → Play
        await until(pilot, lambda: app.playback.session is not None, "the album to play")
        await until(pilot, lambda: app.playback.session is None, "the album to end", 60)
        await pilot.pause()
        shown = notices(app)
        await pilot.press("q")  # kino is still there and quits
    played = [p["title"] for p in reversed(Library(kino_paths).watch.history())]
    assert played == TITLES
    return shown


async def test_no_sound_device_is_told_once(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    shown = await play_album(kino_paths, build_library, NO_SOUND_DEVICE)
    told = [line for line in shown if "sound device" in line]
    assert len(told) == 1, shown
    assert told[0].startswith("Playing: mpv found no sound device: nothing is heard")
    assert "over SSH, on the remote machine" in told[0] and "[mpv]" in told[0]


async def test_a_working_sound_output_is_not_warned_about(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    shown = await play_album(kino_paths, build_library, NULL_OUTPUT["mpv"])
    assert not [line for line in shown if "sound" in line], shown
