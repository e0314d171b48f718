"""What can go wrong with the shared database (psycopg-free: a box without the driver
still says so with these)."""

from __future__ import annotations

from kino_tui.core.errors import KinoError


class ChangeRefused(KinoError):
    """The database refused a change itself (a value it cannot hold), not the link:
    sending it again would fail again."""


class SharedUnavailable(KinoError):
    """The shared database cannot be used now; the message says why and what to do."""

    def __init__(self, message: str, reachable: bool = False) -> None:
        super().__init__(message)
        #: The server answered (a wrong password, a missing database): waiting will not help.
        self.reachable = reachable
