"""The main screen: sections on the left, the list in the middle, details on the right."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from kino_tui.core.browse import (
    SECTIONS,
    SORT_LABELS,
    SORTS,
    Entry,
    EntryFilter,
    LibraryView,
    filter_choices,
    filter_entries,
    sort_entries,
)
from kino_tui.core.display import printable
from kino_tui.core.errors import KinoError
from kino_tui.core.models import MediaItem, Progress, ScanProgress, ScanSummary
from kino_tui.ui.widgets.detail import DetailPane
from kino_tui.ui.widgets.key_bar import KeyBar
from kino_tui.ui.widgets.media_list import MediaList

if TYPE_CHECKING:
    from kino_tui.library import Opening
    from kino_tui.ui.app import KinoApp

SEARCH_DELAY = 0.03
#: While the cursor moves faster than this (a held key), the detail pane waits for it to
#: rest: redrawing the pane costs more than moving the cursor.
DETAIL_DELAY = 0.06
#: How often to look for progress saved by other kino processes (another SSH session).
WATCH_POLL_SECONDS = 3.0


@dataclass(slots=True)
class Level:
    """One step of drill-down: what is listed, how it is sorted and filtered, where the cursor is."""

    title: str
    entries: list[Entry]
    sort: str | None = None
    filter: EntryFilter | None = None
    cursor: int = 0
    parent: Entry | None = None
    shown: list[Entry] = field(default_factory=list)


EMPTY_MESSAGES = {
    "continue-watching": "Nothing in progress. Items you stop part-way through appear here.",
    "next-up": "No next episodes yet. Watch an episode of a show and the next one appears here.",
    "recently-added": "Nothing added yet.",
    "movies": "No movies found in your library folders.",
    "shows": "No TV episodes found in your library folders.",
    "music": "No music found in your library folders.",
    "videos": "No videos found in your library folders.",
}


class BrowserScreen(Screen[None]):
    """Browse sections, drill into shows and albums, search, sort, filter and mark watched."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "slash", "search", "Search", id="browser.search", tooltip="Search the whole library"
        ),
        Binding("s", "cycle_sort", "Sort", id="browser.sort", tooltip="Cycle the sort order"),
        Binding("f", "filter", "Filter", id="browser.filter", tooltip="Filter this list"),
        Binding(
            "w", "toggle_watched", "Watched", id="browser.watched", tooltip="Mark watched or not"
        ),
        Binding(
            "r", "rescan", "Rescan", id="browser.rescan", tooltip="Scan the library folders again"
        ),
        Binding(
            "a", "add_folder", "Add folder", id="browser.add_folder", tooltip="Add a library folder"
        ),
        Binding(
            "n",
            "play_next",
            "Play next",
            id="browser.play_next",
            tooltip="Play the episode offered next",
        ),
        Binding(
            "escape,backspace,h,left", "back", "Back", id="browser.back", tooltip="Go up one level"
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: LibraryView | None = None
        #: False while the opening section is shown and the rest is still being unpacked.
        self.complete = False
        self.section = "movies"
        self.levels: list[Level] = []
        self.search_query = ""
        self.scan_cancel: threading.Event | None = None
        self._scan_message = ""
        self._search_timer: Timer | None = None
        self._watch_signature: tuple[int, int] | None = None
        self._detail_timer: Timer | None = None
        self._last_highlight = 0.0

    @property
    def kino(self) -> KinoApp:
        from kino_tui.ui.app import KinoApp

        assert isinstance(self.app, KinoApp)
        return self.app

    # -- layout ----------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield OptionList(*[Option(label, id=key) for key, label in SECTIONS], id="sections")
            with Vertical(id="main"):
                yield Input(
                    placeholder="Search titles, shows, artists, albums, files…", id="search"
                )
                yield Static(id="crumbs", markup=False)  # names and queries, shown as typed
                yield MediaList(id="list")
            yield DetailPane(self.kino.image_mode, self.kino.poster_cache, id="detail")
        yield Static(id="now-playing", markup=False)
        yield Static("Loading the catalog…", id="status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#search", Input).display = False
        self.query_one("#now-playing", Static).display = False
        self.query_one(MediaList).focus()
        preload = self.kino.preload
        if preload is not None and preload.done() and preload.exception() is None:
            # Read while Textual started: shown in the first frame, without a worker.
            self.kino.preload = None
            self._opening_loaded(preload.result())
        else:
            self.load_catalog()
        self._highlight_section()
        self.set_interval(WATCH_POLL_SECONDS, self.check_watch_state)

    def _highlight_section(self) -> None:
        """Point the sidebar at the section shown (its message then finds nothing to do)."""
        sections = self.query_one("#sections", OptionList)
        sections.highlighted = [key for key, _ in SECTIONS].index(self.section)

    @work(thread=True, exclusive=True, group="watch-poll", exit_on_error=False, description="poll")
    def check_watch_state(self) -> None:
        """Read the watch file again when another process has written it."""
        store = self.kino.library.watch
        signature = store.signature()
        if signature is None or signature == self._watch_signature:
            return
        progress = store.all()
        self.app.call_from_thread(self._watch_state_read, signature, progress)

    def _watch_state_read(self, signature: tuple[int, int], progress: dict[str, Progress]) -> None:
        if self.view is None or not self.complete:
            return  # read again once every item is known
        self._watch_signature = signature
        changed = {
            item_id: state
            for item_id, state in progress.items()
            if item_id in self.view.items and self.view.progress.get(item_id) != state
        }
        if changed:
            self.progress_changed(changed)

    # -- loading -----------------------------------------------------------------
    @work(
        thread=True,
        exclusive=True,
        group="catalog",
        exit_on_error=False,
        description="load catalog",
    )
    def load_catalog(self) -> None:
        """Load the catalog: at start the opening section first (read since kino
        started), then the rest; after a rescan all of it at once."""
        preload, self.kino.preload = self.kino.preload, None
        try:
            if preload is not None:
                opening = preload.result()
            else:
                view, warning = self.kino.library.load_view()
                view.build_search_index()
        except KinoError as error:  # a catalog from a newer kino, a lock held too long…
            self.app.call_from_thread(self._catalog_failed, str(error))
            return
        if get_current_worker().is_cancelled:
            return
        if preload is not None:
            self.app.call_from_thread(self._opening_loaded, opening)
        else:
            self.app.call_from_thread(self._catalog_loaded, view, warning, True)

    def _opening_loaded(self, opening: Opening) -> None:
        self._catalog_loaded(opening.view, opening.warning, complete=opening.rest is None)
        self.call_after_refresh(self.load_rest, opening)

    @work(thread=True, exclusive=True, group="catalog", exit_on_error=False, description="load")
    def load_rest(self, opening: Opening) -> None:
        """Once the opening section is on screen: unpack the rest of the catalog and fold
        the library's text for search."""
        view, warning = self.kino.library.load_rest(opening)
        view.build_search_index()
        if opening.rest is not None and not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._catalog_loaded, view, warning, True)

    def _catalog_failed(self, message: str) -> None:
        self.set_status(f"The catalog could not be loaded: {message}")
        self.notify(printable(message), title="Catalog", severity="error", timeout=30, markup=False)

    def _catalog_loaded(self, view: LibraryView, warning: str | None, complete: bool) -> None:
        self.view = view
        self.complete = complete
        if warning:
            self.notify(
                printable(warning),
                title="Catalog damaged",
                severity="error",
                timeout=15,
                markup=False,
            )
        if not self.levels:
            if self.section == "movies":
                self.section = view.first_section()
                self._highlight_section()
            self.show_section(self.section)
        else:  # the rest of the library, or a rescan: keep the place in the list
            self._refresh_current()
        if not complete:
            self.set_status("Loading the rest of the library…")
            return
        self.set_status(self._scan_message or view.summary())
        self._scan_message = ""

    def set_status(self, text: str) -> None:
        self.query_one("#status", Static).update(printable(text))

    def set_now_playing(self, text: str) -> None:
        """Show what the player is doing (empty text hides the line)."""
        line = self.query_one("#now-playing", Static)
        line.update(printable(text))
        line.display = bool(text)

    def progress_changed(self, updates: dict[str, Progress]) -> None:
        """New watch progress (a playback ended): refresh sections and counts."""
        if self.view is None:
            return
        for item_id, progress in updates.items():
            self.view.update_progress(item_id, progress)
        self._refresh_current()

    def progress_of(self, item: MediaItem) -> Progress:
        """An item's progress as this screen knows it (kept current by every change)."""
        return self.view.state(item) if self.view is not None else Progress()

    def next_episode(self, item: MediaItem) -> MediaItem | None:
        return self.view.next_episode(item) if self.view is not None else None

    def action_play_next(self) -> None:
        self.kino.playback.play_next()

    # -- levels --------------------------------------------------------------------
    def show_section(self, key: str) -> None:
        if self.view is None:
            return
        self.section = key
        title = dict(SECTIONS)[key]
        self.levels = [Level(title, self.view.section(key))]
        self._render_level()

    def _render_level(self) -> None:
        level = self.levels[-1]
        shown = filter_entries(level.entries, level.filter, self.view) if self.view else []
        if level.sort:
            shown = sort_entries(shown, level.sort)
        level.shown = shown
        message = self._empty_message(level)
        self.query_one(MediaList).set_entries(shown, level.cursor, message)
        crumbs = " › ".join(printable(lvl.title) for lvl in self.levels)
        extras = []
        if level.sort:
            extras.append(f"sorted by {SORT_LABELS[level.sort]}")
        if level.filter:
            extras.append(f"filter: {level.filter.label}")
        suffix = f"   ({', '.join(extras)})" if extras else ""
        count = str(len(shown)) if shown or self.complete else "…"  # not known yet
        self.query_one("#crumbs", Static).update(f"{crumbs}  ·  {count}{suffix}")
        self.query_one(DetailPane).show(self.query_one(MediaList).highlighted, self.view)

    def _empty_message(self, level: Level) -> str:
        if not self.complete:
            return "Loading the rest of the library…"
        if self.view is not None and not self.view.items and not self.kino.library.settings.roots:
            return "No library folders yet. Press a to add one, then kino scans it."
        if level.filter is not None and level.entries:
            return f"Nothing matches the filter ({level.filter.label}). Press f to change it."
        if self.search_query and len(self.levels) == 1 and level.title.startswith("Search"):
            return "No matches. Try fewer or other words."
        return EMPTY_MESSAGES.get(self.section, "Nothing here.")

    def _push(self, title: str, entries: list[Entry], parent: Entry | None) -> None:
        self.levels[-1].cursor = self.query_one(MediaList).cursor
        self.levels.append(Level(title, entries, parent=parent))
        self._render_level()

    # -- events ----------------------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#sections")
    def _section_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        key = event.option.id or self.section
        if key != self.section or len(self.levels) > 1 or self.search_query:
            self._close_search()
            self.show_section(key)

    @on(OptionList.OptionSelected, "#sections")
    def _section_selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one(MediaList).focus()

    @on(MediaList.Highlighted)
    def _entry_highlighted(self, event: MediaList.Highlighted) -> None:
        now = time.monotonic()
        moving = now - self._last_highlight < DETAIL_DELAY
        self._last_highlight = now
        if self._detail_timer is not None:
            self._detail_timer.stop()
            self._detail_timer = None
        if moving:
            self._detail_timer = self.set_timer(DETAIL_DELAY, self._show_detail)
        else:
            self._show_detail()

    def _show_detail(self) -> None:
        self._detail_timer = None
        self.query_one(DetailPane).show(self.query_one(MediaList).highlighted, self.view)

    @on(MediaList.Selected)
    def _entry_selected(self, event: MediaList.Selected) -> None:
        entry = event.entry
        if entry.is_group and self.view is not None:
            self._push(entry.title, self.view.children(entry), entry)
        elif entry.item is not None:
            self.kino.play(entry.item)

    # -- actions -----------------------------------------------------------------------
    def action_back(self) -> None:
        search = self.query_one("#search", Input)
        if search.has_focus:
            self._close_search()
            return
        if len(self.levels) > 1:
            self.levels.pop()
            self._render_level()
        elif self.search_query:
            self._close_search()

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        search.display = True
        search.focus()

    def _close_search(self) -> None:
        search = self.query_one("#search", Input)
        if self.search_query or search.display:
            search.display = False
            had_query = bool(self.search_query)
            self.search_query = ""
            search.value = ""
            if had_query:
                self.show_section(self.section)
            self.query_one(MediaList).focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, lambda: self.run_search(event.value))

    def run_search(self, query: str) -> None:
        """Show the library's matches for ``query`` (empty query: back to the section)."""
        if self.view is None:
            return
        self.search_query = query.strip()
        if not self.search_query:
            self.show_section(self.section)
            return
        started = time.perf_counter()
        results = self.view.search(self.search_query)
        self.last_search_seconds = time.perf_counter() - started
        self.levels = [Level(f"Search: {self.search_query}", results)]
        self._render_level()

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self.query_one(MediaList).focus()

    def action_cycle_sort(self) -> None:
        if not self.levels:
            return
        level = self.levels[-1]
        index = SORTS.index(level.sort) + 1 if level.sort in SORTS else 0
        level.sort = SORTS[index % len(SORTS)]
        level.cursor = 0
        self._render_level()
        self.notify(f"Sorted by {SORT_LABELS[level.sort]}", timeout=2)

    def action_filter(self) -> None:
        if not self.levels:
            return
        from kino_tui.ui.screens.filter import FilterScreen

        level = self.levels[-1]

        def chosen(result: EntryFilter | bool | None) -> None:
            if result is False:
                return  # dismissed
            level.filter = result if isinstance(result, EntryFilter) else None
            level.cursor = 0
            self._render_level()

        self.app.push_screen(FilterScreen(filter_choices(level.entries), level.filter), chosen)

    def action_toggle_watched(self) -> None:
        entry = self.query_one(MediaList).highlighted
        if entry is None or self.view is None:
            return
        items = entry.items
        watched = not all(self.view.state(i).watched for i in items)
        self._set_watched(items, watched)

    @work(thread=True, group="watch", exit_on_error=False, description="mark watched")
    def _set_watched(self, items: list[MediaItem], watched: bool) -> None:
        store = self.kino.library.watch
        updates = list(store.set_watched_many(items, watched).items())
        self.app.call_from_thread(self._watched_saved, updates, watched)

    def _watched_saved(self, updates: list[tuple[str, Progress]], watched: bool) -> None:
        self.progress_changed(dict(updates))
        count = len(updates)
        noun = "item" if count == 1 else "items"
        self.notify(f"Marked {count} {noun} {'watched' if watched else 'not watched'}", timeout=2)

    def _refresh_current(self) -> None:
        """Rebuild the entries of every level (their counts depend on watch state)."""
        if self.view is None:
            return
        cursor = self.query_one(MediaList).cursor
        for index, level in enumerate(self.levels):
            if index == 0:
                if level.title.startswith("Search"):
                    level.entries = self.view.search(self.search_query)
                else:
                    level.entries = self.view.section(self.section)
            elif level.parent is not None:
                parent = self._fresh_parent(level.parent, self.levels[index - 1].entries)
                level.parent = parent
                level.entries = self.view.children(parent)
        self.levels[-1].cursor = cursor
        self._render_level()

    @staticmethod
    def _fresh_parent(parent: Entry, siblings: list[Entry]) -> Entry:
        return next((e for e in siblings if e.key == parent.key), parent)

    # -- scanning ------------------------------------------------------------------
    def action_rescan(self) -> None:
        if not self.kino.library.settings.roots:
            self.notify("No library folders yet: press a to add one.", severity="warning")
            return
        if self.scan_cancel is not None:
            self.notify("A scan is already running.", timeout=2)
            return
        self.scan_cancel = threading.Event()
        self.set_status("Scanning…")
        self.run_scan(self.scan_cancel)

    @work(
        thread=True, exclusive=True, group="scan", exit_on_error=False, description="scan library"
    )
    def run_scan(self, cancel: threading.Event) -> None:
        last_update = 0.0

        def report(progress: ScanProgress) -> None:
            nonlocal last_update
            now = time.monotonic()
            if now - last_update < 0.1:
                return
            last_update = now
            if progress.phase == "walking":
                text = f"Scanning: walking folders ({progress.done})…"
            else:
                text = f"Scanning: reading files {progress.done}/{progress.total}…"
            self.app.call_from_thread(self.set_status, text)

        try:
            summary = self.kino.library.scan(on_progress=report, cancel=cancel)
        except KinoError as error:
            self.app.call_from_thread(self._scan_failed, str(error))
            return
        self.app.call_from_thread(self._scan_finished, summary)

    def _scan_failed(self, message: str) -> None:
        self.scan_cancel = None
        self.set_status(f"Scan failed: {message}")
        self.notify(printable(message), title="Scan failed", severity="error", markup=False)

    def _scan_finished(self, summary: ScanSummary) -> None:
        self.scan_cancel = None
        self._scan_message = (
            f"Scan done in {summary.seconds:.1f} s: {summary.added} added, {summary.updated} updated, "
            f"{summary.moved} moved, {summary.removed} removed, {summary.unavailable} unavailable, "
            f"{summary.errors} problems"
        )
        self.set_status(self._scan_message)
        self.load_catalog()

    def action_add_folder(self) -> None:
        from kino_tui.ui.screens.add_folder import AddFolderScreen

        def added(result: tuple[str, str] | None) -> None:
            if result is None:
                return
            path, root_type = result
            try:
                self.kino.add_folder(path, root_type)
            except KinoError as error:
                self.notify(printable(str(error)), severity="error", markup=False)
                return
            self.notify(f"Added {printable(path)}; scanning…", timeout=3, markup=False)
            self.action_rescan()

        self.app.push_screen(AddFolderScreen(), added)
