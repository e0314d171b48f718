"""Real mpv, started by kino and driven over its own IPC socket like a user would."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from kino_tui.config.paths import KinoPaths
from kino_tui.core.errors import PlayerError
from kino_tui.core.models import LibraryRoot, MediaItem
from kino_tui.core.play.players.mpv import edl_target
from kino_tui.core.play.resume import start_position
from kino_tui.core.play.session import PlaybackSession
from kino_tui.service import Library
from tests.helpers.players import (
    MpvClient,
    Running,
    headless_settings,
    socket_dir_mode,
    wait_for_socket,
)


def play(
    library: Library, item: MediaItem, start: float = 0.0, **overrides: object
) -> tuple[Running, MpvClient]:
    session = PlaybackSession(item, library.watch, headless_settings(**overrides), start)
    running = Running(session)
    client = MpvClient(wait_for_socket(session))
    return running, client


def test_stop_resume_and_watched(long_movie: tuple[Library, MediaItem]) -> None:
    library, item = long_movie
    running, client = play(library, item)
    assert socket_dir_mode(running.session.ipc_path) == 0o700
    client.seek_to(200)
    client.command("quit")
    result = running.wait()
    assert result.error is None
    saved = library.watch.get(item.id)
    assert 199 <= saved.position <= 206
    assert not saved.watched and saved.play_count == 0
    assert saved.duration == pytest.approx(400, abs=1)
    assert not os.path.exists(os.path.dirname(running.session.ipc_path)), "private dir left behind"

    start = start_position(saved, "always")
    session = PlaybackSession(item, library.watch, headless_settings(), start)
    assert f"--start={math.ceil(saved.position * 1000) / 1000:.3f}" in session.command()
    running = Running(session)
    client = MpvClient(wait_for_socket(session))
    first = client.wait_position(lambda p: p > 0)
    assert first >= 199, "mpv did not resume at the saved position"
    client.seek_to(380)
    client.command("quit")
    running.wait()
    saved = library.watch.get(item.id)
    assert saved.watched and saved.play_count == 1 and saved.position == 0
    plays = library.watch.history()
    assert [p["watched"] for p in plays] == [True, False]
    assert all(p["player"] == "mpv" and p["id"] == item.id for p in plays)


def test_progress_is_saved_while_playing(long_movie: tuple[Library, MediaItem]) -> None:
    library, item = long_movie
    running, client = play(library, item)
    client.seek_to(120)
    client.command("set_property", "pause", True)  # a pause saves at once
    saved = 0.0
    for _ in range(100):  # the save lands within moments, while mpv still runs
        saved = library.watch.get(item.id).position
        if saved >= 119:
            break
        time.sleep(0.05)
    assert 119 <= saved <= 125
    assert running.session.process is not None and running.session.process.poll() is None
    client.command("quit")
    running.wait()


def test_sigkill_keeps_last_position(long_movie: tuple[Library, MediaItem]) -> None:
    library, item = long_movie
    running, client = play(library, item)
    client.seek_to(150)
    assert running.session.process is not None
    os.kill(running.session.process.pid, signal.SIGKILL)
    result = running.wait()
    assert result.error is not None and "killed by signal 9" in result.error
    saved = library.watch.get(item.id)
    assert 149 <= saved.position <= 156
    assert library.watch.history()[0]["error"] == result.error


def test_socket_refuses_other_users(long_movie: tuple[Library, MediaItem]) -> None:
    if os.geteuid() != 0:
        pytest.skip("trying the socket as another user needs root to become that user")
    library, item = long_movie
    running, client = play(library, item)
    client.wait_position(lambda p: p >= 0)
    probe = subprocess.run(
        ["runuser", "-u", "nobody", "--", "/usr/bin/python3", "-c",
         "import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])",
         running.session.ipc_path],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert probe.returncode != 0 and "PermissionError" in probe.stderr
    client.command("quit")
    running.wait()


def test_missing_player_is_a_clear_error(long_movie: tuple[Library, MediaItem]) -> None:
    library, item = long_movie
    settings = headless_settings(commands={"mpv": ("/nonexistent/mpv",)})
    session = PlaybackSession(item, library.watch, settings, 0.0)
    with pytest.raises(PlayerError, match=r"not found: it is the command under \[mpv\]"):
        session.run()



def test_an_uninstalled_player_says_how_to_install_it(
    long_movie: tuple[Library, MediaItem], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library, item = long_movie
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH without mpv
    session = PlaybackSession(item, library.watch, headless_settings(), 0.0)
    with pytest.raises(PlayerError, match=r"mpv was not found: install it \(apt install mpv\)"):
        session.check()


def test_player_error_exit_is_reported(long_movie: tuple[Library, MediaItem]) -> None:
    library, item = long_movie
    settings = headless_settings(extra_args={"mpv": ("--vo=null", "--ao=null", "--no-such-option")})
    result = PlaybackSession(item, library.watch, settings, 0.0).run()
    assert result.error is not None and "mpv exited with status" in result.error


def test_no_sound_device_still_plays_to_the_end(
    kino_paths,
    build_library,  # type: ignore[no-untyped-def]
) -> None:
    """An SSH login on a headless box often cannot open a sound device: the play goes
    on, and says so once."""
    root = build_library({"Movies/Short (2020)/Short (2020).mkv": "h264.mkv"})
    library = Library(kino_paths)
    library.scan([LibraryRoot(str(root), "movies")])
    (item,) = library.load()[0].items.values()
    unusable = ("--vo=null", "--ao=pcm", f"--ao-pcm-file={root}/no/such/dir/sound.wav")
    session = PlaybackSession(
        item, library.watch, headless_settings(extra_args={"mpv": unusable}), 0.0
    )
    result = session.run()
    assert result.error is None
    assert result.state.reached_end and library.watch.get(item.id).watched
    (warning,) = session.warnings
    assert warning.startswith("mpv found no sound device")


def test_edl_quotes_any_name() -> None:
    parts = ["/m/a;b,c.avi", "/m/é cd2.avi"]
    assert edl_target(parts) == "edl://%12%/m/a;b,c.avi;%13%/m/é cd2.avi"  # é is two bytes


def test_stacked_movie_plays_as_one_timeline(
    kino_paths,
    build_library,  # type: ignore[no-untyped-def]
) -> None:
    root = build_library(
        {
            "Movies/A;B, C (2020)/A;B, C (2020) cd1.mkv": "long.mkv",
            "Movies/A;B, C (2020)/A;B, C (2020) cd2.mkv": "long.mkv",
        }
    )
    library = Library(kino_paths)
    library.scan([LibraryRoot(str(root), "movies")])
    (item,) = library.load()[0].items.values()
    assert len(item.parts) == 2
    running, client = play(library, item)
    client.seek_to(600)
    client.command("quit")
    assert running.wait().error is None
    saved = library.watch.get(item.id)
    assert 599 <= saved.position <= 606
    assert saved.duration == pytest.approx(800, abs=2)


def test_stop_when_kino_closes_saves_and_is_no_error(long_movie: tuple[Library, MediaItem]) -> None:
    library, item = long_movie
    running, client = play(library, item)
    client.seek_to(100)
    running.session.stop()  # what the UI does when the user quits kino mid-play
    result = running.wait()
    assert result.error is None
    assert 99 <= library.watch.get(item.id).position <= 106


def test_offline_file_is_a_clear_error(long_movie: tuple[Library, MediaItem]) -> None:
    library, item = long_movie
    os.rename(item.path, item.path + ".away")  # the share went offline
    with pytest.raises(PlayerError, match="is not there: is its drive or network share mounted"):
        PlaybackSession(item, library.watch, headless_settings(), 0.0).run()
    assert library.watch.history() == []


FAST = ("--vo=null", "--ao=null", "--speed=40")


def test_a_truncated_download_is_not_watched(
    kino_paths: KinoPaths, build_library, long_clip: Path  # type: ignore[no-untyped-def]
) -> None:
    """The file ends at a third of the length its header declares: the end of the file
    is not the end of the film, so it keeps its resume point."""
    root = build_library({})
    target = root / "Movies/Cut (2020)/Cut (2020).mkv"
    target.parent.mkdir(parents=True)
    data = long_clip.read_bytes()
    target.write_bytes(data[: len(data) // 3])
    library = Library(kino_paths)
    library.scan([LibraryRoot(str(root), "movies")])
    (item,) = library.load()[0].items.values()
    assert item.duration and item.duration > 300  # the header still says 400 s
    settings = headless_settings(extra_args={"mpv": FAST})
    result = PlaybackSession(item, library.watch, settings, 0.0).run()
    assert result.state.reached_end and result.error is None
    saved = library.watch.get(item.id)
    assert not saved.watched and saved.play_count == 0
    assert 0.2 * item.duration < saved.position < 0.5 * item.duration


def test_a_player_stopped_early_by_its_own_options_is_not_watched(
    long_movie: tuple[Library, MediaItem],
) -> None:
    library, item = long_movie
    settings = headless_settings(extra_args={"mpv": (*FAST, "--end=150")})
    result = PlaybackSession(item, library.watch, settings, 100.0).run()
    assert result.state.reached_end and result.error is None
    saved = library.watch.get(item.id)
    assert not saved.watched and 145 <= saved.position <= 151


def test_a_track_stopped_part_way_is_played_not_resumed(
    kino_paths: KinoPaths, build_library, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    """Music keeps no resume point (and so never shows in Continue Watching)."""
    from tests.conftest import ffmpeg

    root = build_library({})
    track = root / "Music/Artist/Album/01 - Long Song.mp3"
    track.parent.mkdir(parents=True)
    ffmpeg("-f", "lavfi", "-i", "sine=duration=400:sample_rate=8000", "-b:a", "16k",
           "-metadata", "title=Long Song", "-metadata", "artist=Artist", str(track))  # fmt: skip
    library = Library(kino_paths)
    library.scan([LibraryRoot(str(root), "music")])
    (item,) = library.load()[0].items.values()
    assert item.kind == "track"
    settings = headless_settings(extra_args={"mpv": (*FAST, "--end=250")})
    PlaybackSession(item, library.watch, settings, 0.0).run()
    saved = library.watch.get(item.id)  # four minutes heard: a play (the scrobbling rule)
    assert saved.position == 0 and saved.watched and saved.play_count == 1
    items, _ = library.section_items("continue-watching")
    assert items == []
    # a skip (here after 100 s of 400: less than half, less than four minutes) is no
    # play, yet its history line is kept
    skipped = headless_settings(extra_args={"mpv": (*FAST, "--end=100")})
    PlaybackSession(item, library.watch, skipped, 0.0).run()
    saved = library.watch.get(item.id)
    assert saved.position == 0 and saved.play_count == 1
    plays = library.watch.history()
    assert len(plays) == 2 and 50 <= plays[0]["position"] <= 101  # mpv at 40x lags
