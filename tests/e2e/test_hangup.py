"""A dropped connection: the terminal kino runs in goes away, and kino must end with it
(not spin on a dead terminal, as Textual's input thread does on end-of-file)."""

from __future__ import annotations

import contextlib
import json
import os
import pty
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kino_tui.config.paths import KinoPaths
from kino_tui.core.models import LibraryRoot
from kino_tui.service import Library
from tests.conftest import LibraryBuilder
from tests.helpers.terminals import Pty
from tests.helpers.ui import set_env

KINO = Path(sys.executable).with_name("kino")


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


def test_kino_started_on_a_terminal_already_gone_ends(one_movie: KinoPaths) -> None:
    """The connection dropped while kino was being started: Textual starts on a dead pty
    (before, kino then spun on it for good: the check for a gone terminal was only set up
    when the terminal was there at start)."""
    master, slave = pty.openpty()
    os.close(master)
    process = subprocess.Popen(
        [str(KINO), "--images", "off"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**set_env(one_movie), "TERM": "xterm-256color"},
        start_new_session=True,
    )
    os.close(slave)
    try:
        process.wait(timeout=15)
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


PLAYING = """\
playback = "window"
resume = "never"

[mpv]
args = ["--vo=null", "--ao=null", "--start=100"]
"""


def children(pid: int) -> list[int]:
    """The processes ``pid`` started (still running), from /proc."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.parametrize("how", ["SIGHUP", "SIGTERM", "terminal gone"])
def test_a_player_kino_started_is_stopped_and_its_progress_saved(
    how: str, kino_paths: KinoPaths, build_library: LibraryBuilder, run_kino
) -> None:
    """kino ending with its terminal (or told to end) first stops the mpv it started in a
    window (a player of its own session, which the hang-up does not reach) and saves how
    far it got."""
    root = build_library({"Movies/Long (2020)/Long (2020).mkv": "long.mkv"})
    kino_paths.config_dir.mkdir(parents=True)
    kino_paths.config_file.write_text(PLAYING)
    Library(kino_paths).scan([LibraryRoot(str(root), "movies")])
    terminal = Pty()
    process = start_on_pty(kino_paths, terminal, new_session=how == "terminal gone")
    player = None
    try:
        terminal.wait_for(b"Long")
        os.write(terminal.master, b"\r")  # play
        terminal.wait_for(b"[mpv]")  # the now-playing line
        deadline = time.monotonic() + 10
        while player is None:
            assert time.monotonic() < deadline, "mpv never started"
            player = next((p for p in children(process.pid) if running(p)), None)
            time.sleep(0.05)
        time.sleep(2.0)  # mpv plays from 100 s and says where it is
        if how == "terminal gone":
            terminal.hang_up()
        else:
            process.send_signal(getattr(signal, how))
        assert process.wait(timeout=15) == 0  # an exit of its own, not death by signal
        if how != "terminal gone":
            terminal.wait_for(b"\x1b[?1049l", timeout=5)  # a terminal still there is restored
        deadline = time.monotonic() + 5
        while running(player):
            assert time.monotonic() < deadline, "mpv outlived kino"
            time.sleep(0.05)
    finally:
        if process.poll() is None:
            process.kill()
        if player is not None and running(player):
            os.kill(player, signal.SIGKILL)
        if how != "terminal gone":
            terminal.hang_up()
    (item,) = json.loads(run_kino("ls", "--json").stdout)
    assert item["progress"]["position"] >= 100  # saved at the position mpv reached
    (play,) = json.loads(run_kino("history", "--json").stdout)
    assert play["position"] >= 100 and play["error"] is None
