"""Playback from the UI with real mpv: ask to resume, now playing, progress saved, next up."""

from __future__ import annotations

import pytest

from kino_tui.config.paths import KinoPaths
from kino_tui.core.models import LibraryRoot, Progress
from kino_tui.service import Library
from kino_tui.ui.app import KinoApp
from kino_tui.ui.screens.play_or_queue import PlayOrQueueScreen
from kino_tui.ui.screens.resume import ResumeScreen
from tests.conftest import LibraryBuilder
from tests.helpers.players import MpvClient, wait_for_socket
from tests.helpers.ui import (
    CONFIG,
    SIZE,
    choose_section,
    kino_app,
    list_text,
    music_app,
    now_playing,
    ready,
    until,
)


@pytest.fixture
def playback_app(kino_paths: KinoPaths, build_library: LibraryBuilder) -> KinoApp:
    root = build_library(
        {
            "Movies/Long (2020)/Long (2020).mkv": "long.mkv",
            "TV/Dark/Season 01/Dark S01E01.mkv": "h264.mkv",
            "TV/Dark/Season 01/Dark S01E02.mkv": "h264.mkv",
        }
    )
    kino_paths.config_dir.mkdir(parents=True)
    kino_paths.config_file.write_text(CONFIG)
    library = Library(kino_paths)
    library.scan([LibraryRoot(str(root), "mixed")])
    return kino_app(kino_paths)


async def test_resume_is_offered_and_progress_saved(playback_app: KinoApp) -> None:
    library = playback_app.library
    (movie,) = (i for i in library.load()[0].items.values() if i.kind == "movie")
    library.watch.save(movie, Progress(position=200.0, duration=400.0))
    app = kino_app(library.paths)  # started after the progress was saved
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert "Long (2020)" in list_text(app)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ResumeScreen), "the resume question")
        assert "Resume at 3:20" in str(
            app.screen.query_one("#resume-choices").get_option_at_index(0).prompt
        )
        await pilot.press("enter")  # Resume
        await until(pilot, lambda: app.playback.session is not None, "playback")
        session = app.playback.session
        assert session is not None
        client = MpvClient(wait_for_socket(session))
        assert client.wait_position(lambda p: p > 0) >= 199
        await until(pilot, lambda: "Long" in now_playing(app), "the now-playing line")
        assert "/ 6:40" in now_playing(app) and "[mpv]" in now_playing(app)
        await pilot.press("j", "k")  # the UI stays usable while the player runs
        client.seek_to(300)
        client.command("quit")
        await until(pilot, lambda: app.playback.session is None, "the player to exit")
        assert now_playing(app) == ""
        saved = library.watch.get(movie.id)
        assert 299 <= saved.position <= 306
        await choose_section(app, pilot, "continue-watching")
        assert "Long (2020)" in list_text(app)


async def test_episode_end_offers_the_next(playback_app: KinoApp) -> None:
    app = playback_app
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await choose_section(app, pilot, "shows")
        await pilot.press("enter", "enter")  # Dark → seasons (Open, the first choice)
        await pilot.press("l")  # Season 1 → episodes
        await pilot.pause()
        assert "S01E01" in list_text(app)
        await pilot.press("enter")  # play S01E01 (a one-second clip)
        await until(pilot, lambda: app.playback.next_item is not None, "the next episode offer")
        assert app.playback.next_item is not None and app.playback.next_item.episode == 2
        await until(  # notify() posts a message: the notice lands a moment later
            pilot, lambda: any("Up next" in n.message for n in app._notifications), "the notice"
        )
        await pilot.press("n")
        await until(
            pilot,
            lambda: len(app.library.watch.history()) == 2 and app.playback.session is None,
            "the second episode to play",
        )
        states = app.library.watch.all()
        assert len(states) == 2 and all(s.watched and s.play_count == 1 for s in states.values())
        assert app.playback.next_item is None  # the show is finished


async def test_autoplay_next_starts_the_following_episode(
    kino_paths: KinoPaths, playback_app: KinoApp
) -> None:
    kino_paths.config_file.write_text("autoplay_next = true\n" + CONFIG)
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await choose_section(app, pilot, "shows")
        await pilot.press("l", "l")
        await pilot.pause()
        await pilot.press("enter")  # S01E01; S01E02 follows by itself
        await until(
            pilot,
            lambda: len(app.library.watch.history()) == 2 and app.playback.session is None,
            "both episodes to play",
        )
        plays = app.library.watch.history()
        assert [p["episode"] for p in plays] == [2, 1] and all(p["watched"] for p in plays)


