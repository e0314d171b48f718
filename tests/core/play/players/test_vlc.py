"""Real VLC, started by kino running as an unprivileged user (VLC refuses root), driven
through its remote-control socket while kino follows it."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kino_tui.config.paths import KinoPaths
from kino_tui.core.models import LibraryRoot, MediaItem
from kino_tui.core.play.resume import start_position
from kino_tui.core.play.session import PlaybackSession
from kino_tui.core.watch.store import WatchStore
from kino_tui.service import Library
from tests.helpers.players import AS_ROOT, NOBODY, Running, as_nobody, wait_for_socket

#: VLC refuses root: as root (CI) the test drops to ``nobody``; as a user it stays that user.
PLAYER_UID = NOBODY if AS_ROOT else os.geteuid()
CONFIG = """\
player = "vlc"
playback = "window"
resume = "always"

[progress]
save_interval = 1

[vlc]
args = ["--intf=dummy", "--vout=dummy", "--aout=dummy"]
"""


def make_vlc_library(
    public_dir: Path, long_clip: Path, monkeypatch: pytest.MonkeyPatch, names: list[str]
) -> Iterator[tuple[KinoPaths, MediaItem]]:
    """A one-movie library (in ``names`` parts) and kino directories ``nobody`` owns."""
    home = public_dir / f"vlc-{time.monotonic_ns()}"
    for name in names:
        movie = home / "Movies" / "Long (2020)" / name
        movie.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(long_clip, movie)
    for name in ("CONFIG", "DATA", "CACHE"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(home / "xdg" / name.lower()))
    paths = KinoPaths.default()
    paths.config_dir.mkdir(parents=True)
    paths.config_file.write_text(CONFIG)
    library = Library(paths)
    library.scan([LibraryRoot(str(home / "Movies"), "movies")])
    (item,) = library.load()[0].items.values()
    if AS_ROOT:
        subprocess.run(["chown", "-R", f"{NOBODY}:{NOBODY}", str(home)], check=True)
    home.chmod(0o755)
    yield paths, item
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def vlc_library(
    public_dir: Path, long_clip: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[KinoPaths, MediaItem]]:
    yield from make_vlc_library(public_dir, long_clip, monkeypatch, ["Long (2020).mkv"])


@pytest.fixture
def vlc_stacked(
    public_dir: Path, long_clip: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[KinoPaths, MediaItem]]:
    names = ["Long (2020) cd1.mkv", "Long (2020) cd2.mkv"]
    yield from make_vlc_library(public_dir, long_clip, monkeypatch, names)


def wait_until(test: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if test():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_vlc_stop_resume_and_watched(vlc_library: tuple[KinoPaths, MediaItem]) -> None:
    paths, item = vlc_library

    def first_play() -> None:
        library = Library(paths)
        settings = library.settings.playback
        assert settings.player == "vlc"
        running = Running(PlaybackSession(item, library.watch, settings, 0.0))
        socket_path = Path(wait_for_socket(running.session))
        assert socket_path.parent.stat().st_mode & 0o777 == 0o700
        assert socket_path.parent.stat().st_uid == PLAYER_UID
        wait_until(lambda: running.session.state.position is not None, "VLC to report a time")
        assert running.session.seek(200)
        wait_until(lambda: library.watch.get(item.id).position >= 199, "the saved position")
        assert running.session.quit()
        assert running.wait().error is None

    as_nobody(first_play)
    store = WatchStore(paths.watch_file)
    saved = store.get(item.id)
    assert 199 <= saved.position <= 206 and not saved.watched
    assert saved.duration == 400

    def second_play() -> None:
        library = Library(paths)
        start = start_position(library.watch.get(item.id), "always")
        session = PlaybackSession(item, library.watch, library.settings.playback, start)
        argv = session.command()
        assert argv[argv.index("--") + 1 :] == [item.path] and f"--start-time={start:.3f}" in argv
        running = Running(session)
        wait_until(lambda: (session.state.position or 0) > 0, "VLC to report a time")
        assert (session.state.position or 0) >= 199, "VLC did not resume at the saved point"

        def seeked() -> bool:
            # a seek sent while VLC still applies :start-time can be undone by it (seen on
            # a loaded machine): send it again until the position is past it
            if (session.state.position or 0) < 380:
                assert session.seek(385)
                time.sleep(0.3)
            return library.watch.get(item.id).watched

        wait_until(seeked, "the watched mark")
        assert session.quit()
        assert running.wait().error is None

    as_nobody(second_play)
    saved = store.get(item.id)
    assert saved.watched and saved.play_count == 1 and saved.position == 0
    assert [play["player"] for play in store.history()] == ["vlc", "vlc"]


def test_vlc_maps_parts_onto_one_timeline(vlc_stacked: tuple[KinoPaths, MediaItem]) -> None:
    paths, item = vlc_stacked
    assert len(item.parts) == 2 and item.duration == pytest.approx(800, abs=2)

    def play_into_part_two() -> None:
        library = Library(paths)
        session = PlaybackSession(item, library.watch, library.settings.playback, 0.0)
        running = Running(session)
        wait_until(lambda: session.state.position is not None, "VLC to report a time")
        assert session.player._send(b"next\n")  # the user skips to the second part
        wait_until(lambda: session.state.part == 1, "the second part to start")
        assert session.seek(100)
        wait_until(lambda: library.watch.get(item.id).position >= 499, "the mapped position")
        assert session.quit()
        assert running.wait().error is None

    as_nobody(play_into_part_two)
    saved = WatchStore(paths.watch_file).get(item.id)
    assert 499 <= saved.position <= 506  # 400 s of part one + 100 s into part two
    assert not saved.watched


def test_vlc_as_root_is_refused_clearly(run_kino, build_library) -> None:  # type: ignore[no-untyped-def]
    if not AS_ROOT:
        pytest.skip("only root can show VLC refusing root (CI runs as root)")
    root = build_library({"Movies/Alien (1979)/Alien (1979).avi": "mpeg4.avi"})
    run_kino("scan", str(root))
    result = run_kino(
        "play", str(root / "Movies/Alien (1979)/Alien (1979).avi"), "--player", "vlc", check=False
    )
    assert result.returncode == 2
    assert "VLC refuses to run as root" in result.stderr and "mpv" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture
def vlc_season(
    public_dir: Path, long_clip: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[KinoPaths, list[MediaItem]]]:
    """Two 400-second episodes, in kino directories ``nobody`` owns."""
    home = public_dir / f"vlc-season-{time.monotonic_ns()}"
    for number in (1, 2):
        episode = home / "Shows" / "Dark" / "Season 01" / f"Dark S01E0{number}.mkv"
        episode.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(long_clip, episode)
    for name in ("CONFIG", "DATA", "CACHE"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(home / "xdg" / name.lower()))
    paths = KinoPaths.default()
    paths.config_dir.mkdir(parents=True)
    paths.config_file.write_text(CONFIG)
    library = Library(paths)
    library.scan([LibraryRoot(str(home / "Shows"), "shows")])
    episodes = sorted(library.load()[0].items.values(), key=lambda i: i.episode or 0)
    if AS_ROOT:
        subprocess.run(["chown", "-R", f"{NOBODY}:{NOBODY}", str(home)], check=True)
    home.chmod(0o755)
    yield paths, episodes
    shutil.rmtree(home, ignore_errors=True)


def test_vlc_plays_a_queue_in_one_process_and_records_each_item(
    vlc_season: tuple[KinoPaths, list[MediaItem]],
) -> None:
    """The first episode resumes near its end (its own ``:start-time``) and plays out; VLC
    moves to the second by itself, which starts at 0 and is stopped part-way: both are
    recorded, each with its own progress and history line."""
    paths, episodes = vlc_season

    def play_the_season() -> None:
        library = Library(paths)
        session = PlaybackSession(
            episodes[0], library.watch, library.settings.playback, 390.0, following=episodes[1:]
        )
        argv = session.command()
        assert argv[argv.index("--") + 1 :] == [
            episodes[0].path,
            ":start-time=390.000",
            episodes[1].path,
        ]
        running = Running(session)
        wait_until(lambda: session.item is episodes[1], "VLC to move to the second episode", 40)
        wait_until(lambda: session.state.position is not None, "VLC to report a time")
        assert (session.state.position or 0) < 50  # the second starts at 0, not at 390
        assert session.seek(200)
        wait_until(lambda: library.watch.get(episodes[1].id).position >= 199, "the saved point")
        assert session.quit()
        assert running.wait().error is None
        assert [r.item.id for r in session.results] == [e.id for e in episodes]

    as_nobody(play_the_season)
    store = WatchStore(paths.watch_file)
    first, second = (store.get(e.id) for e in episodes)
    assert first.watched and first.play_count == 1 and first.position == 0
    assert 199 <= second.position <= 206 and not second.watched
    assert sorted(play["episode"] for play in store.history()) == [1, 2]
