"""Two (and four) kinos sharing watch state through a real PostgreSQL: each box its own
XDG folders and its own copy of the library at a different mount path."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kino_tui.core.models import Progress
from kino_tui.core.watch.store import now_iso
from tests.helpers.boxes import Box, make_boxes
from tests.helpers.postgres import PostgresServer

# its module fixture is costly: one worker sets it up (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("postgres-sharing")

E1 = "Shows/Dark/Season 1/Dark S01E01.mkv"
E2 = "Shows/Dark/Season 1/Dark S01E02.mkv"
E3 = "Shows/Dark/Season 1/Dark S01E03.mkv"
E4 = "Shows/Dark/Season 1/Dark S01E04.mkv"
FILM = "Movies/Film (2010)/Film (2010).mkv"
WORKTREE = Path(__file__).resolve().parents[2]


@pytest.fixture
def server(pg_server: PostgresServer) -> PostgresServer:
    return pg_server


@pytest.fixture
def url(pg_url: str) -> str:
    return pg_url


@pytest.fixture
def boxes(tmp_path: Path, media: dict[str, Path], url: str, server: PostgresServer) -> list[Box]:
    return make_boxes(tmp_path, media, url, server.passfile)


def until(
    condition: Callable[[], bool], seconds: float, state: Callable[[], str] = lambda: ""
) -> float:
    """Wait for ``condition``; how long it took (fails after ``seconds``, with ``state``)."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > seconds:
            pytest.fail(f"not within {seconds} s: {state()}")
        time.sleep(0.1)
    return time.monotonic() - start


def test_a_mark_on_one_box_shows_on_the_other(boxes: list[Box]) -> None:
    living, bedroom = boxes
    assert living.root != bedroom.root  # /…/mnt/nas/Media and /…/srv/Media: one library
    result = living.kino("watched", str(living.root / E1))
    assert result.stderr == ""  # delivered: nothing queued to say
    assert bedroom.watched() == {}
    bedroom.kino("shared", "status")  # reaches the database: reads what changed
    assert bedroom.watched() == {E1: (True, 0.0, 1)}
    # "not watched" is a change of its own, and travels back the same way
    bedroom.kino("watched", "--unset", str(bedroom.root / E1))
    living.kino("shared", "status")
    assert living.watched()[E1] == (False, 0.0, 1)


def test_without_the_setting_nothing_is_shared_or_queued(boxes: list[Box]) -> None:
    living, bedroom = boxes
    living.write_config(shared=False)
    living.kino("watched", str(living.root / E1))
    assert not (living.paths.data_dir / "shared-queue.json").exists()
    bedroom.kino("shared", "status")
    assert bedroom.watched() == {}
    result = living.kino("shared", "status", check=False)
    assert result.returncode == 2 and "no shared database is set" in result.stderr


def test_a_plays_position_arrives(
    tmp_path: Path, media: dict[str, Path], url: str, server: PostgresServer, long_clip: Path
) -> None:
    mpv = 'playback = "window"\n[mpv]\nargs = ["--vo=null", "--ao=null", "--end=106"]\n'
    living, bedroom = make_boxes(
        tmp_path, media, url, server.passfile,
        extra_files={"Movies/Long (2020)/Long (2020).mkv": long_clip}, extra_config=mpv,
    )  # fmt: skip
    long = "Movies/Long (2020)/Long (2020).mkv"
    result = living.kino("play", str(living.root / long), "--start", "100", timeout=120)
    assert "stopped at" in result.stdout, result.stdout + result.stderr
    here = living.watched()[long]
    assert 103 <= here[1] <= 107 and not here[0]
    bedroom.kino("shared", "status")
    assert bedroom.watched()[long] == here
    plays = bedroom.library().history()
    assert len(plays) == 1 and plays[0]["path"] == str(bedroom.root / long)


