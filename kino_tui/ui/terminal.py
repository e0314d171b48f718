"""kino ends with its terminal: a closed window, a killed tmux session, a dropped SSH
connection, at any moment from start-up on.

What used to leave kino behind (issue 8), and what this module does instead:

- Textual's writer thread dies on the first write to a terminal that is gone (``EIO``).
  Its queue then fills up, and the next write, or the driver's ``close()`` on the way
  out, blocks kino's main thread for good. A blocked main thread runs no event loop, so
  a SIGHUP handler installed with ``loop.add_signal_handler`` never ran either. Here
  Textual writes through :class:`TerminalOutput`, which never raises: a terminal gone is
  reported and what is written after it is dropped.
- A hang-up sends SIGCONT with the SIGHUP, and Textual's SIGCONT handler starts
  application mode again (a new writer thread, a new input thread) on the dead terminal,
  in the middle of whatever the main thread was doing. :class:`GuardedDriver` does not
  once kino is ending.
- SIGHUP and SIGTERM are handled by plain Python signal handlers, installed before
  Textual starts: they run in the main thread even while it waits on a lock, and they do
  nothing there but wake the watchdog. (SIGTERM used to kill kino, leaving the player it
  started running and its terminal in application mode.)
- The watchdog (a daemon thread) notices a terminal gone without a signal (kino in
  another session than its terminal's: no SIGHUP comes), asks the app to exit, and stops
  a player kino started at once, from its own thread (its progress is saved by the
  playback thread as usual). If kino is still running :data:`EXIT_SECONDS` later, it
  kills a player still running, gives its thread :data:`SAVE_SECONDS` to save the last
  position, and ends the process with ``os._exit``: kino never outlives its terminal for
  longer than that.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import signal
import sys
import threading
import time
from types import FrameType
from typing import IO, TYPE_CHECKING, Any

from textual.drivers.linux_driver import LinuxDriver

if TYPE_CHECKING:
    from kino_tui.ui.app import KinoApp

#: How often the watchdog checks that the terminal is still there.
CHECK_SECONDS = 1.0
#: How long kino may take to end once its terminal is gone, before it is ended by force.
EXIT_SECONDS = 5.0
#: How long a player killed then is given to have its last position saved.
SAVE_SECONDS = 2.5
#: The exit status of a kino ended by force when its terminal went without a signal (a
#: signal gives 128 + its number).
FORCED_STATUS = 128 + signal.SIGHUP
#: The signals that end kino cleanly (a player it started stopped, its progress saved).
END_SIGNALS = (signal.SIGHUP, signal.SIGTERM)


def _is_terminal(fd: int) -> bool:
    try:
        return os.isatty(fd)
    except OSError:
        return False


class TerminalGuard:
    """Ends kino with its terminal, within a bounded time. One per process."""

    def __init__(self) -> None:
        #: Set when kino is to end: an ending signal came, or the terminal is gone.
        self.ending = False
        #: Set when the terminal is known to be gone (writing to it fails, it is no longer
        #: a terminal): from then on nothing is written to it.
        self.dead = False
        self.status = FORCED_STATUS
        self.app: KinoApp | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        # The watchdog sleeps on a pipe: writing a byte is all a signal handler does.
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_write, False)
        self._terminals = [
            fd
            for stream in (sys.__stdin__, sys.__stdout__, sys.__stderr__)
            if stream is not None
            for fd in [stream.fileno()]
            if _is_terminal(fd)
        ]

    def install(self) -> None:
        """Handle the ending signals from now on and start the watchdog."""
        if threading.current_thread() is threading.main_thread():  # where handlers run
            for signum in END_SIGNALS:
                if signal.getsignal(signum) is not signal.SIG_IGN:  # nohup is obeyed
                    signal.signal(signum, self._on_signal)
        threading.Thread(target=self._watch, name="kino-terminal-watchdog", daemon=True).start()

    def run(self, app: KinoApp) -> None:
        """Run the app (not at all when the terminal went during start-up)."""
        self.app = app
        if app.driver_class is LinuxDriver:
            app.driver_class = GuardedDriver
        if self.ending:
            return
        try:
            app.run()
        finally:
            self._loop = None

    def attach(self, app: KinoApp) -> None:
        """Called on the app's loop once it is mounted: from now on an exit can be asked."""
        self.app = app
        self._loop = asyncio.get_running_loop()
        if self.ending:
            self._exit_app()

    def end(self, status: int = FORCED_STATUS) -> None:
        """Have kino end; safe from any thread and from a signal handler: it sets a flag
        and writes a byte to a pipe, nothing else."""
        if not self.ending:
            self.status = status
            self.ending = True
        with contextlib.suppress(OSError):  # a full pipe has woken the watchdog already
            os.write(self._wake_write, b"\0")

    def terminal_gone(self) -> None:
        """The terminal is gone: nothing more is written to it, and kino ends."""
        self.dead = True
        self.end()

    def check(self) -> bool:
        """Whether the terminal is still there (reported gone if not)."""
        if not self.dead and not all(_is_terminal(fd) for fd in self._terminals):
            self.terminal_gone()
        return not self.dead

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.end(128 + signum)

    # -- the watchdog thread ---------------------------------------------------------
    def _watch(self) -> None:
        while not self.ending:
            ready, _, _ = select.select([self._wake_read], [], [], CHECK_SECONDS)
            if not ready:
                self.check()
        loop = self._loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has closed: kino is ending
                loop.call_soon_threadsafe(self._exit_app)
        self._stop_player()
        time.sleep(EXIT_SECONDS)  # a daemon thread: it ends with kino, if kino ends in time
        self._end_by_force()

    def _exit_app(self) -> None:
        if self.app is not None:
            self.app.exit()  # the player is stopped again on unmount, its progress saved

    def _stop_player(self) -> None:
        if self.app is not None:
            self.app.playback.stop()

    def _end_by_force(self) -> None:
        session = self.app.playback.session if self.app is not None else None
        process = session.process if session is not None else None
        if process is not None and process.poll() is None:
            with contextlib.suppress(OSError):
                process.kill()
            # The playback thread saves the last position it heard once the player exits.
            time.sleep(SAVE_SECONDS)
        os._exit(self.status)


