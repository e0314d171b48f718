"""Work on a daemon thread, its result (or failure) in a future: a process quitting does
not wait for it (the catalog read while the UI loads, a read-only worker of the TUI)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

_Result = TypeVar("_Result")


def on_daemon_thread(work: Callable[[], _Result], name: str) -> Future[_Result]:
    """Start ``work`` on a daemon thread called ``name``; its result or exception goes to
    the future returned (cancelled before it starts, it does not run)."""
    done: Future[_Result] = Future()

    def run() -> None:
        if not done.set_running_or_notify_cancel():
            return
        try:
            done.set_result(work())
        except BaseException as error:  # handed to whoever waits on the future
            done.set_exception(error)

    threading.Thread(target=run, name=name, daemon=True).start()
    return done
