"""The Textual app: thin on purpose; the browser screen does the work."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import events, on
from textual.app import App, ScreenStackError, SystemCommand
from textual.binding import BindingType
from textual.notifications import Notification, Notify
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from kino_tui.core.background import on_daemon_thread
from kino_tui.core.display import printable
from kino_tui.core.errors import KinoError
from kino_tui.core.models import MediaItem
from kino_tui.service import LiveUpdates, Opening, Rescan
from kino_tui.service.api import LibraryAPI
from kino_tui.service.playing import PlayOrder
from kino_tui.ui import bindings, startup_gc
from kino_tui.ui.images import PosterCache, choose_image_mode
from kino_tui.ui.messages import (
    LibraryChanged,
    PlaybackChecked,
    PlaybackEnded,
    PlaybackUpdated,
    PlaybackWarned,
)
from kino_tui.ui.playback_controller import PlaybackController
from kino_tui.ui.screens.browser import BrowserScreen
from kino_tui.ui.terminal import guard as terminal_guard

#: The longest kino holds keys typed before its first screen is drawn.
EARLY_KEYS_SECONDS = 1.5


@dataclass(frozen=True, slots=True)
class FailurePlan:
    """What to tell the user when a worker fails, and what to reset."""

    title: str
    reset: Callable[[BaseException], None] | None


def describe_failure(error: BaseException) -> str:
    """One line a user can act on, for any error a worker may raise."""
    if isinstance(error, KinoError):
        return str(error)
    if isinstance(error, OSError):
        where = f" ({error.filename})" if error.filename else ""
        return f"{error.strerror or error}{where}: check the drive, the folder and its permissions"
    return (
        f"unexpected {type(error).__name__}: {error}. kino carries on; please report this "
        "with what you were doing"
    )


#: Below this many rows dialogs drop their padding so every line (hints too) shows.
SHORT_ROWS = 26


def notice_key(notification: Notification) -> tuple[str, str]:
    """What makes two notices the same subject: severity and title, or the first two
    words of an untitled one."""
    words = " ".join(str(notification.message).split()[:2])
    return notification.severity, notification.title or words


class KinoApp(App[None]):
    """kino's terminal UI."""

    CSS_PATH = "kino.tcss"
    TITLE = "kino"
    BINDINGS: ClassVar[list[BindingType]] = bindings.KINO_APP

    def __init__(
        self,
        library: LibraryAPI,
        image_mode: str = "off",
        preload: Future[Opening] | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        #: The opening section being loaded since kino started (used once, by the first screen).
        self.preload = preload
        self.image_mode = image_mode
        # A remote library (kino --remote) hands its artwork over its connection.
        self.poster_cache = PosterCache(
            library.picture_cache_folder(), read=library.artwork_reader(), namespace=library.name
        )
        self.playback = PlaybackController(self)
        self._failure_plans: dict[Worker[Any], FailurePlan] = {}
        self._browser: BrowserScreen | None = None
        #: Live updates: the roots watched on a thread of their own while kino is open.
        self.live: LiveUpdates | None = None
        #: Keys typed before the first screen is composed (typing ahead over SSH): held,
        #: then given to it in order, so "/abc" searches instead of losing "/" and
        #: letting "a" open the add-folder dialog. None once the screen takes keys.
        self._early_keys: list[events.Key] | None = []

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and self._early_keys is not None:
            browser = self._browser
            if browser is not None and browser.is_mounted:
                self.keys_ready()  # what was held goes first, then this key
            else:
                self._early_keys.append(event)
                return
        await super().on_event(event)

    def keys_ready(self) -> None:
        """The first screen is drawn: the keys typed ahead of it, in order; the garbage
        collector back on (see ``startup_gc``)."""
        startup_gc.release()
        early, self._early_keys = self._early_keys or [], None
        for key in early:
            self.post_message(events.Key(key.key, key.character))

    def get_default_screen(self) -> Screen[None]:
        self._browser = BrowserScreen()
        return self._browser

    def _on_notify(self, event: Notify) -> None:
        """An information notice replaces the ones it follows up (the same title, or for
        an untitled one the same first words: "Sorted by …" after a burst of s), so a
        burst of keys leaves one notice, not a column of them over the list. Warnings and
        errors each stay: two damaged files are two notices."""
        key = notice_key(event.notification)
        if event.notification.severity == "information":  # a warning or an error stays
            for shown in list(self._notifications):
                if notice_key(shown) == key:
                    self._unnotify(shown, refresh=False)
        super()._on_notify(event)

    def _unnotify(self, notification: Notification, refresh: bool = True) -> None:
        """A notice taken away (its time is up, or a later one replaced it) is also taken
        off the terminal: Textual 8 repaints only the regions its compositor saw change,
        and at small sizes (60×20 in tmux) an expired toast's cells stayed on screen over
        the status line for good. One whole repaint of the screen after it is cheap."""
        super()._unnotify(notification, refresh)
        self.call_after_refresh(self._repaint_screen)

    def _repaint_screen(self) -> None:
        with contextlib.suppress(ScreenStackError):  # kino is closing: nothing to paint
            self.screen.refresh(repaint=True)

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.height < SHORT_ROWS, "-short")  # dialogs drop padding

    def on_mount(self) -> None:
        # however the first screen's start went, keys are never held for longer
        self.set_timer(EARLY_KEYS_SECONDS, self.keys_ready)
        keys = self.library.front_end_settings().keys
        if keys:
            self.set_keymap(keys)
            for line in self.library.binding_problems(bindings.screens()):
                self.notify(printable(line), title="config.toml", severity="warning",
                            timeout=20, markup=False)  # fmt: skip
        if not self.is_headless:
            self._watch_terminal()

    # -- live updates ----------------------------------------------------------------
    def start_live_updates(self) -> None:
        """Watch the roots (service/following.py) on a daemon thread: not a worker, since it
        runs as long as kino does. It rescans what changed and says so with a message.
        The browser starts it once the whole library is shown (start-up comes first)."""
        if self.live is not None:
            return

        def scanned(rescan: Rescan) -> None:
            if self._browser is not None:
                self._browser.post_message(LibraryChanged(rescan=rescan))

        def failed(reason: str) -> None:
            with contextlib.suppress(RuntimeError):  # kino is closing
                self.call_from_thread(
                    self.notify,
                    printable(
                        f"Changes are not followed as they happen ({reason}); the library "
                        "folders are scanned again every 10 minutes instead."
                    ),
                    title="Live updates",
                    severity="warning",
                    timeout=12,
                    markup=False,
                )

        self.live = self.library.live_updates(scanned, failed)
        if self.live is not None:  # None: a remote library (the box follows its folders)
            threading.Thread(target=self.live.run, name="kino-live-updates", daemon=True).start()

    def folders_changed(self, rescan: str | None = None) -> None:
        """A library folder was added, removed or retyped: follow the new set of roots,
        and scan ``rescan`` (or just load the catalog again)."""
        if self.live is not None:
            self.live.restart()
        if rescan is not None:
            self.browser.action_rescan(rescan)
        else:
            self.browser.reload_library()

    def workers_in_group(self, group: str) -> bool:
        """Whether a worker of ``group`` is pending or running."""
        return any(worker.group == group and not worker.is_finished for worker in self.workers)

    def _watch_terminal(self) -> None:
        terminal_guard().attach(self)  # kino ends with its terminal: see ui/terminal.py

    @property
    def browser(self) -> BrowserScreen:
        screen = self.screen_stack[0] if self.screen_stack else self.screen
        assert isinstance(screen, BrowserScreen)
        return screen

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "player":
            return self.playback.controllable  # hidden while no player runs in a window
        return True

    def action_player(self, what: str) -> None:
        self.playback.control(what)

    def action_help(self) -> None:
        from kino_tui.ui.screens.help import (
            HelpScreen,  # on first use: start-up imports what the first screen needs
        )

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        browser = self.browser
        yield SystemCommand("Search", "Search the whole library", browser.action_search)
        yield SystemCommand(
            "Rescan library", "Scan the library folders again", browser.action_rescan
        )
        yield SystemCommand("Sort", "Cycle the sort order of this list", browser.action_cycle_sort)
        yield SystemCommand("Filter", "Filter this list", browser.action_filter)
        yield SystemCommand(
            "Toggle watched", "Mark the highlighted entry", browser.action_toggle_watched
        )
        yield SystemCommand(
            "Audio and subtitles",
            "Choose the highlighted video's audio and subtitles (kept for the show or movie)",
            browser.action_choose_tracks,
        )
        yield SystemCommand(
            "Add library folder", "Add a folder to the library", browser.action_add_folder
        )
        yield SystemCommand(
            "Library folders",
            "Every library folder: state, counts, last scan, problems; add, remove, retype, rescan",
            browser.action_library_folders,
        )
        yield SystemCommand("Help", "Show every key", self.action_help)

    # -- workers -------------------------------------------------------------------
    def start_worker(
        self,
        work: Callable[[], object],
        *,
        group: str,
        description: str,
        failure_title: str,
        on_failure: Callable[[BaseException], None] | None = None,
        exclusive: bool = False,
        read_only: bool = False,
    ) -> Worker[Any]:
        """Run ``work`` on a thread. It reports through messages; if it raises, the user is
        told (``failure_title`` and what happened) and ``on_failure`` resets its state.

        kino waits for a worker to finish when it quits (a scan saves what it read, a
        mark is written), except a ``read_only`` one (loading, searching): quitting while
        the rest of a large library is read left the shell without its prompt for
        seconds (its thread is a daemon: left to end with the process)."""
        worker = self.run_worker(
            _on_daemon_thread(work, description) if read_only else work,
            thread=not read_only,
            group=group,
            description=description,
            exclusive=exclusive,
            exit_on_error=False,
        )
        self._failure_plans[worker] = FailurePlan(failure_title, on_failure)
        return worker

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a worker's failure becomes a notice and a reset state."""
        if event.state not in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        plan = self._failure_plans.pop(event.worker, None)
        error = event.worker.error
        if event.state != WorkerState.ERROR or error is None:
            return
        title = plan.title if plan is not None else "Something went wrong"
        self.report_failure(title, error)
        if plan is not None and plan.reset is not None:
            plan.reset(error)

    def report_failure(self, title: str, error: BaseException) -> None:
        """Tell the user what failed and what to do (never a traceback)."""
        self.notify(
            printable(describe_failure(error)),
            title=title,
            severity="error",
            timeout=12,
            markup=False,
        )

    # -- playback messages (from the controller's workers) ---------------------------
    @on(PlaybackChecked)
    def _playback_checked(self, message: PlaybackChecked) -> None:
        self.playback.checked(message.plan)

    @on(PlaybackUpdated)
    def _playback_updated(self, message: PlaybackUpdated) -> None:
        self.playback.show(message.state)

    @on(PlaybackWarned)
    def _playback_warned(self, message: PlaybackWarned) -> None:
        self.notify(
            printable(message.line), title="Playing", severity="warning", timeout=20, markup=False
        )

    @on(PlaybackEnded)
    def _playback_ended(self, message: PlaybackEnded) -> None:
        self.playback.ended(message.result, message.results)

    def play(
        self, item: MediaItem | list[MediaItem], order: PlayOrder = "given", shuffle: bool = False
    ) -> None:
        """Hand an item, or a queue of items (in ``order``, or shuffled), to the player."""
        self.playback.play(item, order, shuffle)

    def on_unmount(self) -> None:
        if self.live is not None:
            self.live.stop()  # a live rescan under way stops soon and keeps what it read
        self.playback.stop()  # a player kino started does not outlive it untracked
        if self._browser is not None:  # (the screens are gone by now)
            self._browser.stop_scan()  # it saves what it read, then kino ends


async def _on_daemon_thread(work: Callable[[], object], name: str) -> object:
    """``work`` on a daemon thread, awaited (see ``KinoApp.start_worker``)."""
    return await asyncio.wrap_future(on_daemon_thread(work, f"kino {name}"))


def run_app(
    library: LibraryAPI,
    images: str = "auto",
    preload: Future[Opening] | None = None,
) -> int:
    """Open the UI; the picture mode is settled before Textual takes the terminal."""
    guard = terminal_guard()  # first: kino ends with its terminal from here on
    requested = images if images != "auto" else library.front_end_settings().images
    mode = choose_image_mode(requested, tty=sys.stdout.isatty())
    if mode in ("kitty", "sixel"):
        import textual_image.widget  # noqa: F401  (queries the terminal now, before the app starts)
    app = KinoApp(library, mode, preload)
    guard.run(app)
    return app.return_code or 0  # 1 after a crash Textual caught (its traceback was shown)