def test_the_database_going_away_loses_nothing_and_both_converge(
    boxes: list[Box], server: PostgresServer
) -> None:
    living, bedroom = boxes
    libraries = [box.library() for box in boxes]
    for library in libraries:
        assert library.shared is not None
        library.shared.start()  # both kinos open, following the database
    try:
        server.stop()
        l_ids, b_ids = living.item_ids(), bedroom.item_ids()
        l_lib, b_lib = libraries
        l_data, _ = l_lib.load()
        b_data, _ = b_lib.load()
        l_lib.mark_watched([l_data.items[l_ids[E2]]], True)
        b_lib.mark_watched([b_data.items[b_ids[E3]]], True)
        # a conflict: the living room marks the film watched, the bedroom later says not
        l_lib.mark_watched([l_data.items[l_ids[FILM]]], True)
        time.sleep(0.01)
        b_lib.mark_watched([b_data.items[b_ids[FILM]]], False)
        assert l_lib.sync_shared() is not None  # says it could not, and what is queued
        assert len(l_lib.shared.queue.pending()) == 2  # type: ignore[union-attr]
        assert len(b_lib.shared.queue.pending()) == 2  # type: ignore[union-attr]
        server.start()
        expected = {E2: (True, 0.0, 1), E3: (True, 0.0, 1), FILM: (False, 0.0, 1)}
        # the film: the later "not watched" wins; its play count (only the living room
        # changed it) stays
        until(lambda: (living.watched(), bedroom.watched()) == (expected, expected), 60,
              lambda: f"living {living.watched()}, bedroom {bedroom.watched()}")  # fmt: skip
        assert l_lib.shared.queue.pending() == [] == b_lib.shared.queue.pending()  # type: ignore[union-attr]
    finally:
        for library in libraries:
            library.shared.stop()  # type: ignore[union-attr]
        if not server.running():
            server.start()


