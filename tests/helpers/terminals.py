"""Real terminals: tmux sessions and pseudo-terminals kino runs in."""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

TMUX = shutil.which("tmux")
KINO = Path(sys.executable).with_name("kino")


def tmux(*args: str) -> str:
    assert TMUX, "tmux is required: apt-get install tmux (the README's test command does)"
    return subprocess.run(
        [TMUX, *args], check=True, capture_output=True, text=True, timeout=30
    ).stdout


def exit_status(wait: Callable[[str], str], timeout: float = 15.0) -> str:
    """kino's exit status, written by the shell that ran it."""
    status_file: Path = wait.status_file  # type: ignore[attr-defined]
    deadline = time.monotonic() + timeout
    while not status_file.exists() or not status_file.read_text().strip():
        assert time.monotonic() < deadline, "kino did not quit on q:\n" + tmux(
            "capture-pane",
            "-p",
            "-t",
            wait.session,  # type: ignore[attr-defined]
        )
        time.sleep(0.1)
    return status_file.read_text().strip()


def until_gone(session: str, text: str, timeout: float = 15.0, settle: float = 1.0) -> str:
    """Wait until ``text`` has left the tmux session's screen and stayed away ``settle``
    seconds; that screen. (A notice in Textual's toast rack can be scrolled out of sight
    by a later one at 60×20 and come back when that one ends: seen once, a notice "gone"
    showed again over the next dialog.)"""
    deadline = time.monotonic() + timeout
    away_since: float | None = None
    while True:
        screen = tmux("capture-pane", "-p", "-t", session)
        now = time.monotonic()
        if text in screen:
            away_since = None
            assert now < deadline, f"{text!r} stayed:\n{screen}"
        elif away_since is None:
            away_since = now
        elif now - away_since >= settle:
            return screen
        time.sleep(0.1)


def send(session: str, *keys: str) -> None:
    tmux("send-keys", "-t", session, *keys)


class Pty:
    """The far end of kino's terminal, read all the time (a full pty would block kino)."""

    def __init__(self) -> None:
        self.master, self.slave = pty.openpty()
        self.seen = b""
        self._closing = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while not self._closing.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if ready:
                try:
                    self.seen += os.read(self.master, 65536)
                except OSError:  # EIO: kino's side is closed
                    return

    def wait_for(
        self, text: bytes, timeout: float = 20.0, process: subprocess.Popen[bytes] | None = None
    ) -> None:
        """Wait for ``text``; with ``process``, give up soon after it has ended."""
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            ended = (
                process is not None
                and process.poll() is not None
                and (time.sleep(0.5) or text not in self.seen)
            )
            if ended or time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared: {self.seen[-800:]!r}")
            time.sleep(0.05)

    def hang_up(self) -> None:
        self._closing.set()
        self._reader.join()  # not reading a descriptor number that is closed (or reused)
        os.close(self.master)
