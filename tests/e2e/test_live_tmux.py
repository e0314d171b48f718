"""Live updates in a real terminal: a movie copied into a watched root while kino runs in
tmux shows up on the screen without a key pressed."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

from kino_tui.config.paths import KinoPaths
from tests.conftest import LibraryBuilder
from tests.helpers.terminals import exit_status, send


def test_a_copied_movie_appears_in_kino_running_in_tmux(
    terminal: Callable[[str], str],
    kino_paths: KinoPaths,
    build_library: LibraryBuilder,
    media: dict[str, Path],
    run_kino,  # type: ignore[no-untyped-def]
) -> None:
    root = build_library({"Movies/Zodiac (2007)/Zodiac (2007).mkv": "h264.mkv"})
    run_kino("scan", str(root))
    wait = terminal
    wait.start()  # type: ignore[attr-defined]
    screen = wait("Zodiac (2007)")
    assert "Heat" not in screen
    time.sleep(1.5)  # the watches are set up on a thread as kino opens (a busy box is slow)
    folder = root / "Movies/Heat (1995)"
    folder.mkdir()
    shutil.copyfile(media["h264.mkv"], folder / "Heat (1995).mkv")
    screen = wait("Heat (1995)", timeout=30)
    assert "Zodiac (2007)" in screen and "Library updated" in screen
    send(wait.session, "q")  # type: ignore[attr-defined]
    assert exit_status(wait) == "0"
