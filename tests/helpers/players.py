"""Real players in tests: mpv's and VLC's sessions and sockets, headless settings,
VLC as an unprivileged user, media with several audio and subtitle streams."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kino_tui.core.play.player_settings import PlayerSettings
from kino_tui.core.play.resume import ResumeRules
from kino_tui.core.play.session import PlaybackResult, PlaybackSession
from tests.conftest import ffmpeg

AS_ROOT = os.geteuid() == 0

NOBODY = 65534
NULL_OUTPUT = {"mpv": ("--vo=null", "--ao=null"), "vlc": ("--vout=dummy", "--aout=dummy")}


def as_nobody(scenario: Callable[[], None], timeout: float = 120.0) -> None:
    """Run ``scenario`` in a forked child that dropped to ``nobody``; fail with its traceback."""
    if not AS_ROOT:
        scenario()  # already an unprivileged user
        return
    import kino_tui.cli.commands  # noqa: F401  (everything imported before the privileges go)

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child)
        os.close(read_end)
        code = 1
        try:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            scenario()
            code = 0
        except BaseException:
            os.write(write_end, traceback.format_exc().encode())
        finally:
            os._exit(code)
    os.close(write_end)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            raise AssertionError("the scenario as nobody did not finish")
        time.sleep(0.05)
    with os.fdopen(read_end, "rb") as pipe:
        failure = pipe.read().decode("utf-8", "replace")
    assert os.waitstatus_to_exitcode(status) == 0, f"as nobody:\n{failure}"


def make_episode(path: Path, languages: tuple[str, str]) -> None:
    subtitle = path.with_suffix(".forced.srt")
    subtitle.write_text("1\n00:00:00,000 --> 00:00:20,000\nSIGN\n")
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc=s=32x32:d=20:r=5",
        "-f", "lavfi", "-i", "sine=f=440:d=20",
        "-f", "lavfi", "-i", "sine=f=660:d=20",
        "-i", str(subtitle),
        "-map", "0", "-map", "1", "-map", "2", "-map", "3",
        "-c:v", "mpeg4", "-c:a", "aac", "-c:s", "srt",
        "-metadata:s:a:0", f"language={languages[0]}",
        "-metadata:s:a:0", "title=Main",
        "-metadata:s:a:1", f"language={languages[1]}",
        "-metadata:s:s:0", "language=eng",
        "-metadata:s:s:0", "title=Signs",
        "-disposition:s:0", "forced",
        str(path),
    )  # fmt: skip
    subtitle.unlink()


#: mpv with a sound output that cannot open, on any machine: it plays on with none
#: (kino's ``--audio-fallback-to-null``), as over SSH on a box without a sound card.
NO_SOUND_DEVICE = ("--vo=null", "--ao=alsa", "--audio-device=alsa/kino-no-such-device")


def make_album(folder: Path, titles: list[str], seconds: float = 0.288) -> None:
    """Real MP3s of ``seconds`` each, ``01 - Track 1.mp3``…, each titled by its ID3 tag
    (written with mutagen), by Band, on the album Short."""
    from mutagen.easyid3 import EasyID3

    folder.mkdir(parents=True)
    for number, title in enumerate(titles, start=1):
        path = folder / f"{number:02d} - Track {number}.mp3"
        ffmpeg("-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
               "-c:a", "libmp3lame", str(path))  # fmt: skip
        tags = EasyID3()
        tags.update({"title": title, "artist": "Band", "album": "Short",
                     "tracknumber": str(number)})  # fmt: skip
        tags.save(path)


class MpvTracks:
    """Asks a running mpv which streams it plays (``current-tracks``)."""

    def __init__(self, path: str) -> None:
        self.socket = _connected(path)
        self.socket.settimeout(5)
        self.buffer = b""
        self.asked = 0

    def get(self, name: str) -> Any:
        self.asked += 1
        request = {"command": ["get_property", name], "request_id": self.asked}
        self.socket.sendall(json.dumps(request).encode() + b"\n")
        while True:
            while b"\n" not in self.buffer:
                self.buffer += self.socket.recv(65536)
            line, self.buffer = self.buffer.split(b"\n", 1)
            message = json.loads(line)
            if message.get("request_id") == self.asked:
                return message.get("data") if message.get("error") == "success" else None

    def wait_for(self, name: str, value: Any, timeout: float = 20.0) -> None:
        """Until mpv's property ``name`` is ``value`` (a command sent is applied later)."""
        deadline = time.monotonic() + timeout
        while self.get(name) != value:
            assert time.monotonic() < deadline, f"mpv's {name} never became {value!r}"
            time.sleep(0.05)

    def playing(self, path: str, timeout: float = 20.0) -> tuple[dict[str, Any], dict[str, Any]]:
        """The audio and subtitle tracks once ``path`` is loaded."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            # playback-time is there once the file is loaded and its streams selected
            if self.get("path") == path and self.get("playback-time") is not None:
                audio, sub = self.get("current-tracks/audio"), self.get("current-tracks/sub")
                if audio is not None:
                    return audio, sub or {}
            time.sleep(0.05)
        raise AssertionError(f"mpv never played {path}")

    def quit(self, timeout: float = 20.0) -> None:
        """Ask mpv to quit and keep this connection until mpv has closed it: mpv may drop
        a command from a client that hung up before mpv read it (1 in 30 quits was lost
        when the socket was closed right after sending)."""
        self.socket.sendall(b'{"command": ["quit"]}\n')
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if not self.socket.recv(65536):
                    break  # mpv closed its end: it is exiting
            except TimeoutError:
                continue
            except OSError:
                break
        self.close()

    def close(self) -> None:
        self.socket.close()


def _connected(path: str, timeout: float = 20.0) -> socket.socket:
    """A client of mpv's socket; the socket file exists a moment before mpv listens."""
    deadline = time.monotonic() + timeout
    while True:
        client = socket.socket(socket.AF_UNIX)
        try:
            client.connect(path)
            return client
        except ConnectionRefusedError:
            client.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


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
        self.socket = _connected(path)
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


def socket_dir_mode(path: str) -> int:
    return Path(path).parent.stat().st_mode & 0o777
