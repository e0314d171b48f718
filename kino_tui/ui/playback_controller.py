"""Playback from the UI: check the play off the UI thread, ask where to start, run the
player, show it, offer what is next.

A player in its own window runs in a thread worker and the UI stays usable, with live
progress in the now-playing line. A player in the terminal (a user over SSH) takes the
terminal: the app is suspended until it exits, and comes back whatever happens there.
Everything that can refuse a play (a missing file, an offline share, no player, VLC as
root) is checked before the terminal is handed over.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING, cast

from textual.app import SuspendNotSupported

from kino_tui.core.display import printable
from kino_tui.core.errors import PlayerError
from kino_tui.core.models import MediaItem
from kino_tui.core.play.skipping import LABELS
from kino_tui.core.text import describe_item, format_time
from kino_tui.service import PlayRequest
from kino_tui.ui.messages import PlaybackChecked, PlaybackEnded, PlaybackUpdated, PlaybackWarned

if TYPE_CHECKING:
    from kino_tui.core.play.players import PlayerState
    from kino_tui.core.play.session import PlaybackResult, PlaybackSession
    from kino_tui.service import PlayPlan
    from kino_tui.service.playing import Control, PlayOrder
    from kino_tui.ui.app import KinoApp

UPDATE_INTERVAL = 0.5


class PlaybackController:
    """Owns the one playback the UI may have running (or being checked)."""

    def __init__(self, app: KinoApp) -> None:
        self.app = app
        self.session: PlaybackSession | None = None
        self.next_item: MediaItem | None = None
        #: The item whose play is being checked (before a session exists).
        self.checking: MediaItem | None = None
        self._last_update = 0.0
        self._last_index = 0
        #: What to play once the running player has stopped ("play now" over a queue).
        self._after_stop: list[MediaItem] | None = None

    @property
    def busy(self) -> bool:
        return self.session is not None or self.checking is not None

    def play(
        self, item: MediaItem | list[MediaItem], order: PlayOrder = "given", shuffle: bool = False
    ) -> None:
        """Check an item (or a queue, in ``order``) can play, in a worker, then ask where
        to start or start."""
        items = item if isinstance(item, list) else [item]
        if not items:
            return
        if self.session is not None and self.controllable:
            self._ask_play_or_queue(self.app.library.play_queue(items, order, shuffle))
            return
        if self.busy:
            playing = self.session.item if self.session is not None else self.checking
            title = printable(playing.display_title if playing else "")
            self.app.notify(
                f"Already playing {title}: quit the player first.", severity="warning", markup=False
            )
            return
        first = items[0]
        self.checking = first
        known = order == "given" and not shuffle  # the first item is the one that plays
        request = PlayRequest(
            items=tuple(items),
            order=order,
            shuffle=shuffle,
            progress=self.app.browser.progress_of(first) if known else None,
        )
        self.app.start_worker(
            lambda: self._check(request),
            group="playback",
            description=f"check {first.display_title}",
            failure_title="Cannot play",
            on_failure=self.reset,
        )

    def _check(self, request: PlayRequest) -> None:
        """On a worker thread: plan the play and check it can start (touches the disk)."""
        self.app.post_message(PlaybackChecked(self.app.library.prepare_play(request)))

    def _ask_play_or_queue(self, items: list[MediaItem]) -> None:
        session = self.session
        assert session is not None
        wanted = describe_item(items[0]) + (f" and {len(items) - 1} more" if len(items) > 1 else "")

        def chosen(choice: str | None) -> None:
            if choice == "queue":
                self.enqueue(items)
            elif choice == "replace" and self.session is not None:
                self._after_stop = items  # played once this player has stopped
                self.session.stop()

        from kino_tui.ui.screens.play_or_queue import (
            PlayOrQueueScreen,  # on first use: start-up imports what the first screen needs
        )

        self.app.push_screen(PlayOrQueueScreen(describe_item(session.item), wanted), chosen)

    def enqueue(self, items: list[MediaItem]) -> None:
        """Add items to the end of what plays (or play them when nothing does)."""
        session = self.session
        if session is None:
            self.play(items)
            return
        if session.enqueue(items):
            count = f"{len(items)} items" if len(items) > 1 else describe_item(items[0])
            self.app.notify(f"Queued {printable(count)}", timeout=3, markup=False)
            self.show(session.state)
        else:
            self.app.notify(
                f"{session.player_name} plays one item at a time here: use mpv for a queue.",
                severity="warning",
            )

    def checked(self, plan: PlayPlan) -> None:
        """The play can start: ask where (``resume = "ask"``), then start."""
        self.checking = None
        for line in plan.warnings:
            self.app.notify(printable(line), severity="warning", timeout=8, markup=False)
        if not plan.ask:
            self.start(plan)
            return

        def chosen(start: float | None) -> None:
            if start is not None:
                self.start(plan.with_start(start))

        from kino_tui.ui.screens.resume import (
            ResumeScreen,  # on first use: start-up imports what the first screen needs
        )

        self.app.push_screen(ResumeScreen(plan.item.display_title, plan.resume_at), chosen)

    def play_next(self) -> None:
        """Play the episode offered after the last one ended."""
        if self.next_item is None:
            self.app.notify("Nothing is queued to play next.", timeout=2)
            return
        item, self.next_item = self.next_item, None
        self.play(item)

    def start(self, plan: PlayPlan) -> None:
        """Start the player now."""
        if self.busy:
            return
        session = self.app.library.session(
            plan,
            picture_mode=self.app.image_mode,
            on_update=self._updated_from_thread,
            music_in_background=True,
        )
        session.on_warning = self._warned_from_thread
        window = session.window
        self.session = session
        self.next_item = None
        self._last_index = 0
        self.app.refresh_bindings()  # the player's keys show while it runs
        self.show(session.state)
        if window:
            self.app.start_worker(
                lambda: self.app.post_message(PlaybackEnded(session.run(), session.results)),
                group="playback",
                description=f"play {plan.item.display_title}",
                failure_title="Cannot play",
                on_failure=self.reset,
            )
            return
        self._run_suspended(session)

    def stop(self) -> None:
        """Ask a running player to quit (kino is closing); its progress is still saved."""
        if self.session is not None:
            self.session.stop()

    @property
    def controllable(self) -> bool:
        """A player runs in its own window (kino keeps the terminal and can steer it)."""
        return self.session is not None and self.session.window

    def control(self, what: str) -> bool:
        """Steer the running player: pause, next, previous, back/forward (10 s),
        back-more/forward-more (60 s), louder, softer, stop."""
        session = self.session
        if session is None:
            return False
        if what == "skip":
            return self.skip()
        done = self.app.library.control_player(session, cast("Control", what))
        if not done and what in ("next", "previous"):
            self.app.notify("Nothing to skip to: this player plays one item.", timeout=2)
        return done

    def skip(self) -> bool:
        """Skip the intro, recap, credits… playing now (the skip key)."""
        session = self.session
        if session is None:
            return False
        segment = self.app.library.skip_segment(session)
        if segment is None:
            self.app.notify("Nothing to skip here.", timeout=2)
            return False
        self.app.notify(f"Skipped the {LABELS.get(segment.kind, segment.kind)}.", timeout=2)
        return True

    def reset(self, error: BaseException | None = None) -> None:
        """Forget the playback (it failed, or never started): a new play may begin."""
        self.session = None
        self.checking = None
        self.app.refresh_bindings()
        self.app.browser.set_now_playing("")

    # -- running ---------------------------------------------------------------------
    def _run_suspended(self, session: PlaybackSession) -> None:
        """Hand the terminal to the player; the app resumes whatever the player does."""
        failure: Exception | None = None
        result: PlaybackResult | None = None
        try:
            with self.app.suspend():
                try:
                    result = session.run()
                except Exception as error:  # re-raised after the terminal is back
                    failure = error
        except SuspendNotSupported:
            failure = PlayerError(
                'This terminal cannot hand itself to the player: set playback = "window" '
                "in config.toml to play in a window."
            )
        if result is None:
            self.reset()
            self.app.report_failure("Cannot play", failure or PlayerError("the player did not run"))
            return
        self.ended(result, session.results)

    def _updated_from_thread(self, state: PlayerState) -> None:
        now = time.monotonic()
        moved_on = state.item_index != self._last_index  # always shown at once
        if now - self._last_update < UPDATE_INTERVAL and not state.paused and not moved_on:
            return
        self._last_update, self._last_index = now, state.item_index
        with state.lock:  # whole: not the next item's place with the last one's time
            copy = replace(state, finished=[])
        self.app.post_message(PlaybackUpdated(copy))

    def _warned_from_thread(self, line: str) -> None:
        self.app.post_message(PlaybackWarned(line))

    def show(self, state: PlayerState) -> None:
        session = self.session
        if session is None:
            return
        index = session.playing(state)  # the title, the place and the time of one item
        item = session.queue[index]
        title = describe_item(item) if item.kind == "episode" else item.display_title
        duration = state.duration or item.duration
        where = f"{format_time(state.position or 0)} / {format_time(duration)}"
        paused = "  (paused)" if state.paused else ""
        queue = ""
        if len(session.queue) > 1:
            queue = f"  {index + 1} of {len(session.queue)}"
            if index + 1 < len(session.queue):
                queue += f" · next: {describe_item(session.queue[index + 1])}"
        offered = session.offered_skip(state)
        skip = f"  · i: skip {LABELS.get(offered.kind, offered.kind)}" if offered else ""
        self.app.browser.set_now_playing(
            f"{'⏸' if state.paused else '▶'} {title}  {where}{paused}{queue}{skip}"
            f"  [{session.player_name}]"
        )

    # -- ending ----------------------------------------------------------------------
    def ended(self, result: PlaybackResult, results: list[PlaybackResult] | None = None) -> None:
        self.session = None
        self.app.refresh_bindings()
        browser = self.app.browser
        browser.set_now_playing("")
        browser.progress_changed({r.item.id: r.progress for r in results or [result]})
        for problem in self.app.library.export_problems():
            self.app.notify(
                printable(problem),
                title="NFO not updated",
                severity="warning",
                timeout=10,
                markup=False,
            )
        wanted, self._after_stop = self._after_stop, None
        if wanted:
            self.play(wanted)  # "play now" was chosen over what was playing
            return
        if result.error:
            saved = "" if result.never_played else "\nProgress up to there was saved."
            self.app.notify(
                printable(result.error) + saved,
                title="Cannot play" if result.never_played else "Player stopped",
                severity="error",
                timeout=10,
                markup=False,
            )
            return
        offered = self.app.library.up_next(result, browser.next_episode)
        if offered is None:
            return
        following = offered.item
        if offered.autoplay:
            self.play(following)
            return
        self.next_item = following
        self.app.notify(
            f"Up next: {printable(describe_item(following))}. Press n to play it.",
            title="Episode finished",
            timeout=15,
            markup=False,
        )
