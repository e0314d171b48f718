"""Intros, credits and EDL files with real mpv: read at scan time, offered, skipped (by
the key or by themselves), and the credits' start counting as watched."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kino_tui.config.paths import KinoPaths
from kino_tui.core.models import LibraryRoot, MediaItem, Segment
from kino_tui.core.play.session import PlaybackSession
from kino_tui.service import Library
from tests.conftest import LibraryBuilder
from tests.helpers.players import MpvClient, Running, headless_settings, wait_for_socket

REAL_TIME = ("--vo=null", "--ao=null")


def scanned(paths: KinoPaths, root: Path, kind: str = "shows") -> MediaItem:
    library = Library(paths)
    library.scan([LibraryRoot(str(root), kind)])  # type: ignore[arg-type]
    (item,) = library.load()[0].items.values()
    return item


def wait_until(test, what: str, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not test():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_intro_skip_is_offered_and_works_and_the_credits_mark_watched(
    kino_paths: KinoPaths, build_library: LibraryBuilder, chaptered_clip: Path
) -> None:
    root = build_library({})
    target = root / "Show/Season 01/Show S01E01.mkv"
    target.parent.mkdir(parents=True)
    target.write_bytes(chaptered_clip.read_bytes())
    item = scanned(kino_paths, root)
    intro, credits = item.segments  # the last chapter runs to the end of the file
    assert intro == Segment(0.0, 60.0, "intro")
    assert credits[::2] == (340.0, "credits") and credits.end == pytest.approx(400, abs=0.5)
    library = Library(kino_paths)
    session = PlaybackSession(item, library.watch, headless_settings(extra_args={"mpv": REAL_TIME}))
    running = Running(session)
    client = MpvClient(wait_for_socket(session))
    client.wait_position(lambda p: p >= 0)
    wait_until(lambda: session.offered_skip() == item.segments[0], "the intro skip to be offered")
    assert session.skip() == item.segments[0]
    assert client.wait_position(lambda p: p >= 59.5) < 70  # mpv itself is past the intro
    wait_until(lambda: session.offered_skip() is None, "the offer to go")
    client.seek_to(345)  # into the credits: 86 %, short of the 90 % rule
    wait_until(lambda: library.watch.get(item.id).watched, "the credits to mark it watched")
    client.command("quit")
    result = running.wait()
    assert result.error is None
    saved = library.watch.get(item.id)
    assert saved.watched and saved.play_count == 1 and saved.position == 0


def test_skip_intros_skips_by_itself(
    kino_paths: KinoPaths, build_library: LibraryBuilder, chaptered_clip: Path
) -> None:
    root = build_library({})
    target = root / "Show/Season 01/Show S01E02.mkv"
    target.parent.mkdir(parents=True)
    target.write_bytes(chaptered_clip.read_bytes())
    item = scanned(kino_paths, root)
    library = Library(kino_paths)
    settings = headless_settings(extra_args={"mpv": REAL_TIME}, skip_intros=True)
    session = PlaybackSession(item, library.watch, settings)
    running = Running(session)
    client = MpvClient(wait_for_socket(session))
    started = time.monotonic()
    client.wait_position(lambda p: p >= 60, timeout=15)  # at normal speed: only by a skip
    assert time.monotonic() - started < 15
    client.command("quit")
    assert running.wait().error is None
    assert not library.watch.get(item.id).watched


def test_an_edl_file_is_honoured_and_reread_when_it_changes(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    """A cut is skipped by itself, a commercial break is offered; the mute line and the
    comment are not skips. A changed .edl is read again by the next scan."""
    root = build_library(
        {
            "Movies/Long (2020)/Long (2020).mkv": "long.mkv",
            "Movies/Long (2020)/Long (2020).edl": "# comskip\n0 30 0\n100 130 3\n200 210 1\n",
        }
    )
    item = scanned(kino_paths, root, "movies")
    assert item.segments == [Segment(0.0, 30.0, "cut"), Segment(100.0, 130.0, "commercial")]
    library = Library(kino_paths)
    session = PlaybackSession(item, library.watch, headless_settings(extra_args={"mpv": REAL_TIME}))
    running = Running(session)
    client = MpvClient(wait_for_socket(session))
    client.wait_position(lambda p: p >= 30, timeout=10)  # the cut went by itself
    client.seek_to(101)
    wait_until(lambda: session.offered_skip() == item.segments[1], "the break to be offered")
    assert client.position is not None and client.position < 125  # not skipped unasked
    assert session.skip() == item.segments[1]
    client.wait_position(lambda p: p >= 129.5)
    client.command("quit")
    assert running.wait().error is None

    (root / "Movies/Long (2020)/Long (2020).edl").write_text("50 80 3\n")
    library.scan([LibraryRoot(str(root), "movies")])
    (again,) = library.load()[0].items.values()
    assert again.segments == [Segment(50.0, 80.0, "commercial")]
