"""Scanning from the browser: a rescan (all folders, or one), its progress on the status
line, adding a folder, and stopping a scan when kino closes (what was read is kept)."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from kino_tui.core.display import printable
from kino_tui.core.models import ScanProgress
from kino_tui.core.text import scan_progress, scan_summary
from kino_tui.ui.messages import ScanFinished, ScanProgressed

if TYPE_CHECKING:
    from kino_tui.service.roots import FolderAdded
    from kino_tui.ui.screens.browser import BrowserScreen

SCAN_PROGRESS_INTERVAL = 0.1


class ScanController:
    """The browser's scan: at most one at a time, in a worker of the app."""

    def __init__(self, screen: BrowserScreen) -> None:
        self.screen = screen
        #: Set while a scan runs; setting it stops the scan.
        self.cancel: threading.Event | None = None

    def rescan(self, only: str | None = None) -> None:
        """Scan every library folder again (or only the folder ``only``)."""
        screen = self.screen
        library = screen.kino.library
        if not library.front_end_settings().has_roots:
            screen.notify("No library folders yet: press a to add one.", severity="warning")
            return
        if self.cancel is not None:
            screen.notify("A scan is already running.", timeout=2)
            return
        cancel = self.cancel = threading.Event()
        screen.set_status("Scanning…")
        last_report = 0.0

        def report(progress: ScanProgress) -> None:
            nonlocal last_report
            now = time.monotonic()
            if now - last_report >= SCAN_PROGRESS_INTERVAL:
                last_report = now
                screen.post_message(ScanProgressed(f"Scanning: {scan_progress(progress)}"))

        def scan() -> None:
            chosen = library.roots_for([only]) if only else None
            summary = library.scan(chosen, on_progress=report, cancel=cancel)
            screen.post_message(ScanFinished(summary, library.take_warnings(summary)))

        screen.kino.start_worker(
            scan,
            group="scan",
            description="scan the library",
            failure_title="Scan failed",
            on_failure=self.failed,
            exclusive=True,
        )

    def stop(self) -> None:
        """Stop a running scan (kino is closing): what it read so far is kept."""
        if self.cancel is not None:
            self.cancel.set()

    def progressed(self, message: ScanProgressed) -> None:
        if self.cancel is not None:
            self.screen.set_status(message.text)

    def failed(self, error: BaseException) -> None:
        from kino_tui.ui.app import describe_failure  # app.py imports this module

        self.cancel = None
        self.screen.set_status(f"Scan failed: {describe_failure(error)}")

    def finished(self, message: ScanFinished) -> None:
        screen = self.screen
        self.cancel = None
        text = scan_summary(message.summary)
        screen.loader.scan_message = text[0].upper() + text[1:]
        screen.set_status(screen.loader.scan_message)
        for warning in message.warnings:
            screen.notify(
                printable(warning), title="Damaged file set aside", severity="error", timeout=20,
                markup=False,
            )  # fmt: skip
        screen.loader.start()

    def add_folder(self) -> None:
        screen = self.screen

        def added(result: FolderAdded | None) -> None:
            if result is None:
                return
            message = result.message[:1].upper() + result.message[1:]
            screen.notify(printable(message) + "; scanning…", timeout=6 if result.online else 12,
                          markup=False)  # fmt: skip
            if screen.kino.live is not None:
                screen.kino.live.restart()  # watch the new folder too
            self.rescan()

        from kino_tui.ui.screens.add_folder import (
            AddFolderScreen,  # on first use: start-up imports what the first screen needs
        )

        screen.app.push_screen(AddFolderScreen(screen.kino.library), added)
