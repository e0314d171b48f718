"""Quitting while the library is still read ends kino at once: a worker that only reads
(loading, searching) does not hold the process, as one that writes (a scan) does."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

from kino_tui.service import Library

SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from kino_tui.config.paths import KinoPaths
    from kino_tui.service import Library
    import kino_tui.ui.app
    from kino_tui.ui.app import KinoApp

    class Quitting(KinoApp):
        CSS_PATH = str(Path(kino_tui.ui.app.__file__).with_name(KinoApp.CSS_PATH))

        def on_ready(self) -> None:
            self.start_worker(lambda: time.sleep(60), group="catalog", read_only=READ_ONLY,
                              description="read the rest", failure_title="x")
            self.set_timer(0.5, self.exit)

    Quitting(Library(KinoPaths.default()), image_mode="off").run(headless=True)
    print("quit", flush=True)
    """
)


def quit_seconds(library: Library, read_only: bool) -> float:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT.replace("READ_ONLY", str(read_only))],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0 and "quit" in done.stdout, done.stderr[-2000:]
    return time.monotonic() - started


def test_a_read_only_worker_does_not_hold_kino_when_it_quits(ui_library: Library) -> None:
    """In the SSH trial the shell's prompt came back 3 to 10 s after q while the rest of a
    250,000-track library was read (the worker's thread was joined at exit)."""
    assert quit_seconds(ui_library, read_only=True) < 20  # the worker would take 60 s
