"""Signals during a play and around a remote connection.

- While a play runs (:func:`stopped_by_signals`), SIGINT, SIGTERM and SIGHUP stop the
  player: kino saves its position and the history line as after any stop (a remote
  play keeps them on this machine when the box cannot take them), removes the play's
  folders, and the command then ends (SIGTERM and SIGHUP with status 128 + the signal).
  A second signal also gives up waiting for a box that does not answer.
- Around a remote connection (:func:`ended_by_signals`), SIGTERM and SIGHUP end kino as
  an error does, so the connection is closed (ssh ends, the box's ``serve`` with it) and
  its private folder removed.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kino_tui.core.play.session import PlaybackSession

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@dataclass
class Signalled:
    """Which signal stopped the play (None: none came)."""

    number: int | None = None

    @property
    def status(self) -> int | None:
        """The exit status a signal that ends kino gives (None: go on as usual; Ctrl+C
        stops the play only, as the player's own key would)."""
        if self.number is None or self.number == signal.SIGINT:
            return None
        return 128 + self.number


@contextlib.contextmanager
def stopped_by_signals(session: PlaybackSession) -> Iterator[Signalled]:
    """SIGINT, SIGTERM and SIGHUP stop ``session``'s player while the block runs."""
    signalled = Signalled()

    def on_signal(number: int, frame: object) -> None:
        signalled.number = signalled.number or number
        session.stop()

    previous = {number: signal.signal(number, on_signal) for number in SIGNALS}
    try:
        yield signalled
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


class Ended(SystemExit):
    """SIGTERM or SIGHUP came: kino ends, cleaning up on the way out."""


@contextlib.contextmanager
def ended_by_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP raise :class:`Ended` (status 128 + the signal) while the block
    runs, so its ``finally`` clauses run."""

    ending: list[int] = []

    def on_signal(number: int, frame: object) -> None:
        if ending:
            return  # already ending: let the cleanup run to its end
        ending.append(number)
        raise Ended(128 + number)

    previous = {
        number: signal.signal(number, on_signal) for number in (signal.SIGTERM, signal.SIGHUP)
    }
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
