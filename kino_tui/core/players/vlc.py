"""VLC: resume with ``--start-time``, follow playback through its remote-control socket.

The ``oldrc`` interface answers ``get_time``/``get_length`` with whole seconds and
announces ``new input``, pause, play and end as status lines.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
import urllib.parse
from typing import ClassVar

from kino_tui.core.errors import PlayerError
from kino_tui.core.players.base import Emit, Player, PlayerState, connect_unix, read_lines
from kino_tui.core.tracks import TrackSelection

POLL_SECONDS = 1.0
ROOT_REFUSAL = (
    'VLC refuses to run as root: use mpv (player = "mpv" in config.toml, '
    "or kino play --player mpv) or run kino as a normal user"
)
_STATUS = re.compile(
    r"status change: \( (?P<what>[\w ]+?)(?:: (?P<value>.*?))? \)(?:: (?P<word>\w+))?"
)


def track_args(tracks: TrackSelection) -> list[str]:
    """VLC's options for one item's streams (``vlc -H``): ``--audio-track`` and
    ``--sub-track`` count from 0; an external subtitle is ``--sub-file`` (VLC shows a
    file given so); no subtitles is ``--no-spu``."""
    args = []
    if tracks.audio is not None:
        args.append(f"--audio-track={tracks.audio - 1}")
    if tracks.subtitles_off:
        args.append("--no-spu")
    elif tracks.subtitle_file is not None:
        args.append(f"--sub-file={tracks.subtitle_file}")
    elif tracks.subtitle is not None:
        args.append(f"--sub-track={tracks.subtitle - 1}")
    return args


class VlcPlayer(Player):
    """VLC, through its remote-control interface on a private Unix socket."""

    name: ClassVar[str] = "vlc"

    def check_can_run(self) -> None:
        if os.geteuid() == 0:
            raise PlayerError(ROOT_REFUSAL)

    def argv(self) -> list[str]:
        options = self.options
        argv = [
            *options.command,
            "--extraintf=oldrc",
            f"--rc-unix={self.ipc_path}",
            "--rc-fake-tty",
            "--play-and-exit",
        ]
        if options.start > 0:
            argv.append(f"--start-time={options.start:.3f}")
        if options.title:
            argv.append(f"--meta-title={options.title}")
        if options.audio_only:
            argv += ["--intf=dummy", "--no-video"]
        elif not options.window:
            argv.append("--intf=dummy")  # VLC has no video in a terminal: sound only
        argv += track_args(options.tracks_of(0))
        if options.audio_languages:
            argv.append("--audio-language=" + ",".join(options.audio_languages))
        if options.subtitle_languages:
            argv.append("--sub-language=" + ",".join(options.subtitle_languages))
        argv += options.extra_args
        return [*argv, "--", *self.parts]

    def explain_exit(self, returncode: int, output: str) -> str | None:
        if "not supposed to be run as root" in output:  # a configured wrapper ran it as root
            return ROOT_REFUSAL
        return super().explain_exit(returncode, output)

    def seek(self, position: float) -> bool:
        return self._send(f"seek {int(position)}\n".encode())

    def quit(self) -> bool:
        return self._send(b"quit\n")

    def toggle_pause(self) -> bool:
        return self._send(b"pause\n")

    def seek_by(self, seconds: float) -> bool:
        here = self._followed.position if self._followed is not None else None
        return self.seek(max(0.0, (here or 0.0) + seconds))

    def change_volume(self, step: int) -> bool:
        command = "volup" if step > 0 else "voldown"
        return self._send(f"{command} {abs(step)}\n".encode())

    #: The state :meth:`follow` keeps current (VLC seeks only to absolute positions).
    _followed: PlayerState | None = None

    def follow(self, process: subprocess.Popen[bytes], state: PlayerState, emit: Emit) -> None:
        self._followed = state
        client = connect_unix(self.ipc_path, process)
        if client is None:
            return
        self._connected(client)
        # One question at a time, so each number answers the question just asked.
        asked: list[str] = []
        answered = threading.Event()
        closed = threading.Event()

        def poll() -> None:
            while not closed.wait(POLL_SECONDS):
                for question in ("time", "length"):
                    answered.clear()
                    asked[:] = [question]
                    if not self._send(f"get_{question}\n".encode()):
                        return
                    answered.wait(POLL_SECONDS)
                    asked.clear()

        poller = threading.Thread(target=poll, name="kino-vlc-poll", daemon=True)
        poller.start()
        paths = [os.path.abspath(part) for part in self.parts]
        try:
            for line in read_lines(client):
                line = line.strip()
                if line.isdigit():
                    if asked:
                        self._answer(asked[0], float(line), state, emit)
                        asked.clear()
                        answered.set()
                    continue
                match = _STATUS.match(line)
                if match:
                    self._status(match, paths, state, emit)
        finally:
            closed.set()
            client.close()

    def _answer(self, asked: str | None, value: float, state: PlayerState, emit: Emit) -> None:
        if asked == "length" and value > 0:
            state.part_lengths[state.part] = value
            if len(self.parts) == 1:
                state.duration = value
        elif asked == "time":
            offset = sum(state.part_lengths.get(n, 0.0) for n in range(state.part))
            state.position = offset + value
            emit("position")

    def _status(
        self, match: re.Match[str], paths: list[str], state: PlayerState, emit: Emit
    ) -> None:
        what, value, word = match["what"], match["value"] or "", match["word"] or ""
        if what == "new input":
            path = _path_from_uri(value)
            if path in paths:
                state.part = paths.index(path)
        elif word == "Pause":
            state.paused = True
            emit("pause")
        elif word == "Play":
            state.paused = False
            emit("pause")
        elif word == "End" and state.part == len(self.parts) - 1:
            state.reached_end = True
            emit("end")


def _path_from_uri(uri: str) -> str:
    if uri.startswith("file://"):
        return os.fsdecode(urllib.parse.unquote_to_bytes(uri[len("file://") :]))
    return uri
