"""Keys during a play in the terminal (the SSH case): real kino, real mpv, tmux."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from kino_tui.config.paths import KinoPaths
from kino_tui.core.models import Progress
from kino_tui.service import Library
from tests.conftest import LibraryBuilder
from tests.helpers.terminals import send, tmux


def _mpv_running(marker: str) -> bool:
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if cmdline and cmdline[0].endswith(b"mpv") and marker.encode() in cmdline:
            return True
    return False


def test_ctrl_c_during_a_terminal_play_stops_the_player_and_returns_to_kino(
    terminal: Callable[[str], str],
    kino_paths: KinoPaths,
    build_library: LibraryBuilder,
    run_kino,  # type: ignore[no-untyped-def]
) -> None:
    """Ctrl+C is the player's, like q: mpv stops, the position is saved and kino's browser
    is back (it used to end kino, back to the shell)."""
    kino_paths.config_dir.mkdir(parents=True, exist_ok=True)
    kino_paths.config_file.write_text(
        'playback = "terminal"\nresume = "always"\n[mpv]\nargs = ["--ao=null"]\n'
    )
    root = build_library({"Movies/Long (2020)/Long (2020).mkv": "long.mkv"})
    run_kino("scan", str(root))
    (item,) = json.loads(run_kino("ls", "--json").stdout)
    library = Library(kino_paths)
    library.watch.save(library.find_items(item["id"])[0][0], Progress(position=100.0))
    wait = terminal
    wait.start()  # type: ignore[attr-defined]
    session = wait.session  # type: ignore[attr-defined]
    wait("Long (2020)")
    send(session, "Enter")
    marker = str(root / "Movies/Long (2020)/Long (2020).mkv")
    deadline = time.monotonic() + 20
    while not _mpv_running(marker):
        assert time.monotonic() < deadline, "mpv did not start"
        time.sleep(0.1)
    time.sleep(3)
    send(session, "C-c")
    deadline = time.monotonic() + 10
    while _mpv_running(marker):
        assert time.monotonic() < deadline, "mpv did not stop on Ctrl+C"
        time.sleep(0.1)
    screen = wait("Long (2020)")
    time.sleep(1.0)  # kino would have ended by now
    status_file: Path = wait.status_file  # type: ignore[attr-defined]
    assert not status_file.exists(), "kino ended on Ctrl+C:\n" + tmux(
        "capture-pane", "-p", "-t", session
    )
    screen = tmux("capture-pane", "-p", "-t", session)
    assert "Long (2020)" in screen and "Traceback" not in screen  # the browser, as it was
    saved = library.watch.get(item["id"])
    assert 101.0 < saved.position < 160 and not saved.watched
    plays = json.loads(run_kino("history", "--json").stdout)
    assert len(plays) == 1 and plays[0]["error"] is None
    send(session, "q")
    deadline = time.monotonic() + 15
    while not status_file.exists() or not status_file.read_text().strip():
        assert time.monotonic() < deadline, "q did not quit"
        time.sleep(0.1)
    assert status_file.read_text().strip() == "0"


def test_a_player_that_fails_in_the_terminal_is_explained_with_its_own_lines(
    terminal: Callable[[str], str],
    kino_paths: KinoPaths,
    build_library: LibraryBuilder,
    run_kino,  # type: ignore[no-untyped-def]
) -> None:
    """mpv fails in the terminal; kino redraws over its messages. The notice keeps what
    mpv said (it pointed at "its own messages were on the terminal", wiped by then)."""
    kino_paths.config_dir.mkdir(parents=True, exist_ok=True)
    kino_paths.config_file.write_text(
        'playback = "terminal"\n[mpv]\nargs = ["--ao=null", "--demuxer=mkv"]\n'
    )
    root = build_library({"Movies/Alien (1979)/Alien (1979).avi": "mpeg4.avi"})
    run_kino("scan", str(root))
    wait = terminal
    wait.start()  # type: ignore[attr-defined]
    session = wait.session  # type: ignore[attr-defined]
    wait("Duration")  # the detail pane: the list is loaded and has the keys
    send(session, "Enter")
    # mpv says it over its socket too (when kino is connected in time): either way the
    # notice keeps mpv's own line from its log
    screen = wait("Cannot play", timeout=20)
    column = [line.rpartition("▌")[2] for line in screen.splitlines() if "▌" in line]
    notice = " ".join(" ".join(column).split())  # the notice's own lines, unwrapped
    assert "Failed to recognize file format" in notice, screen  # mpv's own words
    assert "messages were on the terminal" not in screen
    send(session, "q")
    deadline = time.monotonic() + 15
    status_file: Path = wait.status_file  # type: ignore[attr-defined]
    while not status_file.exists() or not status_file.read_text().strip():
        assert time.monotonic() < deadline, "q did not quit"
        time.sleep(0.1)
