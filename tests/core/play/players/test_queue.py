"""A queue through one mpv process: each item recorded on its own (real mpv, headless)."""

from __future__ import annotations

import os
import time

from kino_tui.config.paths import KinoPaths
from kino_tui.core.models import LibraryRoot, MediaItem
from kino_tui.core.play.session import PlaybackSession
from kino_tui.service import Library
from tests.conftest import LibraryBuilder
from tests.core.play.players.conftest import MpvClient, Running, headless_settings, wait_for_socket

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
