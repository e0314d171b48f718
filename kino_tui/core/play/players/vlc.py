"""VLC: resume with ``:start-time=``, follow playback through its remote-control socket.

The ``oldrc`` interface answers ``get_time``/``get_length`` with whole seconds and
announces ``new input``, pause, play and end as status lines. A queue is VLC's playlist:
every item's parts on the command line (the first item's resume point as its own
``:start-time=`` option), ``next``/``prev``/``enqueue`` over the socket, and the item
that plays is recognised by the file of each ``new input``.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
import urllib.parse
from collections import deque
from typing import ClassVar

from kino_tui.core.errors import PlayerError
from kino_tui.core.play.players.base import (
    Change,
    Emit,
    LaunchOptions,
    Player,
    PlayerState,
    connect_unix,
    read_lines,
)
from kino_tui.core.play.tracks import TrackSelection

POLL_SECONDS = 1.0
ROOT_REFUSAL = (
    'VLC refuses to run as root: use mpv (player = "mpv" in config.toml, '
    "or kino play --player mpv) or run kino as a normal user"
)
_STATUS = re.compile(
    r"status change: \( (?P<what>[\w ]+?)(?:: (?P<value>.*?))? \)(?:: (?P<word>\w+))?"
)

#: Questions VLC has not answered yet beyond which kino stops asking more.
MAX_PENDING = 4


def track_args(tracks: TrackSelection) -> list[str]:
    """VLC's options for one item's streams (``vlc -H``), as options of that item of the
    playlist (``:audio-track=1`` after its path), so they never carry over to the next
    one: ``audio-track`` and ``sub-track`` count from 0; an external subtitle is
    ``sub-file`` (VLC shows a file given so); no subtitles is ``no-spu``."""
    args = []
    if tracks.audio is not None:
        args.append(f":audio-track={tracks.audio - 1}")
    if tracks.subtitles_off:
        args.append(":no-spu")
    elif tracks.subtitle_file is not None:
        args.append(f":sub-file={tracks.subtitle_file}")
    elif tracks.subtitle is not None:
        args.append(f":sub-track={tracks.subtitle - 1}")
    return args


def _item_args(parts: list[str], options: list[str]) -> list[str]:
    """An item's parts with its own options after its first part (VLC applies ``:option``
    arguments to the playlist item they follow)."""
    return [parts[0], *options, *parts[1:]] if parts else []


class VlcPlayer(Player):
    """VLC, through its remote-control interface on a private Unix socket."""

    name: ClassVar[str] = "vlc"

    def __init__(self, parts: list[str], options: LaunchOptions, ipc_path: str) -> None:
        super().__init__(parts, options, ipc_path)
        #: The items added while VLC plays (``enqueue``), by their parts.
        self._appended: list[list[str]] = []

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
        if options.title and not options.following:  # a title for the whole playlist
            argv.append(f"--meta-title={options.title}")
        if options.audio_only:
            argv += ["--intf=dummy", "--no-video"]
        elif not options.window:
            argv.append("--intf=dummy")  # VLC has no video in a terminal: sound only
        if options.audio_languages:
            argv.append("--audio-language=" + ",".join(options.audio_languages))
        if options.subtitle_languages:
            argv.append("--sub-language=" + ",".join(options.subtitle_languages))
        argv += options.extra_args
        own = track_args(options.tracks_of(0))
        if options.start > 0 and not options.following:
            argv.append(f"--start-time={options.start:.3f}")
        elif options.start > 0:
            # an option of this item: a global --start-time would start every item of
            # the playlist there
            own.insert(0, f":start-time={options.start:.3f}")
        first = _item_args(list(self.parts), own)
        following = [
            part
            for index, parts in enumerate(options.following, start=1)
            for part in _item_args(list(parts), track_args(options.tracks_of(index)))
        ]
        return [*argv, "--", *first, *following]

    @property
    def queue_parts(self) -> list[list[str]]:
        """The parts of every item of the queue, in order (appended ones included)."""
        following = [list(parts) for parts in self.options.following]
        return [list(self.parts), *following, *self._appended]

    def next(self) -> bool:
        """Skip to the next item of the playlist."""
        return len(self.queue_parts) > 1 and self._send(b"next\n")

    def previous(self) -> bool:
        """Back to the previous item of the playlist (VLC's ``prev``)."""
        return len(self.queue_parts) > 1 and self._send(b"prev\n")

    def append(self, parts: list[str], tracks: TrackSelection | None = None) -> bool:
        """Add an item's parts to the end of VLC's playlist (``enqueue`` takes no item
        options: an item queued so plays VLC's default streams)."""
        for part in parts:
            if "\n" in part or not self._send(f"enqueue {_file_uri(part)}\n".encode()):
                return False
        self._appended.append(list(parts))
        return True

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
        # VLC answers every get_* in the order asked, however late (a loaded machine):
        # the questions wait in order, and each number answers the oldest. Answers on
        # their way when a new input starts are about the input before (None: dropped).
        pending: deque[str | None] = deque()
        pending_lock = threading.Lock()
        answered = threading.Event()
        closed = threading.Event()

        def poll() -> None:
            while not closed.wait(POLL_SECONDS):
                for question in ("time", "length"):
                    with pending_lock:
                        if len(pending) >= MAX_PENDING:
                            break  # VLC is behind: ask again once it has answered
                        pending.append(question)
                        answered.clear()
                    if not self._send(f"get_{question}\n".encode()):
                        return
                    answered.wait(POLL_SECONDS)

        poller = threading.Thread(target=poll, name="kino-vlc-poll", daemon=True)
        poller.start()
        try:
            for line in read_lines(client):
                line = line.strip()
                if line.isdigit():
                    with pending_lock:
                        question = pending.popleft() if pending else None
                        answered.set()
                    if question is not None:
                        self._answer(question, float(line), state, emit)
                    continue
                match = _STATUS.match(line)
                if match:
                    if match["what"] == "new input":
                        with pending_lock:
                            for index in range(len(pending)):
                                pending[index] = None
                    with state.lock:
                        change = self._status(match, state)
                    if change is not None:
                        emit(change)
        finally:
            closed.set()
            client.close()

    def _answer(self, asked: str | None, value: float, state: PlayerState, emit: Emit) -> None:
        if asked == "length" and value > 0:
            state.part_lengths[state.part] = value
            if len(self._parts_of(state.item_index)) == 1:
                state.duration = value
        elif asked == "time" and not state.reached_end:
            # after an item's end VLC answers 0 until the next one starts: not a position
            offset = sum(state.part_lengths.get(n, 0.0) for n in range(state.part))
            state.position = offset + value
            emit("position")

    def _parts_of(self, index: int) -> list[str]:
        queue = self.queue_parts
        return queue[min(index, len(queue) - 1)]

    def _status(self, match: re.Match[str], state: PlayerState) -> Change | None:
        """Apply one status line (the caller holds the state's lock); what changed."""
        what, value, word = match["what"], match["value"] or "", match["word"] or ""
        if what == "new input":
            found = _find(self.queue_parts, _path_from_uri(value), state.item_index)
            if found is None:
                return None
            index, part = found
            if index != state.item_index:
                state.next_item(index)
                state.part = part
                return "item"
            state.part = part
        elif word == "Pause":
            state.paused = True
            return "pause"
        elif word == "Play":
            state.paused = False
            return "pause"
        elif word == "End" and state.part == len(self._parts_of(state.item_index)) - 1:
            state.reached_end = True
            return "end"
        return None


def _find(queue: list[list[str]], path: str, current: int) -> tuple[int, int] | None:
    """Which item of the queue (and which of its parts) a file is: the current item first,
    then the nearest after it, then before it (the same file may be queued twice)."""
    order = [current, *range(current + 1, len(queue)), *range(current - 1, -1, -1)]
    for index in order:
        if 0 <= index < len(queue):
            parts = [os.path.abspath(part) for part in queue[index]]
            if path in parts:
                return index, parts.index(path)
    return None


def _file_uri(path: str) -> str:
    """A ``file://`` address of a path (any byte of its name quoted)."""
    return "file://" + urllib.parse.quote_from_bytes(os.fsencode(os.path.abspath(path)))


def _path_from_uri(uri: str) -> str:
    if uri.startswith("file://"):
        return os.fsdecode(urllib.parse.unquote_to_bytes(uri[len("file://") :]))
    return uri