class TerminalOutput:
    """Textual's output file, which never raises: a write error on a terminal that is
    gone reports it and drops all later output; any other write error drops the text."""

    def __init__(self, file: IO[str], guard: TerminalGuard) -> None:
        self._file = file
        self._guard = guard

    def write(self, text: str) -> int:
        if not self._guard.dead:
            try:
                self._file.write(text)
            except (OSError, ValueError):
                self._failed()
        return len(text)

    def flush(self) -> None:
        if not self._guard.dead:
            try:
                self._file.flush()
            except (OSError, ValueError):
                self._failed()

    def fileno(self) -> int:
        return self._file.fileno()

    def _failed(self) -> None:
        try:
            gone = not _is_terminal(self._file.fileno())
        except (OSError, ValueError):
            gone = True
        if gone:
            self._guard.terminal_gone()


class GuardedDriver(LinuxDriver):
    """Textual's Linux driver, writing through :class:`TerminalOutput`, and not starting
    application mode again on a SIGCONT once kino is ending or the terminal is gone."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assert self._file is not None, "Textual writes to sys.__stderr__"
        # The writer thread needs only write(), flush() and fileno().
        self._file = TerminalOutput(self._file, guard())  # type: ignore[assignment]

    def _sigcont_application(self, *args: Any) -> None:
        terminal = guard()
        # A hang-up sends SIGCONT after SIGHUP: no new threads on a dead terminal.
        if terminal.check() and not terminal.ending:
            super()._sigcont_application(*args)


_guard: TerminalGuard | None = None


def guard() -> TerminalGuard:
    """The process's guard, installed the first time it is asked for: call it before
    anything touches the terminal."""
    global _guard
    if _guard is None:
        _guard = TerminalGuard()
        _guard.install()
    return _guard
