"""Fixtures of the end-to-end tests: kino in a real terminal."""

from __future__ import annotations

import shlex
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kino_tui.config.paths import KinoPaths
from tests.helpers.terminals import KINO, TMUX, tmux
from tests.helpers.ui import set_env


@pytest.fixture
def terminal(kino_paths: KinoPaths, tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """kino in a detached 80×24 tmux session: yields a function that waits for text, with
    ``.start()`` to launch kino (after the test has scanned its library)."""
    session = f"kino-e2e-{tmp_path.name[-20:]}"
    env = set_env(kino_paths)
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items() if k.startswith("XDG_"))
    status_file = tmp_path / "kino-exit-status"
    kino = f"env {exports} TERM=xterm-256color {shlex.quote(str(KINO))} --images halfcell"
    command = f"{kino}; echo $? > {shlex.quote(str(status_file))}"
    started = False

    def start() -> None:
        nonlocal started
        if not started:
            # A session that stays: the test's own tmux server (tests/conftest.py) would
            # end with kino's session, and a test starting kino again could reach it
            # while it exits (new-session then fails).
            tmux("new-session", "-d", "-s", "anchor", "cat")
        tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", command)
        tmux("set-option", "-t", session, "remain-on-exit", "on")
        started = True

    def wait_for(text: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = tmux("capture-pane", "-p", "-t", session)
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")

    wait_for.session = session  # type: ignore[attr-defined]
    wait_for.start = start  # type: ignore[attr-defined]
    wait_for.status_file = status_file  # type: ignore[attr-defined]
    yield wait_for
    if started:
        subprocess.run([TMUX or "tmux", "kill-session", "-t", session], capture_output=True)
