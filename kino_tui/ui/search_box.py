"""The browser's search box: opened by "/", searched as it is typed (after a short pause
for a burst of keys), Escape back to where the search started, Enter or Down into the
results. What a query finds is :mod:`kino_tui.ui.searching`'s."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Input

from kino_tui.ui.widgets.media_list import MediaList

if TYPE_CHECKING:
    from textual.timer import Timer

    from kino_tui.ui.screens.browser import BrowserScreen

#: Seconds of quiet after a key before the search runs (a burst is one search).
SEARCH_DELAY = 0.03


class SearchBoxController:
    """The box's state beside the browser's: its pending search."""

    def __init__(self, screen: BrowserScreen) -> None:
        self.screen = screen
        self._timer: Timer | None = None

    @property
    def box(self) -> Input:
        return self.screen.query_one("#search", Input)

    def open(self) -> None:
        """Open the box and focus it now (not after a refresh), so every key after "/"
        goes there, however fast it comes."""
        self.screen.state.begin_search()
        self.box.display = True
        self.screen.set_focus(self.box)

    def cancel(self) -> None:
        """Escape in the box: back to the level and row the user was on."""
        self.hide()
        self.screen.state.cancel_search()
        self.screen.draw()

    def hide(self) -> None:
        """Close the box (its text cleared), the list focused; the results stay."""
        box = self.box
        if box.display:
            self._stop_timer()
            with box.prevent(Input.Changed):
                box.value = ""
            box.display = False
            self.screen.set_focus(self.screen.query_one(MediaList))

    def changed(self, value: str) -> None:
        """A key in the box: search once the burst is over."""
        self._stop_timer()
        self._timer = self.screen.set_timer(SEARCH_DELAY, lambda: self.run(value))

    def run(self, query: str) -> None:
        """Show the library's matches for ``query`` (empty: where the search started),
        while the box is open (before the library is shown: answered once it is)."""
        if self.box.display:
            self.screen.show_search(query)

    def into_results(self, query: str, cancel_if_empty: bool) -> None:
        """Enter (or Down) in the box: the results of exactly what was typed, the list
        focused now, so the next key is for it."""
        self._stop_timer()
        self.run(query)
        if not self.screen.state.query:
            if cancel_if_empty:
                self.cancel()
            return
        self.box.display = False
        self.screen.set_focus(self.screen.query_one(MediaList))

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
