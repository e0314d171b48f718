"""The kernel's file events for kino's roots, in a child process of their own.

Setting up inotify watches on a large tree holds the GIL in watchfiles' Rust code (0.7 s
for 25,000 folders), which would freeze kino's screen; in a child it costs kino nothing.
The child prints one line of JSON per batch of events: ``"ready"`` once the watches are in
place, then lists of the folders that changed (see :func:`watcher.changed_folder`). It
ends when its standard input closes (kino stopped watching, or ended) and dies with
kino whatever happens (the kernel's parent-death signal).

    python -m kino_tui.core.watch_process PARENT_PID ROOT...
"""

from __future__ import annotations

import sys
import threading


def main(argv: list[str]) -> int:
    parent, roots = int(argv[0]), argv[1:]
    from kino_tui.core.walker import end_with_parent

    end_with_parent(parent)
    from watchfiles import watch

    from kino_tui.core.storage import dumps
    from kino_tui.core.watcher import changed_folder

    stop = threading.Event()

    def until_stdin_closes() -> None:
        sys.stdin.buffer.read()
        stop.set()

    threading.Thread(target=until_stdin_closes, daemon=True).start()
    out = sys.stdout.buffer
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
    ready = False
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
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except (BrokenPipeError, KeyboardInterrupt):  # kino went away: nothing to tell
        sys.exit(0)
    except Exception as error:  # a watch limit reached, a root gone: one line for kino
        sys.stderr.write(f"{type(error).__name__}: {error}\n")
        sys.exit(1)
