"""What every player shares: launch options, the state it reports, and its control link."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from kino_tui.core.errors import PlayerError
from kino_tui.core.play.tracks import TrackSelection

#: Why the player told kino something: a new position, a pause, a seek, the end of the
#: media, the next item, no sound device (once a play).
Change = Literal["position", "pause", "seek", "end", "item", "no-sound"]
Emit = Callable[[Change], None]
CONNECT_TIMEOUT = 15.0
#: Said once a play when the player opened no sound device (``no_sound_device``).
NO_SOUND_WARNING = (
    "{player} found no sound device: nothing is heard (what plays still counts as played). "
    "kino plays the sound where it runs: over SSH, on the remote machine. To choose a "
    'device, add "--audio-device=…" to args under [{player}] in config.toml '
    "({player} --audio-device=help lists them)."
)


@dataclass(frozen=True, slots=True)
class LaunchOptions:
    """How to start the player for one item."""

    command: tuple[str, ...]
    start: float = 0.0
    window: bool = True
    terminal_vo: str = "tct"
    extra_args: tuple[str, ...] = ()
    title: str | None = None
    #: The parts of each item that plays after the first, in order (one player process
    #: plays the whole queue: mpv's playlist, VLC's).
    following: tuple[tuple[str, ...], ...] = ()
    #: Music: no picture, no window and no terminal; plays in the background (kino stays
    #: on screen, also over SSH), gapless from one track to the next.
    audio_only: bool = False
    #: The audio and subtitle streams of each item, first then ``following`` (missing
    #: or empty ones: the player's default).
    tracks: tuple[TrackSelection, ...] = ()
    #: Preferred languages the player applies itself where kino decided nothing
    #: (mpv ``--alang``/``--slang``, VLC ``--audio-language``/``--sub-language``).
    audio_languages: tuple[str, ...] = ()
    subtitle_languages: tuple[str, ...] = ()

    def tracks_of(self, index: int) -> TrackSelection:
        """The streams of item ``index`` of the queue (0: the first)."""
        return self.tracks[index] if index < len(self.tracks) else TrackSelection()


@dataclass(slots=True)
class PlayerState:
    """The last thing the player reported; kept after it exits, when it can no longer be asked."""

    position: float | None = None
    duration: float | None = None
    paused: bool = False
    reached_end: bool = False
    error: str | None = None
    part: int = 0
    part_lengths: dict[int, float] = field(default_factory=dict)
    #: Which item of the queue plays (0: the first).
    item_index: int = 0
    #: Items the player has moved on from, with how each ended, oldest first.
    finished: list[ItemEnd] = field(default_factory=list)
    #: The playing item has ended (mpv's ``end-file``): what the player reports until
    #: the next item starts belongs to no item and is not taken.
    ended: bool = False
    #: The playback speed (at 20x a player's reports lag the media by seconds).
    speed: float = 1.0
    #: An event has named the playlist entry playing (see :meth:`caught_up`).
    entries_seen: bool = False
    #: The player could open no sound device and plays on without sound (mpv's fallback
    #: to its null output); kept for the whole play, every item after is silent too.
    no_sound_device: bool = False
    #: Held while the state is changed or read as a whole (the follower thread changes it).
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def caught_up(self, index: int) -> None:
        """The first event naming a playlist entry names ``index``: the items before it
        ended before kino could follow the player (a short track at high speed ends
        before the control socket is connected), by their end, the only way a player
        passes an item untouched (the caller holds :attr:`lock`)."""
        if self.entries_seen:
            return
        self.entries_seen = True
        while self.item_index < index:
            self.finished.append(ItemEnd(self.item_index, None, None, True, None))
            self.item_index += 1

    def next_item(self, index: int) -> None:
        """The player moved to item ``index`` of the queue: keep how the last one ended,
        start afresh for the new one (the caller holds :attr:`lock`)."""
        self.finished.append(
            ItemEnd(self.item_index, self.position, self.duration, self.reached_end, self.error)
        )
        self.item_index = index
        self.position = self.duration = self.error = None
        self.reached_end = self.paused = self.ended = False
        self.part = 0
        self.part_lengths = {}


@dataclass(frozen=True, slots=True)
class ItemEnd:
    """How one item of a queue ended: where the player was, and whether it reached the end."""

    index: int
    position: float | None
    duration: float | None
    reached_end: bool
    error: str | None


class Player(ABC):
    """One player program: its argument list and how to follow it over its control socket."""

    name: ClassVar[str]

    def __init__(self, parts: list[str], options: LaunchOptions, ipc_path: str) -> None:
        self.parts = parts
        self.options = options
        self.ipc_path = ipc_path
        #: Where the player also writes its messages when they go to the terminal (a
        #: failure is then explained after kino has redrawn it); None: not kept.
        self.log_path: str | None = None
        self._client: socket.socket | None = None
        self._send_lock = threading.Lock()

    def _connected(self, client: socket.socket) -> None:
        self._client = client

    def _send(self, data: bytes) -> bool:
        """Send raw bytes on the control link; False when the player is not connected."""
        client = self._client
        if client is None:
            return False
        with self._send_lock:
            try:
                client.sendall(data)
            except OSError:
                return False
        return True

    @abstractmethod
    def seek(self, position: float) -> bool:
        """Jump to ``position`` seconds; False when the player cannot be reached."""

    @abstractmethod
    def quit(self) -> bool:
        """Ask the player to quit."""

    @abstractmethod
    def toggle_pause(self) -> bool:
        """Pause, or play on."""

    @abstractmethod
    def seek_by(self, seconds: float) -> bool:
        """Jump ``seconds`` forward (or back, when negative)."""

    @abstractmethod
    def change_volume(self, step: int) -> bool:
        """Louder (a positive step) or softer."""

    def next(self) -> bool:
        """Skip to the next item of the queue (False: this player has no queue)."""
        return False

    def previous(self) -> bool:
        """Back to the previous item of the queue (False: this player has no queue)."""
        return False

    def set_tracks(self, tracks: TrackSelection) -> bool:
        """Switch the playing item's audio and subtitles now (False: this player cannot)."""
        return False

    def append(self, parts: list[str], tracks: TrackSelection | None = None) -> bool:
        """Add an item, with its audio and subtitles, to the end of the queue (False:
        this player has no queue)."""
        return False

    @abstractmethod
    def argv(self) -> list[str]:
        """The full argument list: the command, kino's options, the user's, ``--``, the media."""

    @abstractmethod
    def follow(self, process: subprocess.Popen[bytes], state: PlayerState, emit: Emit) -> None:
        """Connect to the control socket and update ``state`` until the player goes away."""

    def check_can_run(self) -> None:
        """Raise :class:`PlayerError` when the player cannot run here at all."""
        return None

    def read_log(self) -> str:
        """The messages kept in :attr:`log_path`, as lines of text ("" when none)."""
        if self.log_path is None:
            return ""
        try:
            with open(self.log_path, "rb") as log:
                return log.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def explain_exit(self, returncode: int, output: str) -> str | None:
        """A message for an unusual exit, or None when the exit was normal: what the
        player said last about it (its error lines, at most a few)."""
        if returncode < 0:
            return f"{self.name} was killed by signal {-returncode}"
        if returncode != 0:
            last = last_lines(output)
            detail = ": " + "; ".join(last) if last else ""
            return f"{self.name} exited with status {returncode}{detail}"
        return None


