"""The skip key with real mpv: offered in the now-playing line inside an intro, and it
moves the player past it."""

from __future__ import annotations

from pathlib import Path

from kino_tui.config.paths import KinoPaths
from kino_tui.core.models import LibraryRoot
from kino_tui.service import Library
from tests.conftest import LibraryBuilder
from tests.helpers.players import MpvClient, wait_for_socket
from tests.helpers.ui import CONFIG, SIZE, choose_section, kino_app, now_playing, ready, until


async def test_the_skip_key_is_offered_in_the_intro_and_skips_it(
    kino_paths: KinoPaths,
    build_library: LibraryBuilder,
    chaptered_clip: Path,
) -> None:
    root = build_library({})
    episode = root / "TV/Show/Season 01/Show S01E01.mkv"
    episode.parent.mkdir(parents=True)
    episode.write_bytes(chaptered_clip.read_bytes())
    kino_paths.config_dir.mkdir(parents=True)
    kino_paths.config_file.write_text(CONFIG)
    Library(kino_paths).scan([LibraryRoot(str(root), "shows")])
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await choose_section(app, pilot, "shows")
        await pilot.press("l", "l", "enter")  # Show → Season 1 → play S01E01
        await until(pilot, lambda: app.playback.session is not None, "the episode to play")
        session = app.playback.session
        assert session is not None
        client = MpvClient(wait_for_socket(session))
        client.wait_position(lambda p: p >= 0)
        await until(pilot, lambda: "i: skip intro" in now_playing(app), "the skip offer")
        await pilot.press("i")
        assert client.wait_position(lambda p: p >= 59.5) < 70  # mpv is past the intro
        await until(pilot, lambda: "skip" not in now_playing(app), "the offer to go")
        here = client.position or 60.0
        await pilot.press("right_curly_bracket")  # a minute on: the seek reaches mpv
        assert client.wait_position(lambda p: p >= here + 59) < here + 90
        await pilot.press("x")
        await until(pilot, lambda: app.playback.session is None, "the player to stop")
