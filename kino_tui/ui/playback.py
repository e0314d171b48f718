"""Playback from the UI: ask where to start, run the player, show it, offer what is next.

A player in its own window runs in a thread worker and the UI stays usable, with live
progress in the now-playing line. A player in the terminal (a user over SSH) takes the
terminal: the app is suspended until it exits.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING

from textual.app import SuspendNotSupported

from kino_tui.core.display import printable
from kino_tui.core.errors import KinoError
from kino_tui.core.models import MediaItem
from kino_tui.core.progress import format_time, start_position

if TYPE_CHECKING:
    from kino_tui.core.playback import PlaybackResult, PlaybackSession
    from kino_tui.core.players import PlayerState
    from kino_tui.ui.app import KinoApp

UPDATE_INTERVAL = 0.5


class PlaybackController:
    """Owns the one playback the UI may have running."""

    def __init__(self, app: KinoApp) -> None:
        self.app = app
        self.session: PlaybackSession | None = None
        self.next_item: MediaItem | None = None
        self._last_update = 0.0

    def play(self, item: MediaItem) -> None:
        """Play an item, asking first when it has a resume point and ``resume = "ask"``."""
        if self.session is not None:
            title = printable(self.session.item.display_title)
            self.app.notify(
                f"Already playing {title}: quit the player first.", severity="warning", markup=False
            )
            return
        settings = self.app.library.settings.playback
        progress = self.app.browser.progress_of(item)
        if settings.resume == "ask" and progress.position > 0:
            from kino_tui.ui.screens.resume import ResumeScreen

            def chosen(start: float | None) -> None:
                if start is not None:
                    self.start(item, start)

            self.app.push_screen(ResumeScreen(item.display_title, progress.position), chosen)
            return
        self.start(item, start_position(progress, settings.resume))

    def play_next(self) -> None:
        """Play the episode offered after the last one ended."""
        if self.next_item is None:
            self.app.notify("Nothing is queued to play next.", timeout=2)
            return
        item, self.next_item = self.next_item, None
        self.play(item)

    def start(self, item: MediaItem, start: float) -> None:
        """Start the player now at ``start`` seconds."""
        from kino_tui.core.playback import PlaybackSession  # players load on first play

        settings = self.app.library.settings.playback
        window = settings.in_window()
        if not settings.terminal_vo and self.app.image_mode in ("kitty", "sixel"):
            # The terminal shows pictures: mpv can draw video the same way (tct if it can't).
            settings = replace(settings, terminal_vo=f"{self.app.image_mode},tct")
        session = PlaybackSession(
            item,
            self.app.library.watch,
            settings,
            start,
            window=window,
            on_update=self._updated_from_thread if window else None,
        )
        self.session = session
        self.next_item = None
        self._show(session.state)
        if window:
            self.app.run_worker(
                lambda: self._run_in_thread(session),
                thread=True,
                group="playback",
                exit_on_error=False,
                description="playback",
            )
            return
        self._run_suspended(session)

    def stop(self) -> None:
        """Ask a running player to quit (kino is closing); its progress is still saved."""
        if self.session is not None:
            self.session.stop()

    # -- running ---------------------------------------------------------------------
    def _run_in_thread(self, session: PlaybackSession) -> None:
        try:
            result = session.run()
        except KinoError as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        self.app.call_from_thread(self._finished, result)

    def _run_suspended(self, session: PlaybackSession) -> None:
        try:
            with self.app.suspend():
                result = session.run()
        except SuspendNotSupported:
            self._failed(
                'This terminal cannot hand itself to the player: set playback = "window" '
                "in config.toml to play in a window."
            )
            return
        except KinoError as error:
            self._failed(str(error))
            return
        self._finished(result)

    def _updated_from_thread(self, state: PlayerState) -> None:
        now = time.monotonic()
        if now - self._last_update < UPDATE_INTERVAL and not state.paused:
            return
        self._last_update = now
        self.app.call_from_thread(self._show, state)

    def _show(self, state: PlayerState) -> None:
        session = self.session
        if session is None:
            return
        title = session.item.display_title
        duration = state.duration or session.item.duration
        where = f"{format_time(state.position or 0)} / {format_time(duration)}"
        paused = "  (paused)" if state.paused else ""
        self.app.browser.set_now_playing(f"▶ {title}  {where}{paused}  [{session.player_name}]")

    # -- ending ----------------------------------------------------------------------
    def _failed(self, message: str) -> None:
        self.session = None
        self.app.browser.set_now_playing("")
        self.app.notify(
            printable(message), title="Cannot play", severity="error", timeout=10, markup=False
        )

    def _finished(self, result: PlaybackResult) -> None:
        self.session = None
        browser = self.app.browser
        browser.set_now_playing("")
        browser.progress_changed({result.item.id: result.progress})
        if result.error:
            self.app.notify(
                printable(result.error) + "\nProgress up to there was saved.",
                title="Player stopped",
                severity="error",
                timeout=10,
                markup=False,
            )
            return
        finished = result.progress.watched and result.progress.position == 0
        following = browser.next_episode(result.item) if finished else None
        if following is None:
            return
        if self.app.library.settings.autoplay_next:
            self.play(following)
            return
        self.next_item = following
        self.app.notify(
            f"Up next: {printable(following.display_title)}. Press n to play it.",
            title="Episode finished",
            timeout=15,
            markup=False,
        )