def _writer(box: Box, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.share_writer", *args],
        cwd=WORKTREE,
        env=box.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_kino_killed_while_writing_loses_nothing(boxes: list[Box]) -> None:
    living, bedroom = boxes
    writer = _writer(living, "positions", E4)
    assert writer.stdout is not None
    for _ in range(25):  # some saves done; then kill it wherever it is
        writer.stdout.readline()
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(timeout=30)
    local = living.watched()[E4]
    status = living.kino("shared", "status")
    assert "queued changes: 0" in status.stdout, status.stdout + status.stderr
    bedroom.kino("shared", "status")
    # both boxes hold the last position the killed kino wrote, or the one it had queued
    # (killed between queueing it and writing its file: the database sends it back)
    shared = bedroom.watched()[E4]
    assert shared == living.watched()[E4]
    assert shared[1] in (local[1], local[1] + 1.0), (shared, local)


def test_four_writers_on_two_boxes_keep_every_mark(boxes: list[Box]) -> None:
    living, bedroom = boxes
    jobs = [(living, E1), (living, E2), (bedroom, E3), (bedroom, E4)]
    writers = [_writer(box, "marks", path, "8") for box, path in jobs]
    for writer in writers:
        _, errors = writer.communicate(timeout=240)
        assert writer.returncode == 0, errors
    for box in boxes:
        box.kino("shared", "status")
    every = {path: (True, 0.0, 1) for path in (E1, E2, E3, E4)}
    assert living.watched() == every == bedroom.watched()
    for box in boxes:
        assert len(box.library().history()) == 32  # 8 plays of each of the four


def test_track_choices_travel_a_movies_by_its_path(boxes: list[Box]) -> None:
    living, bedroom = boxes
    library = living.library()
    data, _ = library.load()
    ids = living.item_ids()
    show_choice = library.choose_tracks(data.items[ids[E1]], 2, "off")
    film_choice = library.choose_tracks(data.items[ids[FILM]], 2, 1)
    assert library.sync_shared() is None
    bedroom.kino("shared", "status")
    choices = bedroom.library().track_choices.all()
    assert choices["show:dark"] == show_choice
    assert choices[f"item:{bedroom.item_ids()[FILM]}"] == film_choice


def test_push_sends_a_boxs_history_without_overwriting_newer_changes(boxes: list[Box]) -> None:
    living, bedroom = boxes
    living.write_config(shared=False)  # the living room used kino alone for a while
    living.kino("watched", str(living.root / E1))
    living.kino("watched", str(living.root / E2))
    time.sleep(1.1)  # the bedroom's change is later (stamps have microseconds; marks' last
    # played has seconds)
    bedroom.kino("watched", "--unset", str(bedroom.root / E1))
    living.write_config(shared=True)
    result = living.kino("shared", "push")
    assert "sent 2 records" in result.stdout, result.stdout
    bedroom.kino("shared", "status")
    # E2 arrives; E1 keeps the bedroom's later "not watched", here and there
    assert bedroom.watched()[E2] == (True, 0.0, 1)
    assert bedroom.watched()[E1][0] is False
    assert living.watched()[E1][0] is False
    living.kino("shared", "push")  # twice is harmless: nothing doubles
    assert len(bedroom.library().history()) == 0  # marks are not plays


def test_commands_while_the_database_is_away_queue_and_say_so(
    boxes: list[Box], server: PostgresServer
) -> None:
    living, bedroom = boxes
    server.stop()
    try:
        started = time.monotonic()
        listed = living.kino("ls")
        assert time.monotonic() - started < 10 and listed.stderr == ""  # never waits on it
        result = living.kino("watched", str(living.root / E3))
        assert result.returncode == 0
        assert "cannot reach the shared database" in result.stderr
        assert "(1 change queued)" in result.stderr
        status = living.kino("shared", "status", check=False)
        assert status.returncode == 1
        assert "reachable: no" in status.stdout and "queued changes: 1" in status.stdout
    finally:
        server.start()
    status = living.kino("shared", "status")
    assert "reachable: yes" in status.stdout and "queued changes: 0" in status.stdout
    bedroom.kino("shared", "status")
    assert bedroom.watched()[E3] == (True, 0.0, 1)


def test_a_box_without_the_setting_never_imports_the_driver(boxes: list[Box]) -> None:
    living, _ = boxes
    code = (
        "import sys\nfrom kino_tui.config.paths import KinoPaths\n"
        "from kino_tui.service import Library\n"
        "library = Library(KinoPaths.default())\ndata, _ = library.load()\n"
        "library.mark_watched(list(data.items.values())[:1], True)\n"
        "library.progress_since(None)\nprint('psycopg' in sys.modules)\n"
    )
    living.write_config(shared=False)
    off = subprocess.run([sys.executable, "-c", code], env=living.env(), cwd=WORKTREE,
                         capture_output=True, text=True, timeout=60, check=True)  # fmt: skip
    assert off.stdout.strip() == "False"


def test_a_name_that_is_not_utf8_is_one_item_on_both_boxes(
    tmp_path: Path, media: dict[str, Path], url: str, server: PostgresServer
) -> None:
    odd = "Movies/Caf\udce9 (1999)/Caf\udce9 (1999).mkv"  # Latin-1 é: not UTF-8
    living, bedroom = make_boxes(
        tmp_path, media, url, server.passfile, extra_files={odd: media["h264.mkv"]}
    )
    library = living.library()
    data, _ = library.load()
    film = data.items[living.item_ids()[odd]]
    library.watch.add_history(film, {"started_at": "2026-01-01T10:00:00+00:00",
                                     "ended_at": "2026-01-01T10:30:00+00:00", "player": "mpv"})  # fmt: skip
    library.mark_watched([film], True)
    assert library.sync_shared() is None
    assert library.take_warnings() == []
    bedroom.kino("shared", "status")
    assert bedroom.watched()[odd] == (True, 0.0, 1)
    (play,) = bedroom.library().history()
    assert play["path"] == str(bedroom.root / odd) and play["id"] == bedroom.item_ids()[odd]


def test_a_change_the_database_refuses_never_blocks_the_queue(boxes: list[Box]) -> None:
    living, bedroom = boxes
    library = living.library()
    assert library.shared is not None
    bad = {"kind": "progress", "library": "Media", "path": "x.mkv", "fingerprint": None,
           "ids": {}, "at": "not a time", "box": "living", "fields": {"watched": {"watched": True}}}  # fmt: skip
    library.shared.queue.append([bad])
    data, _ = library.load()
    library.mark_watched([data.items[living.item_ids()[E2]]], True)
    assert library.sync_shared() is None
    assert library.shared.queue.pending() == []
    (line,) = library.take_warnings()
    assert "refused a change of progress for x.mkv" in line
    bedroom.kino("shared", "status")
    assert bedroom.watched() == {E2: (True, 0.0, 1)}


def test_an_item_new_on_a_box_gets_the_record_made_before_it_had_it(boxes: list[Box]) -> None:
    living, bedroom = boxes
    missing = bedroom.root / E4
    kept = missing.with_name("kept.bin")
    missing.rename(kept)  # the bedroom's copy of E4 has not arrived yet
    bedroom.kino("scan")
    living.kino("watched", str(living.root / E4))
    bedroom.kino("shared", "status")
    assert E4 not in bedroom.watched()
    kept.rename(missing)
    bedroom.kino("scan")
    bedroom.kino("shared", "status")
    assert bedroom.watched()[E4] == (True, 0.0, 1)


def test_without_the_driver_the_setting_says_how_to_install_it(boxes: list[Box]) -> None:
    living, bedroom = boxes
    code = (
        "import sys\nsys.modules['psycopg'] = None  # as if kino-tui[shared] was not installed\n"
        "from kino_tui.cli import run\nsys.exit(run(sys.argv[1:]))\n"
    )

    def kino_without_driver(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", code, *args], env=living.env(),
                              cwd=WORKTREE, capture_output=True, text=True, timeout=120)  # fmt: skip

    marked = kino_without_driver("watched", str(living.root / E1))
    assert marked.returncode == 0, marked.stderr
    assert "the PostgreSQL driver is missing" in marked.stderr
    assert "pip install 'kino-tui[shared]'" in marked.stderr and "(1 change queued)" in marked.stderr
    status = kino_without_driver("shared", "status")
    assert status.returncode == 1 and "reachable: no" in status.stdout
    living.kino("shared", "status")  # with the driver: the queued mark goes out
    bedroom.kino("shared", "status")
    assert bedroom.watched() == {E1: (True, 0.0, 1)}


def test_both_boxes_show_the_same_continue_watching_and_next_up(
    tmp_path: Path, media: dict[str, Path], url: str, server: PostgresServer, long_clip: Path
) -> None:
    long = "Movies/Long (2020)/Long (2020).mkv"
    living, bedroom = make_boxes(
        tmp_path, media, url, server.passfile, extra_files={long: long_clip}
    )
    library = living.library()
    data, _ = library.load()
    ids = living.item_ids()
    library.mark_watched([data.items[ids[E1]]], True)  # Next Up: E2
    library.watch.save(data.items[ids[long]],
                       Progress(position=120.0, duration=400.0, last_played=now_iso()))  # fmt: skip
    assert library.sync_shared() is None
    bedroom.kino("shared", "status")

    def section(box: Box, key: str) -> list[str]:
        items, _ = box.library().section_items(key)
        return [item.path.removeprefix(str(box.root) + "/") for item in items]

    assert section(living, "next-up") == [E2] == section(bedroom, "next-up")
    assert section(living, "continue-watching") == [long] == section(bedroom, "continue-watching")


def test_history_imported_on_one_box_reaches_the_other(boxes: list[Box]) -> None:
    living, bedroom = boxes
    # Kodi on the living room's copy had played the film: its NFO says so (the bedroom's
    # copy has no NFO); the import writes through the watch store, which queues it
    nfo = living.root / "Movies/Film (2010)/Film (2010).nfo"
    nfo.write_text(
        "<movie><title>Film</title><playcount>2</playcount>"
        "<lastplayed>2024-03-01 21:04:11</lastplayed></movie>"
    )
    living.kino("scan")  # the item now has its NFO
    result = living.kino("import", "nfo")
    assert result.stderr == "", result.stderr
    bedroom.kino("shared", "status")
    assert bedroom.watched()[FILM] == (True, 0.0, 2)
