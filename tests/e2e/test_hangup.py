"""A dropped connection: the terminal kino runs in goes away, and kino must end with it
(not spin on a dead terminal, as Textual's input thread does on end-of-file)."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kino_tui.core.models import LibraryRoot
from kino_tui.paths import KinoPaths
from kino_tui.service import Library
from tests.conftest import LibraryBuilder
from tests.ui.conftest import set_env

KINO = Path(sys.executable).with_name("kino")


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

    def wait_for(self, text: bytes, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            assert time.monotonic() < deadline, f"{text!r} never appeared: {self.seen[-500:]!r}"
            time.sleep(0.05)

    def hang_up(self) -> None:
        self._closing.set()
        self._reader.join()  # not reading a descriptor number that is closed (or reused)
        os.close(self.master)


def start_on_pty(
    kino_paths: KinoPaths, terminal: Pty, new_session: bool
) -> subprocess.Popen[bytes]:
    """kino on the pty. In a new session the pty is not its controlling terminal, so a
    hang-up sends no SIGHUP: kino has to notice the terminal is gone by itself."""
    env = {**set_env(kino_paths), "TERM": "xterm-256color"}
    process = subprocess.Popen(
        [str(KINO), "--images", "off"],
        stdin=terminal.slave,
        stdout=terminal.slave,
        stderr=terminal.slave,
        env=env,
        start_new_session=new_session,
    )
    os.close(terminal.slave)
    return process


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.fixture
def one_movie(kino_paths: KinoPaths, build_library: LibraryBuilder) -> KinoPaths:
    """A scanned library holding "Alien", the text that says kino is on screen."""
    root = build_library({"Movies/Alien (1979)/Alien (1979).avi": "mpeg4.avi"})
    Library(kino_paths).scan([LibraryRoot(str(root), "movies")])
    return kino_paths


def test_kino_ends_when_its_terminal_goes_away(one_movie: KinoPaths) -> None:
    kino_paths = one_movie
    terminal = Pty()
    process = start_on_pty(kino_paths, terminal, new_session=True)
    try:
        terminal.wait_for(b"Alien")
        terminal.hang_up()  # the connection drops
        process.wait(timeout=15)  # before the fix: still running, a core at 90 %
    finally:
        if process.poll() is None:
            spent = cpu_seconds(process.pid)
            process.kill()
            raise AssertionError(f"kino outlived its terminal (used {spent:.1f} s of CPU)")


def test_hangup_signal_ends_kino_cleanly(one_movie: KinoPaths) -> None:
    kino_paths = one_movie
    terminal = Pty()
    process = start_on_pty(kino_paths, terminal, new_session=False)
    try:
        terminal.wait_for(b"Alien")
        process.send_signal(signal.SIGHUP)
        assert process.wait(timeout=15) == 0  # an exit of its own, not death by signal
    finally:
        if process.poll() is None:
            process.kill()
        terminal.hang_up()
