"""The main screens at 60×20, 80×24, 120×40 and 200×60 in a real terminal (tmux): titles,
the sort label and dialog hints whole, the sections pane folded away below 100 columns
and shown by its key."""

from __future__ import annotations

import shlex
import subprocess
import time
from pathlib import Path

import pytest

from kino_tui.config.paths import KinoPaths
from tests.conftest import LibraryBuilder
from tests.helpers.terminals import KINO, TMUX, send, tmux, until_gone
from tests.helpers.ui import set_env

SIZES = [
    # at 60×20 an expired notice ("Sorted by title") stayed on the terminal over the status
    # line until kino repainted the whole screen when a notice goes (app._unnotify)
    (60, 20),
    (80, 24),
    (120, 40),
    (200, 60),
]


def _screen(session: str) -> str:
    return tmux("capture-pane", "-p", "-t", session)


def _wait(session: str, text: str, timeout: float = 15.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = _screen(session)
        if text in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_nothing_is_cut_on_the_main_screens(
    width: int,
    height: int,
    kino_paths: KinoPaths,
    build_library: LibraryBuilder,
    run_kino,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    root = build_library(
        {
            "Movies/Blade Runner 2049 (2017)/Blade Runner 2049 (2017).avi": "mpeg4.avi",
            "Movies/Alien (1979)/Alien (1979).avi": "mpeg4.avi",
            "TV/Dark/Season 01/Dark S01E01.mkv": "h264.mkv",
        }
    )
    run_kino("scan", str(root))
    env = set_env(kino_paths)
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items() if k.startswith("XDG_"))
    session = f"kino-layout-{width}x{height}-{tmp_path.name[-12:]}"
    # COLUMNS and LINES unset: a tmux server started by another program may carry them
    # (80 and 24), and Textual would take them over the terminal's real size
    kino = (
        f"env -u COLUMNS -u LINES {exports} TERM=xterm-256color "
        f"{shlex.quote(str(KINO))} --images halfcell"
    )
    tmux("new-session", "-d", "-s", session, "-x", str(width), "-y", str(height), kino)
    try:
        screen = _wait(session, "Alien (1979)")
        assert "Blade Runner 2049 (2017)" in screen, screen  # was "Blade Runner 2049 (20…"
        narrow = width < 100
        assert ("Continue Watching" in screen) is not narrow, screen  # folded away below 100
        time.sleep(0.5)
        send(session, "s")
        screen = _wait(session, "(sorted by ")
        line = next(line for line in screen.splitlines() if "(sorted by " in line)
        crumbs = next(pane for pane in line.split("│") if "(sorted by " in pane)  # the list's
        assert crumbs.rstrip().endswith(")"), screen  # the whole label, not "(sorted by"
        until_gone(session, "Sorted by")  # the notice
        send(session, "a")
        screen = _wait(session, "Add a library folder")
        assert "Enter to add, Escape to cancel" in screen, screen  # "Escape to c" was cut
        send(session, "Escape")
        until_gone(session, "Add a library folder")
        if narrow:
            send(session, "-l", "\\")
            screen = _wait(session, "Continue Watching")
            assert "All Videos" in screen
        time.sleep(0.3)
        send(session, "q")
    finally:
        subprocess.run([TMUX or "tmux", "kill-session", "-t", session], capture_output=True)