def connect_unix(path: str, process: subprocess.Popen[bytes]) -> socket.socket | None:
    """Connect to the player's socket once it exists; None if the player exits first."""
    deadline = time.monotonic() + CONNECT_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return None
        if os.path.exists(path):
            client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                client.connect(path)
                return client
            except OSError:
                client.close()
        time.sleep(0.05)
    return None


def read_lines(client: socket.socket) -> Iterator[str]:
    """Yield decoded lines from a socket until it closes."""
    buffer = b""
    while True:
        try:
            chunk = client.recv(65536)
        except OSError:
            chunk = b""
        if not chunk:
            if buffer.strip():
                yield buffer.decode("utf-8", "replace")
            return
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            yield line.decode("utf-8", "replace").rstrip("\r")


#: How many of a failed player's lines a message keeps.
KEPT_LINES = 3


def last_lines(output: str) -> list[str]:
    """The lines of a player's output that say why it stopped: its error lines (mpv ends
    with "Exiting... (Fatal error)", which says nothing), else its last lines; at most
    :data:`KEPT_LINES`, the last ones, each cut at 300 characters."""
    lines = [
        line.strip()
        for line in output.splitlines()
        if line.strip() and not line.strip().startswith("Exiting...")
    ]
    errors = [line for line in lines if "error" in line.lower() or "fail" in line.lower()]
    chosen = errors or lines
    unique = list(dict.fromkeys(chosen))  # the terminal and the log say the same
    return [line[:300] for line in unique[-KEPT_LINES:]]


__all__ = [
    "Change",
    "Emit",
    "LaunchOptions",
    "Player",
    "PlayerError",
    "PlayerState",
    "connect_unix",
    "read_lines",
]
