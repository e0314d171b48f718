"""Loading the library into the browser: the opening section, the rest, a reload after a
scan or a change made elsewhere (another kino's scan, live updates), and watch progress
saved by other processes, each read in a worker of the app."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kino_tui.core.display import printable
from kino_tui.core.models import Progress
from kino_tui.core.text import scan_summary
from kino_tui.service.loading import OPENING_PROGRESS
from kino_tui.ui.messages import (
    CatalogLoaded,
    LibraryChanged,
    OpeningLoaded,
    SharedStateChanged,
    WatchStateRead,
)

if TYPE_CHECKING:
    from concurrent.futures import Future

    from textual.timer import Timer

    from kino_tui.core.browse.view import LibraryView
    from kino_tui.service import Opening, Rescan
    from kino_tui.ui.screens.browser import BrowserScreen


#: The status line while the opening builds the catalog's index (once: see
#: ``service/loading.OpeningProgress``).
BUILDING_INDEX = "Indexing the catalog, once after an upgrade or a change made elsewhere…"


class LoadingController:
    """What the browser knows of the catalog and watch files it shows, and the workers
    that read them again."""

    def __init__(self, screen: BrowserScreen) -> None:
        self.screen = screen
        #: Counts the catalog loads started, and the changes of progress made here.
        self.load_generation = 0
        self.progress_generation = 0
        self.watch_signature: tuple[int, int, int] | None = None
        #: The catalog file as last loaded (see :meth:`library_changed`).
        self.catalog_signature: tuple[int, int, int] | None = None
        self.catalog_known = False
        self.reload_pending = False
        #: What the status line says once the library is shown (a scan's summary).
        self.scan_message = ""
        #: Live updates applied to the view in place (see :meth:`_apply`).
        self.applied = 0
        #: Says what the opening does while the first screen waits for it.
        self._waiting: Timer | None = None

    # -- the catalog -------------------------------------------------------------------
    def start(self, preload: Future[Opening] | None = None) -> None:
        """Load the catalog in a worker: at start the opening section (read since kino
        started), after a rescan all of it at once."""
        screen = self.screen
        library = screen.kino.library
        self.load_generation += 1
        generation = self.load_generation

        def load() -> None:
            if preload is not None:
                screen.post_message(OpeningLoaded(preload.result()))
                return
            signature = library.catalog_signature()
            view, warnings = library.load_view()
            view.ensure_search_index()  # unless the load read it with the items
            screen.post_message(CatalogLoaded(view, warnings, generation, signature))

        self._in_worker(load, "load the catalog")
        if preload is not None and not preload.done():  # say why, if it takes long
            self._waiting = screen.set_interval(0.3, self._say_what_the_opening_does)

    def _say_what_the_opening_does(self) -> None:
        if self.screen.state.view is not None:
            if self._waiting is not None:
                self._waiting.stop()
                self._waiting = None
            return
        if OPENING_PROGRESS.building_index:
            self.screen.set_status(BUILDING_INDEX)

    def _in_worker(self, work: Callable[[], None], description: str) -> None:
        """Every catalog load runs in one exclusive worker group, failing the same way."""
        self.screen.kino.start_worker(
            work,
            group="catalog",
            description=description,
            failure_title="The catalog could not be loaded",
            on_failure=self.failed,
            exclusive=True,
            read_only=True,
        )

    def show_opening(self, opening: Opening) -> None:
        complete = opening.complete
        self.shown(opening.view, opening.warnings, complete)
        screen = self.screen
        if complete:
            # the whole library was the opening: its search index is built after the
            # first frame, in a worker (built at the first key, it held the screen for
            # seconds at 250,000 tracks, the typed search not drawn)
            screen.call_after_refresh(
                screen.kino.start_worker,
                opening.view.ensure_search_index,
                group="search-index",
                description="index the library for search",
                failure_title="The library could not be indexed for search",
                read_only=True,
            )
            return
        library = screen.kino.library
        generation = self.load_generation

        searching = screen.searching

        def load_rest() -> None:
            # a search typed ahead (kino was started with "/" and a title) is answered
            # from the index first: the rest's unpacking would take the GIL from it
            searching.wait_idle()
            view, warnings = library.load_rest(opening)
            view.ensure_search_index()  # unless the load read it with the items
            screen.post_message(CatalogLoaded(view, warnings, generation))

        screen.call_after_refresh(self._in_worker, load_rest, "load the rest of the library")

    def loaded(self, message: CatalogLoaded) -> None:
        if message.generation != self.load_generation:
            return  # overtaken: a rescan's load started after this one
        if message.signature is not None:
            self.catalog_signature, self.catalog_known = message.signature, True
        self.shown(message.view, message.warnings, complete=True)
        if self.reload_pending:  # changed again while this was read
            self.reload_pending = False
            self.start()

    def failed(self, error: BaseException) -> None:
        from kino_tui.ui.app import describe_failure  # app.py imports this module

        screen = self.screen
        screen.set_status(f"The catalog could not be loaded: {describe_failure(error)}")
        screen.kino.start_live_updates()
        if screen.state.view is None:  # show an empty library rather than "Loading…" forever
            screen.state.complete = True
            screen.draw()

    def shown(self, view: LibraryView, warnings: list[str], complete: bool) -> None:
        screen = self.screen
        screen.state.set_view(view, complete)
        for warning in warnings:
            screen.notify(
                printable(warning), title="Damaged file set aside", severity="error", timeout=20,
                markup=False,
            )  # fmt: skip
        screen.highlight_section()  # the section may have changed (the first folder scanned)
        screen.draw()
        screen.searching.library_shown()  # a search typed while "Loading the catalog…"
        if not complete:
            screen.set_status("Loading the rest of the library…")
            return
        screen.set_status(self.scan_message or view.summary())
        self.scan_message = ""
        screen.kino.start_live_updates()  # once the library is shown (a no-op after that)
        screen.frames.start(view)  # pictures for the videos that have none, in the background

    def library_changed(self, message: LibraryChanged) -> None:
        """Live updates rescanned something, or another process saved the catalog: load
        it again in a worker (the level and cursor are kept, see ``BrowserState.set_view``)."""
        screen = self.screen
        rescan = message.rescan
        if rescan is None:
            if not self.catalog_known:  # the first look: the catalog as it was opened
                self.catalog_signature, self.catalog_known = message.signature, True
                return
            if message.signature == self.catalog_signature:
                return
            self.catalog_signature = message.signature
        elif not rescan.changed:
            if rescan.error:
                screen.set_status(f"Live update failed: {rescan.error}")
            return
        else:
            self.scan_message = f"Library updated: {scan_summary(rescan.summary)}"  # type: ignore[arg-type]
        if screen.scanning.cancel is not None:
            return  # a scan of ours is running: its end loads the catalog again
        if not screen.state.complete or screen.kino.workers_in_group("catalog"):
            self.reload_pending = True  # loading now: once more when it is done
            return
        if rescan is not None and rescan.items is not None and self._apply(rescan):
            return
        self.start()

    def _apply(self, rescan: Rescan) -> bool:
        """Put what a live update's folders hold now in place of what the view held under
        them (an album changed among 250,000 tracks: its items, not the catalog read
        again); the level and cursor stay, as after a load. False when the view cannot
        take them (none yet): load the catalog instead."""
        screen = self.screen
        view = screen.state.view
        if view is None or rescan.items is None:
            return False
        self.applied += 1
        view.replace_under(rescan.folders, rescan.items)
        self.catalog_signature, self.catalog_known = rescan.signature, True
        screen.state.refresh()
        screen.draw()
        screen.set_status(self.scan_message)
        self.scan_message = ""
        screen.kino.start_worker(  # search finds the new items once this is done
            view.ensure_search_index,
            group="search-index",
            description="index the library for search",
            failure_title="The library could not be indexed for search",
            read_only=True,
        )
        return True

    # -- watch state from elsewhere -------------------------------------------------------
    def check_watch_state(self) -> None:
        """Read the watch file again when another process has written it (in a worker)."""
        screen = self.screen
        library = screen.kino.library
        generation = self.progress_generation

        def poll() -> None:
            changed = library.progress_since(self.watch_signature)
            if changed is not None:
                screen.post_message(WatchStateRead(*changed, generation))
            news = library.shared_news()  # the link to a shared database failed or is back
            if news is not None:
                screen.post_message(SharedStateChanged(*news))
            catalog = library.catalog_signature()
            if not self.catalog_known or catalog != self.catalog_signature:
                screen.post_message(LibraryChanged(catalog))  # another kino scanned

        screen.kino.start_worker(
            poll,
            group="watch-poll",
            description="read the watch file",
            failure_title="Watch progress could not be read",
            exclusive=True,
        )

    def watch_state_read(self, message: WatchStateRead) -> None:
        view = self.screen.state.view
        if view is None or not self.screen.state.complete:
            return  # read again once every item is known
        if message.generation != self.progress_generation:
            return  # read before a mark made here: the next poll reads it again
        self.watch_signature = message.signature
        changed = {
            item_id: state
            for item_id, state in message.progress.items()
            if item_id in view.items and view.progress.get(item_id) != state
        }
        if changed:
            self.progress_changed(changed)

    def progress_changed(self, updates: dict[str, Progress]) -> None:
        """New watch progress (a playback ended, a mark): refresh sections and counts."""
        screen = self.screen
        view = screen.state.view
        if view is None:
            return
        self.progress_generation += 1
        for item_id, progress in updates.items():
            view.update_progress(item_id, progress)
        screen.state.refresh()
        screen.draw()
