"""The kernel's file events for kino's roots, in a child process of their own.

Setting up inotify watches on a large tree holds the GIL in watchfiles' Rust code (0.7 s
for 25,000 folders), which would freeze kino's screen; in a child it costs kino nothing.
The child prints one line of JSON per batch of events: ``"ready"`` once the watches are in
place, then lists of the folders that changed (see :func:`watcher.changed_folder`). It
ends when its standard input closes (kino stopped watching, or ended) and dies with
kino whatever happens (the kernel's parent-death signal).

    python -m kino_tui.core.follow.child PARENT_PID ROOT...
"""

from __future__ import annotations

import os
import sys
import threading
import time

from watchfiles import watch

from kino_tui.core.catalog.storage import dumps
from kino_tui.core.follow.follower import changed_folder
from kino_tui.core.forking import end_with_parent

#: watchfiles' error for an event on a path that is not UTF-8.
UNDECODABLE = "Unable to decode path"
#: More restarts than this within the window end the watching (kino falls back to timers).
MAX_RESTARTS = 20
RESTART_WINDOW = 60.0


def main(argv: list[str]) -> int:
    parent, roots = int(argv[0]), argv[1:]
    end_with_parent(parent)
    stop = threading.Event()

    def until_stdin_closes() -> None:
        sys.stdin.buffer.read()
        stop.set()

    threading.Thread(target=until_stdin_closes, daemon=True).start()
    out = sys.stdout.buffer
    ready = False
    restarts: list[float] = []
    while not stop.is_set():
        changes = watch(
            *roots,
            watch_filter=None,
            debounce=200,
            step=50,
            stop_event=stop,
            rust_timeout=200,
            yield_on_timeout=True,
            raise_interrupt=False,
            ignore_permission_denied=True,
        )
        try:
            for found in changes:
                if not ready:
                    out.write(b'"ready"\n')
                    ready = True
                folders = sorted({f for _, path in found if (f := changed_folder(path, roots))})
                if folders:
                    out.write(dumps(folders) + b"\n")
                out.flush()
                if stop.is_set():
                    break
        except Exception as error:
            if UNDECODABLE not in str(error):
                raise
            # An event on a name that is not UTF-8 ends watchfiles' watch (it cannot
            # decode the path): say its root changed (a rescan finds what did) and
            # watch again, unless that keeps happening.
            now = time.monotonic()
            restarts = [t for t in restarts if now - t < RESTART_WINDOW] + [now]
            if len(restarts) > MAX_RESTARTS:
                raise
            named = [root for root in roots if f'"{root}/' in str(error)]
            out.write(dumps(named or list(roots)) + b"\n")
            out.flush()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except (BrokenPipeError, KeyboardInterrupt):  # kino went away: nothing to tell
        sys.exit(0)
    except Exception as error:  # a watch limit reached, a root gone: one line for kino
        sys.stderr.write(f"{type(error).__name__}: {error}\n")
        sys.stderr.flush()
        # not sys.exit: the thread still reading stdin would make Python's shutdown
        # abort ("could not acquire lock"), and kino would hear that, not the reason
        os._exit(1)
