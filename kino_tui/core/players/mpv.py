"""mpv: resume with ``--start``, follow ``time-pos``/``duration``/``pause`` over JSON IPC."""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any, ClassVar

from kino_tui.core.players.base import (
    Change,
    Emit,
    Player,
    PlayerState,
    connect_unix,
    read_lines,
)

_OBSERVED = ("time-pos", "duration", "pause", "playlist-pos")


def edl_target(parts: list[str]) -> str:
    """One ``edl://`` timeline of several files; ``%bytes%`` quoting keeps any name intact."""
    return "edl://" + ";".join(f"%{len(os.fsencode(part))}%{part}" for part in parts)


def _target(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else edl_target(parts)


class MpvPlayer(Player):
    """mpv, the first-class player."""

    name: ClassVar[str] = "mpv"

    def argv(self) -> list[str]:
        options = self.options
        argv = [
            *options.command,
            f"--input-ipc-server={self.ipc_path}",
            "--no-resume-playback",  # kino owns the resume point, not mpv's watch-later files
            # No sound device (an SSH login on a headless box): play the picture anyway.
            # Without this mpv plays to the end, then reports the file as failed.
            "--audio-fallback-to-null=yes",
        ]
        first: list[str] = []  # options of the first item only
        if options.start > 0:
            first.append(f"--start={options.start:.3f}")
        if options.title:
            first.append(f"--force-media-title={options.title}")
        if options.audio_only:
            argv += ["--no-video", "--gapless-audio=yes", "--force-window=no",
                     "--no-input-terminal", "--msg-level=all=error"]  # fmt: skip
        elif options.window:
            # No terminal input, and only errors on its output, which kino keeps to
            # explain a player that stops at once (--terminal=no would silence them).
            argv += ["--force-window=yes", "--no-input-terminal", "--msg-level=all=error"]
        else:
            argv.append(f"--vo={options.terminal_vo}")
        argv += options.extra_args
        target = _target(self.parts)
        if not options.following:
            return [*argv, *first, "--", target]
        # A queue: one playlist. The first item's own options go in a per-file group
        # (a plain --start would start every item there); "--" cannot be inside the
        # group, and needs not: the target is an absolute path, an edl:// timeline or a
        # stream URL on the loopback (kino --remote).
        assert target.startswith(("/", "edl://", "http://127.0.0.1:")), target
        following = [_target(list(parts)) for parts in options.following]
        return [*argv, "--{", *first, target, "--}", "--", *following]

    def _command(self, *args: object) -> bool:
        return self._send(json.dumps({"command": list(args)}).encode() + b"\n")

    def seek(self, position: float) -> bool:
        return self._command("seek", position, "absolute")

    def quit(self) -> bool:
        return self._command("quit")

    def toggle_pause(self) -> bool:
        return self._command("cycle", "pause")

    def seek_by(self, seconds: float) -> bool:
        return self._command("seek", seconds, "relative")

    def change_volume(self, step: int) -> bool:
        return self._command("add", "volume", step * 5)

    def follow(self, process: subprocess.Popen[bytes], state: PlayerState, emit: Emit) -> None:
        client = connect_unix(self.ipc_path, process)
        if client is None:
            return
        with client:
            self._connected(client)
            for number, name in enumerate(_OBSERVED, start=1):
                self._command("observe_property", number, name)
            for line in read_lines(client):
                try:
                    message = json.loads(line)
                except ValueError:
                    continue
                if isinstance(message, dict) and "event" in message:
                    with state.lock:
                        change = _apply(message, state)
                    if change is not None:
                        emit(change)

    def next(self) -> bool:
        """Skip to the next item of the queue."""
        return self._command("playlist-next")

    def previous(self) -> bool:
        """Back to the previous item of the queue."""
        return self._command("playlist-prev")

    def append(self, parts: list[str]) -> bool:
        """Add an item to the end of the playlist (it starts at 0, like every item after
        the first)."""
        return self._command("loadfile", _target(parts), "append")


def _apply(message: dict[str, Any], state: PlayerState) -> Change | None:
    """Apply one event to the state (the caller holds its lock); what changed, if anything
    the session must act on."""
    event = message["event"]
    if event == "property-change":
        name, value = message.get("name"), message.get("data")
        if name == "time-pos" and isinstance(value, int | float):
            state.position = float(value)
            return "position"
        if name == "duration" and isinstance(value, int | float):
            state.duration = float(value)
        elif name == "pause" and isinstance(value, bool):
            state.paused = value
            return "pause"
        elif name == "playlist-pos" and isinstance(value, int) and 0 <= value != state.item_index:
            state.next_item(value)
            return "item"
        return None
    if event == "playback-restart":
        return "seek"  # sent after every seek, once the new position is known
    if event == "end-file":
        reason = message.get("reason")
        if reason == "eof":
            state.reached_end = True
            return "end"
        if reason == "error":
            state.error = f"mpv could not play the file ({message.get('file_error') or 'error'})"
    return None
