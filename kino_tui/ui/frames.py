"""Frames for videos without a picture, taken in the background after a scan.

Once the whole library is shown (after start-up and after every scan) one worker asks
the library to take the missing frames (``service/pictures.py``: one ffmpeg at a time, at
idle priority), so the browser never waits for them. Each frame made while its entry is
in the detail pane shows at once; the worker is stopped when kino ends.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from kino_tui.ui.messages import FrameMade

if TYPE_CHECKING:
    from kino_tui.core.browse.view import LibraryView
    from kino_tui.core.models import MediaItem
    from kino_tui.ui.screens.browser import BrowserScreen


class FramesController:
    """The frames worker of one browser screen: one run at a time, restarted by a new view."""

    def __init__(self, screen: BrowserScreen) -> None:
        self.screen = screen
        self.cancel: threading.Event | None = None

    def start(self, view: LibraryView) -> None:
        """Take the frames this view's videos lack (a run under way is replaced)."""
        if self.screen.kino.image_mode == "off":
            return  # no picture is drawn: nothing to take one for
        self.stop()
        cancel = self.cancel = threading.Event()
        items = list(view.items.values())
        library = self.screen.kino.library

        def made(item: MediaItem) -> None:
            self.screen.post_message(FrameMade(item))

        self.screen.kino.start_worker(
            lambda: library.make_frames(items, cancel, made),
            group="frames",
            description="take frames",
            failure_title="Pictures could not be made",
            exclusive=True,
        )

    def stop(self) -> None:
        if self.cancel is not None:
            self.cancel.set()
            self.cancel = None
