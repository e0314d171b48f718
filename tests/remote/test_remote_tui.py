"""``kino --remote box`` in a real terminal (tmux, run by the laptop user): the browser
shows the box's library, plays from it, and the watched mark lands on the box."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest

from tests.helpers.remote import box_progress, item_id
from tests.remote.sshbox import Link

TMUX = shutil.which("tmux") or "tmux"
SOCKET = f"kino-remote-tests-{os.getpid()}"  # one a test process (parallel workers)


class Terminal:
    def __init__(self, link: Link) -> None:
        self.link = link
        self.session = "kino-remote"

    def tmux(self, *args: str) -> str:
        process = self.link.laptop.popen(
            [TMUX, "-L", SOCKET, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        out, err = process.communicate(timeout=30)
        assert process.returncode == 0, err
        return out

    def start(self, command: list[str]) -> None:
        self.tmux("new-session", "-d", "-s", self.session, "-x", "100", "-y", "30",
                  shlex.join(command))  # fmt: skip
        self.tmux("set-option", "-t", self.session, "remain-on-exit", "on")

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.session)

    def wait_for(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.session, *keys)


@pytest.fixture
def terminal(box_state: Link) -> Iterator[Terminal]:
    shown = Terminal(box_state)
    yield shown
    box_state.laptop.popen([TMUX, "-L", SOCKET, "kill-server"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).wait(30)  # fmt: skip


def test_the_browser_shows_the_box_library_and_plays_from_it(
    terminal: Terminal, box_state: Link
) -> None:
    link = box_state
    film = item_id(link, "Long Film")
    terminal.start(link.laptop.kino("--remote", "box", "--images", "halfcell"))
    terminal.wait_for("Short Film")
    screen = terminal.wait_for("Long Film")
    assert "Secret" in screen
    # Sorted by title: Caf\xe9, Long Film, Parted Film, Secret, Short Film. Play the second.
    terminal.keys("g", "j", "Enter")
    deadline = time.monotonic() + 60
    while not box_progress(link, film)["watched"]:
        assert time.monotonic() < deadline, terminal.screen()
        time.sleep(0.5)
    terminal.wait_for("Long Film")  # back in the browser after the play
    # Short Film's poster comes through the connection and is cached on the laptop.
    thumbnails = link.laptop.home / ".cache" / "kino" / "thumbnails"
    # (the frames the box takes since issue 21 may be cached already: Short Film's
    # picture is the one that appears after the cursor comes to rest on it)
    before = set(thumbnails.glob("*.png"))
    terminal.keys("G")
    deadline = time.monotonic() + 30
    while not set(thumbnails.glob("*.png")) - before or "▀" not in terminal.screen():
        assert time.monotonic() < deadline, terminal.screen()
        time.sleep(0.3)
    assert "▀" in terminal.screen()  # drawn in half blocks
    terminal.keys("q")
    deadline = time.monotonic() + 20
    while "kino" in terminal.tmux("list-panes", "-t", terminal.session, "-F",
                                  "#{pane_current_command}"):  # fmt: skip
        assert time.monotonic() < deadline, terminal.screen()
        time.sleep(0.2)
