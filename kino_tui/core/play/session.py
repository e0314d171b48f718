"""One playback: start the player, follow it, save progress as it goes and when it stops.

Progress is saved every few seconds, at once on pause, seek and end, and on exit with
the last position the player reported, so a killed player or kino loses at most a few
seconds. A history record is added when the player exits.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from kino_tui.core.errors import KinoError, PlayerError
from kino_tui.core.models import MediaItem, Progress, Segment
from kino_tui.core.play.player_settings import PlayerSettings
from kino_tui.core.play.players import LaunchOptions, Player, PlayerState, make_player
from kino_tui.core.play.players.base import NO_SOUND_WARNING, Change, ItemEnd, last_lines
from kino_tui.core.play.resume import progress_after_play
from kino_tui.core.play.skipping import Skipper, credits_start
from kino_tui.core.play.tracks import TrackSelection
from kino_tui.core.watch.store import WatchStore, now_iso


class LaunchTracks(NamedTuple):
    """The streams of each item of the queue and the languages the player applies where
    kino decided nothing (see :class:`~kino_tui.core.play.players.LaunchOptions`)."""

    tracks: tuple[TrackSelection, ...] = ()
    audio_languages: tuple[str, ...] = ()
    subtitle_languages: tuple[str, ...] = ()


#: How long a player asked to quit has before it is killed.
STOP_GRACE_SECONDS = 1.0
#: How the files of a remote play start: kino's stream through the ssh forward.
STREAM_PREFIX = "http://127.0.0.1:"
_INSTALL_HINT = {"mpv": "apt install mpv", "vlc": "apt install vlc"}


@dataclass(slots=True)
class PlaybackResult:
    """How a playback ended: the progress saved, what the player said, any error."""

    item: MediaItem
    progress: Progress
    state: PlayerState
    error: str | None = None
    #: The player failed before playing anything: nothing was recorded but the history line.
    never_played: bool = False


class PlaybackSession:
    """Plays an item, or a queue of items through one player process (mpv's playlist or
    VLC's), and records how far the user got in each; skips what the item's segments and
    the settings say (see ``core/skipping``)."""

    def __init__(
        self,
        item: MediaItem,
        store: WatchStore,
        settings: PlayerSettings,
        start: float = 0.0,
        player: str | None = None,
        window: bool | None = None,
        on_update: Callable[[PlayerState], None] | None = None,
        following: Sequence[MediaItem] = (),
        audio_only: bool = False,
        tracks: LaunchTracks | None = None,
        tracks_for: Callable[[MediaItem], TrackSelection] | None = None,
    ) -> None:
        #: What plays, in order: ``item`` first, then ``following`` (one player process).
        self.queue: list[MediaItem] = [item, *following]
        self.item = item  # the item playing now
        self._index = 0  # its place in the queue
        #: How each item of the queue that has ended went, in the order they ended.
        self.results: list[PlaybackResult] = []
        self.store = store
        self.settings = settings
        self.on_update = on_update
        #: The audio and subtitles of an item added to the queue while it plays.
        self.tracks_for = tracks_for
        #: The item as the player reaches it, for items queued later (a remote box's
        #: files are stream URLs on this machine); the item itself by default.
        self.playable_for: Callable[[MediaItem], MediaItem] = lambda item: item
        #: The player runs detached, beside kino (its own window, or music in the
        #: background); otherwise it takes the terminal.
        self.window = audio_only or (settings.in_window() if window is None else window)
        self.player_name = player or settings.player
        # Until run() makes the private directory, the socket path shows where it will be.
        self._directory = Path(tempfile.gettempdir()) / "kino-play-XXXXXXXX"
        self._started_at = now_iso()
        self.save_error: str | None = None
        #: A line for the user about where it plays (set by the application layer).
        self.notice: str | None = None
        self._start = start
        command = settings.commands.get(self.player_name) or (self.player_name,)
        streams = tracks or LaunchTracks()
        options = LaunchOptions(
            command=tuple(command),
            start=start,
            window=self.window,
            terminal_vo=settings.terminal_vo or "tct",
            extra_args=settings.extra_args.get(self.player_name, ()),
            title=item.display_title,
            following=tuple(tuple(i.parts or [i.path]) for i in following),
            audio_only=audio_only,
            tracks=streams.tracks,
            audio_languages=streams.audio_languages,
            subtitle_languages=streams.subtitle_languages,
        )
        socket_name = "mpv.sock" if self.player_name == "mpv" else "vlc.sock"
        self.player: Player = make_player(
            self.player_name,
            list(item.parts or [item.path]),
            options,
            str(self._directory / socket_name),
        )
        self.state = PlayerState()
        self._before = Progress()  # the playing item's progress when it started
        self.process: subprocess.Popen[bytes] | None = None
        self._stop = threading.Event()
        self.skipper = Skipper(item.segments, settings.skip_intros)
        #: Undone once the play is over (:meth:`close`): a remote play's stream token,
        #: its forward and its private files.
        self.cleanups: list[Callable[[], None]] = []
        #: Called when kino is asked to stop again while it still saves (a second
        #: Ctrl+C or signal): a remote play gives up waiting for the box.
        self.on_stop_again: Callable[[], None] | None = None
        #: Called with each item's result once it is recorded (the application layer's
        #: own follow-ups, such as writing the watch state into the item's NFO).
        self.on_recorded: Callable[[PlaybackResult], None] | None = None
        #: What the user should know about the play as it goes (no sound device), in
        #: the order said; each also goes to :attr:`on_warning` (from the thread that
        #: follows the player) when one is set.
        self.warnings: list[str] = []
        self.on_warning: Callable[[str], None] | None = None

    @property
    def ipc_path(self) -> str:
        """The control socket, inside a directory only this user can enter (mode 0700)."""
        return self.player.ipc_path

    def command(self) -> list[str]:
        """The exact argument list the player is started with."""
        return self.player.argv()

    def enqueue(self, items: Sequence[MediaItem]) -> bool:
        """Add items to the end of what plays (False: this player plays one item)."""
        added = False
        for item in items:
            playable = self.playable_for(item)
            parts = list(playable.parts or [playable.path])
            tracks = self.tracks_for(playable) if self.tracks_for is not None else TrackSelection()
            if not self.player.append(parts, tracks=tracks):
                return added
            self.queue.append(item)
            added = True
        return added

    def set_tracks(self, tracks: TrackSelection) -> bool:
        """Switch the playing item's audio and subtitles (False: the player cannot)."""
        return self.player.set_tracks(tracks)

    def seek(self, position: float) -> bool:
        """Jump the running player to ``position`` seconds."""
        return self.player.seek(position)

    def offered_skip(self, state: PlayerState | None = None) -> Segment | None:
        """The intro, recap, credits… the player is in now (or in ``state``, a copy of
        :attr:`state`), which :meth:`skip` skips."""
        state = state or self.state
        same = self.playing(state) == self._index  # (else the segments are another's)
        return self.skipper.offered(state.position) if same else None

    def playing(self, state: PlayerState) -> int:
        """The place in :attr:`queue` of the item ``state`` is about (the player's count),
        not :attr:`item`'s: the item recorded lags when the next starts (a short track)."""
        return min(state.item_index, len(self.queue) - 1)

    def skip(self) -> Segment | None:
        """Seek the player past the segment it is in; the segment, or None when there was
        nothing to skip (or the player could not be reached)."""
        segment = self.skipper.offered(self.state.position)
        if segment is None or not self.player.seek(segment.end):
            return None
        self.skipper.skipped(segment)
        return segment

    def _skip_by_itself(self) -> None:
        """Skip a cut (always) or an intro, recap or commercial (``skip_intros``)."""
        segment = self.skipper.automatic(self.state.position)
        if segment is not None:
            self.player.seek(segment.end)

    def quit(self) -> bool:
        """Ask the running player to quit, as its own ``q`` key would."""
        return self.player.quit()

    def stop(self) -> None:
        """Ask the player to quit (kino is closing); progress is saved as usual. A player
        that has not quit a moment later (one drawing on a terminal that was hung up can
        sit there) is killed: kino must not leave it playing. Asked again, it gives up
        waiting for the store (:attr:`on_stop_again`)."""
        if self._stop.is_set() and self.on_stop_again is not None:
            self.on_stop_again()
        self._stop.set()
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()

        def kill_if_still_there() -> None:
            try:
                process.wait(timeout=STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()

        threading.Thread(target=kill_if_still_there, name="kino-player-stop", daemon=True).start()

    def check(self) -> None:
        """Raise :class:`PlayerError` when the player cannot start here (missing, or VLC
        as root) or a file is not there; touches the disk, so front ends call it off
        their UI thread, and before they hand the terminal over."""
        program = self.player.options.command[0]
        if shutil.which(program) is None:
            raise self._not_found(program)
        self.player.check_can_run()
        # A stream URL (kino --remote) is checked by the box that sends it.
        missing = [
            part
            for part in self.player.parts
            if not part.startswith(STREAM_PREFIX) and not os.path.exists(part)
        ]
        if missing:
            raise PlayerError(
                f"{missing[0]} is not there: is its drive or network share mounted? "
                "(rescan the library if it was moved or deleted)"
            )

    def _not_found(self, program: str) -> PlayerError:
        if self.settings.commands.get(self.player_name):
            return PlayerError(
                f"{program} was not found: it is the command under [{self.player_name}] in "
                f"config.toml; fix the path there, or remove the command line to use "
                f"{self.player_name} itself"
            )
        hint = _INSTALL_HINT.get(self.player_name, "")
        install = f"install it ({hint}) or " if hint else "install it or "
        return PlayerError(
            f"{program} was not found: {install}choose another player "
            'with player = "mpv" or "vlc" in config.toml'
        )

    def run(self) -> PlaybackResult:
        """Play until the player exits; raises :class:`PlayerError` if it cannot start."""
        try:
            self.check()
            self._directory = Path(tempfile.mkdtemp(prefix="kino-play-"))  # mode 0700
            self.player.ipc_path = str(self._directory / Path(self.player.ipc_path).name)
            try:
                with self._ctrl_c_stops_the_player():
                    return self._run()
            finally:
                shutil.rmtree(self._directory, ignore_errors=True)
        finally:
            self.close()

    def close(self) -> None:
        """Undo what the play needed (:attr:`cleanups`), once; ``run()`` does it at its
        end, a session that is never run needs it called."""
        cleanups, self.cleanups = self.cleanups, []
        for cleanup in reversed(cleanups):
            try:
                cleanup()
            except (OSError, KinoError) as error:
                self.save_error = self.save_error or str(error)

    @contextlib.contextmanager
    def _ctrl_c_stops_the_player(self) -> Iterator[None]:
        """Ctrl+C while a player plays stops the player, as its ``q`` does, never kino.
        In the terminal the player has the keys and gets the signal itself (kino ignores
        it); a player in its own window is asked to quit. Only the main thread can set a
        handler: a play on a worker thread (the TUI's window) never sees the signal."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def stop_player(number: int, frame: object) -> None:
            self.stop()

        def leave_it_to_the_player(number: int, frame: object) -> None:
            """Not SIG_IGN: an ignored signal would be inherited by the player, which
            then could miss a Ctrl+C pressed before it set its own handler."""

        handler = leave_it_to_the_player if not self.window else stop_player
        previous = signal.signal(signal.SIGINT, handler)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)

    def _run(self) -> PlaybackResult:
        before = self._before = self.store.get(self.item.id)
        log_path = self._directory / "player.log"
        if not self.window:  # its messages go to the terminal, which kino redraws after
            self.player.log_path = str(self._directory / "player-messages.log")
        argv = self.command()
        with open(log_path, "wb") as log:
            try:
                self.process = subprocess.Popen(
                    argv,
                    stdin=subprocess.DEVNULL if self.window else None,
                    stdout=log if self.window else None,  # mpv reports option errors here
                    stderr=log if self.window else None,
                    start_new_session=self.window,
                )
            except FileNotFoundError:
                raise self._not_found(argv[0]) from None
            except OSError as failure:
                raise PlayerError(f"cannot start {argv[0]}: {failure.strerror}") from None
            progress = self._follow(self.process, before)
        output = log_path.read_text("utf-8", "replace") if log_path.exists() else ""
        output += self.player.read_log()
        error = self.player.explain_exit(self.process.returncode, output)
        if self.state.error:  # what it said over its socket, and its own last lines
            said = "; ".join(line for line in last_lines(output) if line not in self.state.error)
            error = self.state.error + (f": {said}" if said else "")
        if self._stop.is_set() and not self.state.error:
            error = None  # kino asked it to stop (mpv then exits with status 4)
        error = error or self.save_error
        ended = ItemEnd(
            self.state.item_index,
            self.state.position,
            self.state.duration,
            self.state.reached_end,
            self.state.error,
        )
        never_played = bool(error) and progress is self._before
        return self._record(ended, progress, error, never_played)

    def _record(
        self, ended: ItemEnd, progress: Progress, error: str | None, never_played: bool = False
    ) -> PlaybackResult:
        """The history line of the item that just ended, and its result."""
        record = {
            "player": self.player_name,
            "started_at": self._started_at,
            "ended_at": now_iso(),
            "position": ended.position,
            "duration": ended.duration or self.item.duration,
            "watched": progress.watched,
            "error": error,
        }
        try:
            self.store.add_history(self.item, record)
        except (OSError, KinoError) as failure:
            error = error or f"the play could not be added to the history: {failure}"
        result = PlaybackResult(self.item, progress, self.state, error, never_played)
        self.results.append(result)
        if self.on_recorded is not None:
            self.on_recorded(result)
        return result

    def _item_ended(self, ended: ItemEnd) -> None:
        """The player moved on from an item of the queue: record it (the item the record
        names, also when several ended before the session looked), follow the next."""
        self._follow_item(ended.index)
        progress = self._progress_at(self._before, ended)
        if ended.position is not None or ended.reached_end:
            self._store(progress)
        self._record(ended, progress, ended.error)
        pending = self.state.finished
        self._follow_item(pending[0].index if pending else self.state.item_index)

    def _follow_item(self, index: int) -> None:
        """Make item ``index`` of the queue the one followed (its progress read as it was
        when it started); nothing when it is already."""
        index = min(index, len(self.queue) - 1)
        if index == self._index:
            return
        self._index = index
        self.item = self.queue[index]
        self.skipper = Skipper(self.item.segments, self.settings.skip_intros)
        try:
            self._before = self.store.get(self.item.id)
        except (OSError, KinoError) as error:  # a store that cannot be read (a dropped link)
            self.save_error = self.save_error or f"progress could not be read: {error}"
            self._before = Progress()
        self._started_at = now_iso()
        self._start = 0.0

    def _follow(self, process: subprocess.Popen[bytes], before: Progress) -> Progress:
        self._started_at = now_iso()
        changes: queue.Queue[Change] = queue.Queue()
        follower = threading.Thread(
            target=self.player.follow,
            args=(process, self.state, changes.put),
            name=f"kino-{self.player_name}-ipc",
            daemon=True,
        )
        follower.start()
        rules = self.settings.rules
        saved_at = time.monotonic()
        saved_position: float | None = None
        progress = before
        while True:
            try:
                change: Change | None = changes.get(timeout=0.2)
            except queue.Empty:
                change = None
            if change == "position":
                self._skip_by_itself()
            if change == "no-sound":  # the state says it once a play
                self._warn(NO_SOUND_WARNING.format(player=self.player_name))
            if change is not None and self.on_update is not None:
                self.on_update(self.state)
            with self.state.lock:  # the follower moves to the next item under this lock
                while self.state.finished:
                    self._item_ended(self.state.finished.pop(0))
                    before = progress = self._before
                    saved_position = None
                due = time.monotonic() - saved_at >= rules.save_interval
                moved = self.state.position != saved_position
                known = self.state.position is not None or self.state.reached_end
                if known and (change in ("pause", "seek", "end") or (due and moved)):
                    progress = self._save(before)
                    saved_at, saved_position = time.monotonic(), self.state.position
            if process.poll() is not None:
                follower.join(timeout=2.0)
                if not follower.is_alive() and changes.empty():
                    with self.state.lock:
                        while self.state.finished:
                            self._item_ended(self.state.finished.pop(0))
                            before = progress = self._before
                    break
        if self.state.reached_end:
            return self._save(before)
        if self.state.position is None:
            return progress
        if self._never_played(process):  # a play that failed at once is not a play
            if progress is not before:
                self._store(before)  # undo the saves made while it tried
            return before
        return self._save(before)

    def _warn(self, line: str) -> None:
        self.warnings.append(line)
        if self.on_warning is not None:
            self.on_warning(line)

    def _never_played(self, process: subprocess.Popen[bytes]) -> bool:
        """The player failed without moving past where it started."""
        failed = self.state.error is not None or (
            process.returncode != 0 and not self._stop.is_set()
        )
        position = self.state.position or 0.0
        return failed and position <= self._start + 1.0

    def _save(self, before: Progress) -> Progress:
        state = self.state
        ended = ItemEnd(state.item_index, state.position, state.duration, state.reached_end, None)
        progress = self._progress_at(before, ended)
        self._store(progress)
        return progress

    def _progress_at(self, before: Progress, ended: ItemEnd) -> Progress:
        """The current item's progress when the player stands (or ended) as ``ended`` says."""
        duration = ended.duration or self.item.duration
        return progress_after_play(
            before,
            ended.position,
            duration,
            self.settings.rules,
            now_iso(),
            reached_end=ended.reached_end,
            resumable=self.item.kind != "track",
            credits_start=credits_start(self.item.segments, duration),
        )

    def _store(self, progress: Progress) -> None:
        try:
            self.store.save(self.item, progress)
        except (OSError, KinoError) as error:
            self.save_error = f"progress could not be saved: {error}"