async def test_play_a_season_and_steer_the_player(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    """p on a season plays from its next unwatched episode through one mpv; the player
    keys pause it and move the queue, and the now-playing line says where it is."""
    root = build_library({f"TV/Dark/Season 01/Dark S01E0{n}.mkv": "long.mkv" for n in (1, 2, 3)})
    kino_paths.config_dir.mkdir(parents=True)
    kino_paths.config_file.write_text(CONFIG)
    library = Library(kino_paths)
    library.scan([LibraryRoot(str(root), "shows")])
    first = next(i for i in library.load()[0].items.values() if i.episode == 1)
    library.mark_watched([first], True)  # the next unwatched is E02
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("l")  # Dark → its seasons; Season 1 is highlighted
        await pilot.pause()
        assert "Season 1" in list_text(app)
        await pilot.press("p")
        await until(pilot, lambda: app.playback.session is not None, "the season to play")
        session = app.playback.session
        assert session is not None
        assert [i.episode for i in session.queue] == [2, 3]
        await until(pilot, lambda: "1 of 2" in now_playing(app), "the queue in the now-playing line")
        assert "next: Dark S01E03" in now_playing(app)
        MpvClient(wait_for_socket(session)).wait_position(lambda p: p > 0)
        assert now_playing(app).startswith("▶ ")
        await pilot.press("space")
        await until(pilot, lambda: session.state.paused, "mpv to pause")
        await until(pilot, lambda: now_playing(app).startswith("⏸ "), "the paused sign")
        assert "▶" not in now_playing(app) and "paused" in now_playing(app)
        await pilot.press("space")
        await until(pilot, lambda: now_playing(app).startswith("▶ "), "playing again")
        await pilot.press("greater_than_sign")
        await until(pilot, lambda: session.item.episode == 3, "the next episode")
        await until(pilot, lambda: "2 of 2" in now_playing(app), "the line to follow")
        await pilot.press("x")
        await until(pilot, lambda: app.playback.session is None, "the player to stop")
        plays = app.library.watch.history()
        assert [p["episode"] for p in plays] == [3, 2]  # newest first: one line each


async def test_a_play_while_something_plays_asks_to_queue_or_replace(
    playback_app: KinoApp,
) -> None:
    app = playback_app
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("enter")  # Long (2020): a 400-second movie
        await until(pilot, lambda: app.playback.session is not None, "the movie to play")
        movie_session = app.playback.session
        assert movie_session is not None
        MpvClient(wait_for_socket(movie_session)).wait_position(lambda p: p >= 0)
        await choose_section(app, pilot, "shows")
        await pilot.press("l")  # Dark → Season 1
        await pilot.press("e")  # the whole season to the end of the queue
        await until(pilot, lambda: len(movie_session.queue) == 3, "the season to be queued")
        assert [i.episode for i in movie_session.queue[1:]] == [1, 2]
        await pilot.press("l")  # into the season
        await pilot.pause()
        await pilot.press("enter")  # S01E01 while the movie plays: queue or replace?
        await until(pilot, lambda: isinstance(app.screen, PlayOrQueueScreen), "the question")
        await pilot.press("down", "enter")  # Play now
        await until(
            pilot,
            lambda: app.playback.session is not None and app.playback.session is not movie_session,
            "the episode to replace the movie",
        )
        new_session = app.playback.session
        assert new_session is not None and new_session.item.episode == 1
        await until(pilot, lambda: app.playback.session is None, "the episode to end")


async def test_music_plays_in_the_background_over_ssh(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    """No display (playback = "terminal"): an album plays without taking the terminal,
    no picture, gapless, while the browser stays usable; each track is counted."""
    root = build_library(
        {
            "Music/Test Artist/Test Album (2001)/03 - Test Song.mp3": "song.mp3",
            "Music/Test Artist/Test Album (2001)/04 - Other Song.flac": "song.flac",
        }
    )
    app = music_app(kino_paths, root)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert "Various Artists" in list_text(app)  # the album artist of the tags
        await pilot.press("l")  # the artist's albums
        await pilot.pause()
        await pilot.press("p")  # the album, in order
        await until(pilot, lambda: app.playback.session is not None, "the album to play")
        session = app.playback.session
        assert session is not None and session.window  # not under suspend()
        argv = session.command()
        assert "--no-video" in argv and "--gapless-audio=yes" in argv
        assert len(session.queue) == 2
        await pilot.press("k")  # the browser is still kino's
        await until(pilot, lambda: app.playback.session is None, "the album to end", 30)
        states = app.library.watch.all()
        assert len(states) == 2
        assert all(s.watched and s.play_count == 1 and s.position == 0 for s in states.values())
        assert len(app.library.watch.history()) == 2
