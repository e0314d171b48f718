"""A queue through one mpv process: each item recorded on its own (real mpv, headless)."""

from __future__ import annotations

import os
import time

from kino_tui.config.paths import KinoPaths
from kino_tui.core.models import LibraryRoot, MediaItem
from kino_tui.core.play.session import PlaybackSession
from kino_tui.service import Library
from tests.conftest import LibraryBuilder
from tests.helpers.players import MpvClient, Running, headless_settings, wait_for_socket

FAST = ("--vo=null", "--ao=null", "--speed=10")


def season(
    paths: KinoPaths, build_library: LibraryBuilder, source: str
) -> tuple[Library, list[MediaItem]]:
    root = build_library({f"Dark/Season 01/Dark S01E0{n}.mkv": source for n in (1, 2, 3)})
    library = Library(paths)
    library.scan([LibraryRoot(str(root), "shows")])
    items = sorted(library.load()[0].items.values(), key=lambda i: i.episode or 0)
    assert [i.episode for i in items] == [1, 2, 3]
    return library, items


def test_a_season_plays_through_one_process_and_each_episode_is_recorded(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    library, episodes = season(kino_paths, build_library, "h264.mkv")
    settings = headless_settings(extra_args={"mpv": FAST})
    session = PlaybackSession(episodes[0], library.watch, settings, 0.0, following=episodes[1:])
    argv = session.command()
    assert [arg for arg in argv if arg.startswith("/")] == [e.path for e in episodes]
    result = session.run()
    assert result.error is None and [r.item.id for r in session.results] == [e.id for e in episodes]
    for episode in episodes:
        state = library.watch.get(episode.id)
        assert state.watched and state.play_count == 1 and state.position == 0
    plays = library.watch.history()
    assert sorted(p["episode"] for p in plays) == [1, 2, 3]
    assert all(p["watched"] and p["error"] is None for p in plays)


def test_next_and_previous_move_the_queue_and_each_item_keeps_its_own_place(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    """Sent from kino over IPC: skip the first long episode part-way, the second keeps
    its own resume point, the first its own."""
    library, episodes = season(kino_paths, build_library, "long.mkv")
    settings = headless_settings(extra_args={"mpv": ("--vo=null", "--ao=null")})
    session = PlaybackSession(episodes[0], library.watch, settings, 100.0, following=episodes[1:])
    running = Running(session)
    client = MpvClient(wait_for_socket(session))
    assert client.wait_position(lambda p: p >= 100) >= 100  # the first starts at its point
    assert session.player.next()  # type: ignore[attr-defined]
    deadline = time.monotonic() + 20
    while session.item is not episodes[1]:
        assert time.monotonic() < deadline, "kino did not follow the queue"
        time.sleep(0.05)
    client.wait_position(lambda p: 0 <= p < 50)  # the second starts at 0, not at 100
    client.seek_to(120)
    time.sleep(1.5)
    client.command("quit")
    running.wait()
    first, second, third = (library.watch.get(e.id) for e in episodes)
    assert 99 <= first.position <= 106 and not first.watched
    assert 119 <= second.position <= 126 and not second.watched
    assert third.last_played is None  # never reached
    assert [r.item.id for r in session.results] == [episodes[0].id, episodes[1].id]
    assert os.path.exists(episodes[2].path)


def test_short_tracks_at_high_speed_are_each_recorded_from_their_own_events(
    kino_paths: KinoPaths, build_library: LibraryBuilder, tmp_path
) -> None:
    """mpv at 20x: each track's record is built from mpv's events for that track (its
    end-file and playlist entry), not from whatever was polled last. Two short tracks got
    the second's duration on both and neither was counted. Four runs, every record."""
    from tests.conftest import ffmpeg

    lengths = {"01 - One.mp3": 6.0, "02 - Two.mp3": 11.0, "03 - Three.mp3": 4.0}
    root = tmp_path / "music"
    album = root / "Artist/Album (2001)"
    album.mkdir(parents=True)
    for name, seconds in lengths.items():
        ffmpeg("-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}:sample_rate=22050",
               "-c:a", "libmp3lame", "-metadata", f"track={name[:2]}", str(album / name))  # fmt: skip
    library = Library(kino_paths)
    library.scan([LibraryRoot(str(root), "music")])
    tracks = sorted(library.load()[0].items.values(), key=lambda i: i.track or 0)
    assert [i.track for i in tracks] == [1, 2, 3]
    settings = headless_settings(extra_args={"mpv": ("--vo=null", "--ao=null", "--speed=20")})
    for run in range(1, 5):
        session = PlaybackSession(tracks[0], library.watch, settings, 0.0, following=tracks[1:])
        result = session.run()
        assert result.error is None
        assert [r.item.id for r in session.results] == [t.id for t in tracks], (run, [(r.item.track, r.state.item_index) for r in session.results], [(e.index, e.reached_end) for e in session.state.finished])
        for track, played in zip(tracks, session.results, strict=True):
            expected = lengths[os.path.basename(track.path)]
            assert played.progress.duration is not None
            assert abs(played.progress.duration - expected) < 0.5, (run, track.path, played)
            state = library.watch.get(track.id)
            assert state.play_count == run and state.watched, (run, track.path, state, played)
    plays = library.watch.history()
    assert len(plays) == 12
    for play_record in plays:
        expected = lengths[os.path.basename(play_record["path"])]
        assert abs(play_record["duration"] - expected) < 0.5, play_record
        assert play_record["watched"] and play_record["error"] is None, play_record
