"""mpv: resume with ``--start``, follow ``time-pos``/``duration``/``pause`` over JSON IPC."""

from __future__ import annotations

import json
import math
import os
import re
import signal
import subprocess
from dataclasses import dataclass, replace
from typing import Any, ClassVar

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

#: ``ao``: the sound outputs asked for (``--ao``; none: mpv's own choice); ``current-ao``:
#: the one opened (see :class:`_SoundOutput`).
_OBSERVED = ("time-pos", "duration", "pause", "speed", "ao", "current-ao")


def edl_target(parts: list[str]) -> str:
    """One ``edl://`` timeline of several files; ``%bytes%`` quoting keeps any name intact."""
    return "edl://" + ";".join(f"%{len(os.fsencode(part))}%{part}" for part in parts)


def _target(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else edl_target(parts)


def track_args(tracks: TrackSelection) -> list[str]:
    """mpv's options for one item's streams: ``--aid=N``, ``--sid=N|no``, and an external
    subtitle as ``--sub-file`` selected by its number (mpv numbers the files given with
    ``--sub-file`` right after the embedded streams, before any it finds by itself)."""
    args = []
    if tracks.audio is not None:
        args.append(f"--aid={tracks.audio}")
    if tracks.subtitles_off:
        args.append("--sid=no")
    elif tracks.subtitle_file is not None:
        args += [f"--sub-file={tracks.subtitle_file}", f"--sid={tracks.embedded_subtitles + 1}"]
    elif tracks.subtitle is not None:
        args.append(f"--sid={tracks.subtitle}")
    return args


def _loadfile_options(tracks: TrackSelection) -> str:
    """:func:`track_args` as ``loadfile`` options (``aid=2,sid=no``); a file name is
    quoted by its length (``%N%name``), so any character in it is safe."""
    pairs = []
    for argument in track_args(tracks):
        name, _, value = argument[2:].partition("=")
        if name == "sub-file":
            name, value = "sub-files-append", f"%{len(value.encode())}%{value}"
        pairs.append(f"{name}={value}")
    return ",".join(pairs)


def _language_args(options: LaunchOptions) -> list[str]:
    """The preferred languages, for what kino did not decide (items whose streams are not
    known, items added to the queue later)."""
    args = []
    if options.audio_languages:
        args.append("--alang=" + ",".join(options.audio_languages))
    if options.subtitle_languages:
        args.append("--slang=" + ",".join(options.subtitle_languages))
    return args


#: A line of mpv's ``--log-file``: time, level (e: error, f: fatal), module, message.
_LOG_LINE = re.compile(r"\[\s*[\d.]+\]\[([a-z])\]\[[^\]]*\] ?(.*)")

#: mpv's exit status when a signal ended it (``Exiting... (Quit)`` after Ctrl+C).
MPV_QUIT_BY_SIGNAL = 4


class MpvPlayer(Player):
    """mpv, the first-class player."""

    name: ClassVar[str] = "mpv"

    def explain_exit(self, returncode: int, output: str) -> str | None:
        if returncode in (MPV_QUIT_BY_SIGNAL, -signal.SIGINT):
            return None  # Ctrl+C in its terminal (or kino's stop): a stop, not a failure
        return super().explain_exit(returncode, output)

    def read_log(self) -> str:
        """mpv's log file: its warnings, errors and fatal errors, without the time and
        module prefix (``[   0.035][e][cplayer] Failed to recognize file format.``)."""
        lines = []
        for line in super().read_log().splitlines():
            match = _LOG_LINE.match(line)
            if match is not None and match.group(1) in "ef":
                lines.append(match.group(2))
        return "\n".join(lines)

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
            # to the next millisecond: a resume never starts before the point it resumes
            first.append(f"--start={math.ceil(options.start * 1000) / 1000:.3f}")
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
        if self.log_path is not None:
            argv.append(f"--log-file={self.log_path}")
        argv += _language_args(options)
        argv += options.extra_args
        first += track_args(options.tracks_of(0))
        target = _target(self.parts)
        # The first item's own options go in a per-file group: a plain --start, title or
        # --aid would apply to every item of the playlist, the ones queued later with
        # loadfile append too. "--" cannot be inside the group, and needs not: the target
        # is an absolute path, an edl:// timeline or a stream URL on the loopback.
        local = ("/", "edl://", "http://127.0.0.1:")
        assert target.startswith(local), target
        if not options.following:
            return [*argv, "--{", *first, target, "--}"] if first else [*argv, "--", target]
        following: list[str] = []
        grouped = False
        for index, parts in enumerate(options.following, start=1):
            item_target = _target(list(parts))
            own = track_args(options.tracks_of(index))
            if own:  # this item's audio and subtitles, in its own group
                assert item_target.startswith(local), item_target
                following += ["--{", *own, item_target, "--}"]
                grouped = True
            else:
                following.append(item_target)
        # With groups among them, the targets cannot follow "--" (nor need to).
        return [*argv, "--{", *first, target, "--}", *([] if grouped else ["--"]), *following]

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
        sound = _SoundOutput()
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
                        change = _apply(message, state) or sound.seen(message, state)
                    if change is not None:
                        emit(change)

    def next(self) -> bool:
        """Skip to the next item of the queue."""
        return self._command("playlist-next")

    def previous(self) -> bool:
        """Back to the previous item of the queue."""
        return self._command("playlist-prev")

    def set_tracks(self, tracks: TrackSelection) -> bool:
        """Switch streams while playing: ``set aid``/``set sid``, or ``sub-add … select``
        for a file beside the video."""
        sent = True
        if tracks.audio is not None:
            sent &= self._command("set", "aid", str(tracks.audio))
        if tracks.subtitles_off:
            sent &= self._command("set", "sid", "no")
        elif tracks.subtitle_file is not None:
            sent &= self._command("sub-add", tracks.subtitle_file, "select")
        elif tracks.subtitle is not None:
            sent &= self._command("set", "sid", str(tracks.subtitle))
        return sent

    def append(self, parts: list[str], tracks: TrackSelection | None = None) -> bool:
        """Add an item to the end of the playlist (it starts at 0, like every item after
        the first), with its own audio and subtitles: ``loadfile``'s per-file options,
        given by name (their position changed in mpv 0.38)."""
        options = _loadfile_options(tracks) if tracks is not None else ""
        if not options:
            return self._command("loadfile", _target(parts), "append")
        command = {"name": "loadfile", "url": _target(parts), "flags": "append",
                   "options": options}  # fmt: skip
        return self._send(json.dumps({"command": command}).encode() + b"\n")


@dataclass(slots=True)
class _SoundOutput:
    """What mpv says of its sound output: the outputs asked for (``--ao``, in
    ``config.toml`` or mpv's own config; empty: mpv chooses) and the one it opened."""

    asked: list[str] | None = None
    opened: str | None = None

    def seen(self, message: dict[str, Any], state: PlayerState) -> Change | None:
        """Take an ``ao``/``current-ao`` change; ``"no-sound"`` the first time it shows
        that mpv opened no sound device (the caller holds the state's lock)."""
        name, value = message.get("name"), message.get("data")
        if message["event"] != "property-change" or name not in ("ao", "current-ao"):
            return None
        if name == "ao" and isinstance(value, list):
            self.asked = [str(o.get("name")) for o in value if isinstance(o, dict)]
        elif name == "current-ao":
            self.opened = value if isinstance(value, str) else None
        if state.no_sound_device or not self.silent():
            return None
        state.no_sound_device = True
        return "no-sound"

    def silent(self) -> bool:
        """mpv fell back to its ``null`` output (``--audio-fallback-to-null``, which kino
        sets): it could open no output asked for, and nothing is heard. A ``null`` output
        asked for (``--ao=null``: tests, a user who wants no sound) is not that."""
        return self.opened == "null" and self.asked is not None and "null" not in self.asked


def _apply(message: dict[str, Any], state: PlayerState) -> Change | None:
    """Apply one event to the state (the caller holds its lock); what changed, if anything
    the session must act on.

    Each item's record is built from mpv's events for that item: ``start-file`` names the
    playlist entry that begins (a new item of the queue), ``end-file`` says how the item
    ended and which entry it was. Positions and lengths reported between an item's end and
    the next item's start are nobody's, and are not taken (at high speed they belonged to
    the next track and were recorded on both)."""
    event = message["event"]
    if event == "property-change":
        name, value = message.get("name"), message.get("data")
        if name == "pause" and isinstance(value, bool):
            state.paused = value
            return "pause"
        if name == "speed" and isinstance(value, int | float) and value > 0:
            state.speed = float(value)
        if state.ended:
            return None
        if name == "time-pos" and isinstance(value, int | float):
            state.position = max(0.0, float(value))
            return "position"
        if name == "duration" and isinstance(value, int | float):
            state.duration = float(value)
        return None
    if event == "playback-restart":
        return "seek"  # sent after every seek, once the new position is known
    if event in ("start-file", "end-file"):
        index = _entry_index(message, state)
        if index is not None:
            state.caught_up(index)
    if event == "start-file":
        index = _entry_index(message, state)
        if index is not None and (index != state.item_index or state.ended):
            state.next_item(index)
            return "item"
        return None
    if event == "end-file":
        return _ended(message, state)
    return None


#: How far (in seconds of wall time) mpv's reported position may trail the media it has
#: played: its audio buffer. At 20x that is seconds of media (a short track's last
#: report can say 3 s of 11 when it ends).
REPORT_LAG_SECONDS = 1.0


def _within_report_lag(position: float | None, duration: float, speed: float) -> bool:
    """An end of file this close to the item's length (at this speed) is its end; further
    away it is a truncated file or an ``--end`` option, and the position stands."""
    if position is None:
        return True
    return (duration - position) / max(speed, 1.0) <= REPORT_LAG_SECONDS


def _entry_index(message: dict[str, Any], state: PlayerState) -> int | None:
    """The queue index of the playlist entry an event names. mpv numbers the entries of
    one playlist from 1 in the order they were added (the command line's, then appended
    ones), which is the queue's order."""
    entry = message.get("playlist_entry_id")
    return entry - 1 if isinstance(entry, int) and entry >= 1 else None


def _ended(message: dict[str, Any], state: PlayerState) -> Change | None:
    """An item ended: how (``eof``: it played to its end; ``error``: it could not play),
    applied to the item the event names, even when the next one has started already."""
    reason = message.get("reason")
    index = _entry_index(message, state)
    error = (
        f"mpv could not play the file ({message.get('file_error') or 'error'})"
        if reason == "error"
        else None
    )
    if index is not None and index != state.item_index:
        for number, earlier in enumerate(state.finished):
            if earlier.index == index:
                state.finished[number] = replace(
                    earlier,
                    reached_end=earlier.reached_end or reason == "eof",
                    error=earlier.error or error,
                )
        return None
    state.ended = True
    if reason == "eof":
        state.reached_end = True
        if state.duration and _within_report_lag(state.position, state.duration, state.speed):
            state.position = state.duration  # the end of the file was the end of the item
        return "end"
    if error:
        state.error = error
    return None
