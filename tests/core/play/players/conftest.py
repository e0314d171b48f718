"""Helpers to drive a real player from a test, the way a user at its keyboard would."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kino_tui.config.paths import KinoPaths
from kino_tui.core.models import LibraryRoot, MediaItem
from kino_tui.core.play.player_settings import PlayerSettings
from kino_tui.core.play.resume import ResumeRules
from kino_tui.core.play.session import PlaybackResult, PlaybackSession
from kino_tui.service import Library
from tests.conftest import LibraryBuilder

NULL_OUTPUT = {"mpv": ("--vo=null", "--ao=null"), "vlc": ("--vout=dummy", "--aout=dummy")}


def headless_settings(player: str = "mpv", **overrides: object) -> PlayerSettings:
    """Headless players in a window mode (detached), saving every second."""
    values: dict[str, object] = {
        "player": player,
        "mode": "window",
        "resume": "always",
        "rules": ResumeRules(save_interval=1.0),
        "extra_args": dict(NULL_OUTPUT),
    }
    values.update(overrides)
    return PlayerSettings(**values)  # type: ignore[arg-type]


class Running:
    """A playback session running in a thread, as the UI runs it."""

    def __init__(self, session: PlaybackSession) -> None:
        self.session = session
        self.result: PlaybackResult | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.result = self.session.run()
        except BaseException as error:
            self.error = error

    def wait(self, timeout: float = 60.0) -> PlaybackResult:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "playback did not end"
        if self.error is not None:
            raise self.error
        assert self.result is not None
        return self.result


def wait_for_socket(session: PlaybackSession, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        path = session.ipc_path
        if "XXXXXXXX" not in path and os.path.exists(path):
            return path
        time.sleep(0.05)
    raise AssertionError("the player's control socket never appeared")


class MpvClient:
    """A second client on mpv's IPC socket: seek, pause, quit; watch time-pos."""

    def __init__(self, path: str) -> None:
        deadline = time.monotonic() + 20
        while True:  # the socket file exists a moment before mpv listens on it
            self.socket = socket.socket(socket.AF_UNIX)
            try:
                self.socket.connect(path)
                break
            except ConnectionRefusedError:
                self.socket.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.position: float | None = None
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.command("observe_property", 1, "time-pos")

    def _read(self) -> None:
        buffer = b""
        while chunk := self._recv():
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                message = json.loads(line)
                if message.get("name") == "time-pos" and message.get("data") is not None:
                    self.position = float(message["data"])

    def _recv(self) -> bytes:
        try:
            return self.socket.recv(65536)
        except OSError:
            return b""

    def command(self, *args: object) -> None:
        self.socket.sendall(json.dumps({"command": list(args)}).encode() + b"\n")

    def seek_to(self, position: float) -> float:
        """Seek as a user would and wait until mpv reports the new position."""
        self.wait_position(lambda p: p >= 0)
        self.command("seek", position, "absolute")
        return self.wait_position(lambda p: p >= position)

    def wait_position(self, test: Callable[[float], bool], timeout: float = 20.0) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.position is not None and test(self.position):
                return self.position
            time.sleep(0.05)
        raise AssertionError(f"mpv never reached the position (last {self.position})")


@pytest.fixture
def long_movie(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> Iterator[tuple[Library, MediaItem]]:
    """A scanned library holding one 400-second movie."""
    root = build_library({"Movies/Long (2020)/Long (2020).mkv": "long.mkv"})
    library = Library(kino_paths)
    library.scan([LibraryRoot(str(root), "movies")])
    items = list(library.load()[0].items.values())
    assert len(items) == 1
    yield library, items[0]


def socket_dir_mode(path: str) -> int:
    return Path(path).parent.stat().st_mode & 0o777
