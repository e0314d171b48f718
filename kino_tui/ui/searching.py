"""The browser's search while the library's own search index is not built yet (the
first seconds at 250,000 tracks): answered in a worker from the catalog's index (a few
rows read), or else by building the library's index off the UI thread. Typed ahead,
``/`` and a title are answered and drawn as soon as the rows they need are read.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from kino_tui.core.browse.search import Searchable
from kino_tui.ui.messages import SearchAnswered

if TYPE_CHECKING:
    from textual.timer import Timer

    from kino_tui.core.browse.view import LibraryView
    from kino_tui.ui.screens.browser import BrowserScreen


#: How long the rest of the library waits, after the first screen, for keys typed ahead.
GRACE_SECONDS = 0.15
#: The rows a keystroke ranks before the list is drawn (more than a screen holds); the
#: rest of the 500 follow once typing pauses for REST_SECONDS. At 250,000 tracks the
#: first page is a few ms where the whole list could take 60.
FIRST_PAGE = 100
REST_SECONDS = 0.3


class SearchController:
    """One worker at a time; its answer's handler searches again for whatever was typed
    meanwhile, so the last query typed is always the one shown."""

    def __init__(self, screen: BrowserScreen) -> None:
        self.screen = screen
        #: The latest query the search box asked for.
        self.wanted = ""
        self.busy = False
        #: Set while a worker answers (read by other workers' threads: see wait_idle).
        self._in_flight = threading.Event()
        #: Ranks the rest of a search whose first page is shown (see :meth:`show`).
        self._rest: Timer | None = None
        #: A search typed before any of the library was shown (the catalog still being
        #: read, or its index built): answered once it is (:meth:`library_shown`).
        self.pending = False

    def wait_idle(self, grace: float = GRACE_SECONDS, timeout: float = 3.0) -> None:
        """On a worker's thread: give keys typed ahead ``grace`` seconds to start a
        search, and any search in flight the CPU first (``timeout`` at most)."""
        deadline = time.monotonic() + timeout
        time.sleep(grace)
        while self._in_flight.is_set() and time.monotonic() < deadline:
            time.sleep(0.01)

    def show(self, query: str) -> None:
        """Show the library's matches for ``query``: its first page at once, the rest of
        the list once typing pauses (the cursor kept on its row)."""
        screen, state = self.screen, self.screen.state
        view = state.view
        if self._rest is not None:
            self._rest.stop()
            self._rest = None
        if view is None:
            self.wanted, self.pending = query, True  # answered when the library shows
            return
        if self.ask(query, view):
            return
        started = time.perf_counter()
        state.search(query, FIRST_PAGE)
        screen.last_search_seconds = time.perf_counter() - started
        screen.draw()
        level = state.level
        if state.query and level is not None and len(level.entries) >= FIRST_PAGE:
            self._rest = screen.set_timer(REST_SECONDS, self._show_rest)

    def library_shown(self) -> None:
        """The library is on screen: answer what was typed in the box before it was."""
        if self.pending:
            self.pending = False
            if self.screen.state.searching:
                self.screen.show_search(self.wanted)

    def _show_rest(self) -> None:
        self._rest = None
        state = self.screen.state
        if state.query and len(state.levels) == 1:  # still the results, not a group opened
            state.refresh()  # the whole list, ranked; the cursor stays on its row
            self.screen.draw()

    def ask(self, query: str, view: LibraryView) -> bool:
        """Take ``query``; True when a worker answers it (the view cannot at once)."""
        self.wanted = query
        if not query.strip() or view.search_ready:
            return False
        if not self.busy:
            self._start(query, view)
        return True

    def _start(self, query: str, view: LibraryView) -> None:
        self.busy = True
        self._in_flight.set()
        screen = self.screen
        library = screen.kino.library

        def work() -> None:
            try:
                found = library.search_indexed(query)
            finally:
                self._in_flight.clear()
            if found is None:  # no current index: the library's own, built here
                view.ensure_search_index()
            screen.post_message(SearchAnswered(query, found))

        def failed(_: BaseException) -> None:
            self.busy = False
            self._in_flight.clear()

        screen.kino.start_worker(work, group="search", description="search", read_only=True,
                                 failure_title="The search failed", on_failure=failed)  # fmt: skip

    def answered(self, message: SearchAnswered) -> None:
        """Show the worker's answer, or search again for what was typed since."""
        self.busy = False
        screen, state = self.screen, self.screen.state
        view = state.view
        if view is None or not state.searching:
            return  # the search was closed meanwhile
        if view.search_ready or self.wanted.strip() != message.query.strip():
            screen.show_search(self.wanted)  # the loaded library answers, or more was typed
            return
        found = message.found
        if found is None:
            return
        entries = found.entries
        if state.complete:  # the loaded library's own rows for these matches
            entries = view.entries(Searchable(e.kind, e.key, "") for e in entries)
        state.show_results(message.query, entries)
        screen.draw()
