"""The main screen: sections on the left, the list in the middle, details on the right.

It composes the widgets, draws a :class:`~kino_tui.core.browse.navigation.BrowserState` and
forwards keys to it; loading, scanning and marking run in workers of the app that report
through the messages of ``ui/messages.py``.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from kino_tui.core.browse.navigation import BrowserState
from kino_tui.core.browse.view import SECTIONS, Entry, EntryFilter, LibraryView, filter_choices
from kino_tui.core.display import printable
from kino_tui.core.models import MediaItem, Progress
from kino_tui.ui import bindings, layout
from kino_tui.ui.frames import FramesController
from kino_tui.ui.loading import LoadingController
from kino_tui.ui.marking import MarkingController
from kino_tui.ui.messages import (
    CatalogLoaded,
    FrameMade,
    LibraryChanged,
    OpeningLoaded,
    ScanFinished,
    ScanProgressed,
    SearchAnswered,
    SharedStateChanged,
    TracksChosen,
    TracksListed,
    WatchedMarked,
    WatchStateRead,
)
from kino_tui.ui.scanning import ScanController
from kino_tui.ui.search_box import SearchBoxController
from kino_tui.ui.searching import SearchController
from kino_tui.ui.track_choosing import TracksController
from kino_tui.ui.widgets.choices import Choices
from kino_tui.ui.widgets.detail import DetailPane
from kino_tui.ui.widgets.key_bar import KeyBar
from kino_tui.ui.widgets.media_list import MediaList

if TYPE_CHECKING:
    from kino_tui.ui.app import KinoApp  # app.py imports this module

#: While the cursor moves faster than this (a held key), the detail pane waits for it to
#: rest: redrawing the pane costs more than moving the cursor.
DETAIL_DELAY = 0.06
#: How often to look for progress saved by other kino processes (another SSH session).
WATCH_POLL_SECONDS = 3.0


class BrowserScreen(Screen[None]):
    """Browse sections, drill into shows and albums, search, sort, filter and mark watched."""

    BINDINGS: ClassVar[list[BindingType]] = bindings.BROWSER

    def __init__(self) -> None:
        super().__init__()
        self.state = BrowserState()
        self.marking = MarkingController(self)
        self.searching = SearchController(self)
        self.search_box = SearchBoxController(self)
        self.loader = LoadingController(self)
        self.scanning = ScanController(self)
        self.tracks = TracksController(self)
        self.frames = FramesController(self)
        self.last_search_seconds = 0.0
        self._detail_timer: Timer | None = None
        self._last_highlight = 0.0

    @property
    def kino(self) -> KinoApp:
        from kino_tui.ui.app import KinoApp  # app.py imports this module

        assert isinstance(self.app, KinoApp)
        return self.app

    @property
    def view(self) -> LibraryView | None:
        return self.state.view

    @property
    def complete(self) -> bool:
        return self.state.complete

    # -- layout ----------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield Choices(*[Option(label, id=key) for key, label in SECTIONS], id="sections")
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
        layout.fit_width(self, self.app.size.width)  # the first frame too, not after it
        self.query_one("#search", Input).display = False
        self.query_one("#now-playing", Static).display = False
        self.query_one(MediaList).focus()
        preload, self.kino.preload = self.kino.preload, None
        if preload is not None and preload.done() and preload.exception() is None:
            # Read while Textual started: shown in the first frame, without a worker.
            self.loader.show_opening(preload.result())
        else:
            self.loader.start(preload)
        self.highlight_section()
        # keys typed ahead reach this screen, in order, once it is mounted and drawn
        self.call_after_refresh(self.kino.keys_ready)
        self.set_interval(WATCH_POLL_SECONDS, self.loader.check_watch_state)
        self.loader.check_watch_state()  # the catalog's signature as it was opened

    def on_resize(self, event: events.Resize) -> None:
        layout.fit_width(self, event.size.width)

    def action_toggle_sections(self) -> None:  # folded away in a narrow terminal
        layout.toggle_sections(self, self.query_one("#sections", OptionList), self.query_one(MediaList))

    def highlight_section(self) -> None:
        """Point the sidebar at the section shown, without its message (which would take
        the list back to the top of that section: "go to album" opens a level below it)."""
        sections = self.query_one("#sections", OptionList)
        with sections.prevent(OptionList.OptionHighlighted):
            sections.highlighted = [key for key, _ in SECTIONS].index(self.state.section)

    # -- loading (ui/loading.py) -------------------------------------------------------
    @on(OpeningLoaded)
    def _opening_loaded(self, message: OpeningLoaded) -> None:
        self.loader.show_opening(message.opening)

    @on(CatalogLoaded)
    def _catalog_loaded(self, message: CatalogLoaded) -> None:
        self.loader.loaded(message)

    @on(SharedStateChanged)
    def _shared_state_changed(self, message: SharedStateChanged) -> None:
        self.notify(
            printable(message.line),
            title="Shared watch state",
            severity="warning" if message.failed else "information",
            timeout=20 if message.failed else 5,
            markup=False,
        )

    @on(WatchStateRead)
    def _watch_state_read(self, message: WatchStateRead) -> None:
        self.loader.watch_state_read(message)

    @on(LibraryChanged)
    def _library_changed(self, message: LibraryChanged) -> None:
        self.loader.library_changed(message)

    def progress_changed(self, updates: dict[str, Progress]) -> None:
        """New watch progress (a playback ended, a mark): refresh sections and counts."""
        self.loader.progress_changed(updates)

    def reload_library(self) -> None:
        """Load the catalog again (a folder was removed)."""
        self.loader.start()

    def set_status(self, text: str) -> None:
        self.query_one("#status", Static).update(printable(text))

    def set_now_playing(self, text: str) -> None:
        """Show what the player is doing (empty text hides the line)."""
        line = self.query_one("#now-playing", Static)
        line.update(printable(text))
        line.display = bool(text)

    def progress_of(self, item: MediaItem) -> Progress:
        """An item's progress as this screen knows it (kept current by every change)."""
        return self.state.view.state(item) if self.state.view is not None else Progress()

    def next_episode(self, item: MediaItem) -> MediaItem | None:
        view = self.state.view
        return view.next_episode(item) if view is not None else None

    def action_play_next(self) -> None:
        self.kino.playback.play_next()

    def action_go_to_group(self) -> None:
        entry = self._entry_at_cursor()
        if entry is None:
            return
        problem = self.state.reveal(entry)
        if problem is not None:
            self.notify(problem, title="Go to album", timeout=4)
            return
        self._hide_search()
        self.highlight_section()
        self.draw()

    def _entry_at_cursor(self) -> Entry | None:
        """The list's entry under its cursor now: the state hears of a move through a
        message, which a burst of keys may not have let through yet."""
        media_list = self.query_one(MediaList)
        if self.state.level is not None and media_list.entries:
            self.state.move_cursor(media_list.cursor)
        return self.state.highlighted

    def action_enqueue(self) -> None:
        entry = self._entry_at_cursor()
        if entry is not None:
            self.kino.playback.enqueue(self.kino.library.play_queue(entry.items))

    def action_group_menu(self) -> None:
        """Enter on a group: ask Open, Play or Shuffle. Anything else (a movie, an episode,
        the search box, the sections) is left to Enter's usual meaning."""
        media_list = self.query_one(MediaList)
        entry = self._entry_at_cursor() if media_list.has_focus else None
        if entry is None or not entry.is_group or not media_list.has_focus:
            raise SkipAction()
        music = entry.kind in ("artist", "album")
        play = "Play" if music else "Play from the next unwatched"

        def chosen(choice: str) -> None:
            if choice == "open":  # at once: the keys that follow find it open
                self.state.move_cursor(media_list.cursor)
                if self.state.open(entry):
                    self.draw()
            else:
                self.action_play_all(shuffle=choice == "shuffle")

        from kino_tui.ui.screens.group_menu import (
            GroupMenuScreen,  # on first use: start-up imports what the first screen needs
        )

        self.app.push_screen(GroupMenuScreen(entry.title, play, chosen))

    def action_play_all(self, shuffle: bool = False) -> None:
        """A group (show, season, artist, album): all of it, from its next unwatched
        episode (or the first track), or shuffled; an item: it and what follows it here."""
        entry = self._entry_at_cursor()
        view = self.state.view
        level = self.state.level
        if entry is None or view is None or level is None:
            return
        if self.still_loading(entry):
            return
        if entry.is_group:
            self.kino.play(list(entry.items), order="group", shuffle=shuffle)
            return
        here = level.shown[level.cursor :]
        self.kino.play([e.item for e in here if e.item is not None], shuffle=shuffle)

    def still_loading(self, entry: Entry) -> bool:
        """A group whose items are not read yet (kino opened on its summary): says so."""
        if entry.is_group and not entry.items and not self.state.complete:
            self.notify("Its tracks and episodes are still being read: try again in a moment.",
                        title="Still loading", timeout=4)  # fmt: skip
            return True
        return False

    # -- drawing -------------------------------------------------------------------
    def draw(self) -> None:
        """Draw the state: the list, the crumbs, the detail pane."""
        state = self.state
        level = state.level
        media_list = self.query_one(MediaList)
        message = state.empty_message(self.kino.library.front_end_settings().has_roots)
        if level is None:
            media_list.set_entries([], 0, message)
        else:
            media_list.set_entries(level.shown, level.cursor, message)
        self.query_one("#crumbs", Static).update(printable(state.crumbs()))
        self.query_one(DetailPane).show(media_list.highlighted, state.view)

    def show_section(self, key: str) -> None:
        """Show a section's top level (and point the sidebar at it)."""
        self._hide_search()
        self.state.show_section(key)
        self.highlight_section()
        self.draw()

    # -- events ----------------------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#sections")
    def _section_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index != event.option_list.highlighted:
            return  # stale: the sidebar was pointed elsewhere since (the opening section)
        key = event.option.id or self.state.section
        state = self.state
        if key != state.section or len(state.levels) > 1 or state.searching:
            self._hide_search()
            state.show_section(key)
            self.draw()

    @on(OptionList.OptionSelected, "#sections")
    def _section_selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one(MediaList).focus()

    @on(MediaList.Highlighted)
    def _entry_highlighted(self, event: MediaList.Highlighted) -> None:
        self.state.move_cursor(self.query_one(MediaList).cursor)
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
        self.query_one(DetailPane).show(self.query_one(MediaList).highlighted, self.state.view)

    @on(DetailPane.ExtraChosen)
    def _extra_chosen(self, message: DetailPane.ExtraChosen) -> None:
        self.kino.play(message.item)  # a trailer, a featurette… of the movie shown

    @on(MediaList.Selected)
    def _entry_selected(self, event: MediaList.Selected) -> None:
        entry = event.entry
        self.state.move_cursor(self.query_one(MediaList).cursor)
        if self.state.open(entry):
            self.draw()
        elif entry.item is not None:
            self.kino.play(entry.item)

    # -- actions -----------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action != "search":
            return True
        try:
            search = self.query_one("#search", Input)
        except NoMatches:  # "/" typed ahead, before the screen is composed: not yet
            return False
        return not search.has_focus  # in the search box "/" is typed (AC/DC)

    def action_back(self) -> None:
        search = self.query_one("#search", Input)
        if search.has_focus:
            self.search_box.cancel()
            return
        if self.state.back():
            if not self.state.searching:
                self._hide_search()
            self.draw()

    def action_search(self) -> None:
        if self.is_mounted:
            self.search_box.open()

    def _hide_search(self) -> None:
        self.search_box.hide()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.search_box.changed(event.value)

    def show_search(self, query: str) -> None:
        """The matches for ``query``, whether or not the box is still open."""
        self.searching.show(query)

    @on(SearchAnswered)
    def _search_answered(self, message: SearchAnswered) -> None:
        self.searching.answered(message)

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self.search_box.into_results(event.value, cancel_if_empty=True)

    def action_into_results(self) -> None:
        """Down in the search box: into the results, as Enter (elsewhere: the list's)."""
        box = self.search_box.box
        if box.has_focus:
            self.search_box.into_results(box.value, cancel_if_empty=False)

    def action_cycle_sort(self) -> None:
        label = self.state.cycle_sort()
        if label is None:
            return
        self.draw()
        self.notify(f"Sorted by {label}", timeout=2)

    def action_filter(self) -> None:
        level = self.state.level
        if level is None:
            return

        def chosen(result: EntryFilter | bool | None) -> None:
            if result is False:
                return  # dismissed
            self.state.set_filter(result if isinstance(result, EntryFilter) else None)
            self.draw()

        from kino_tui.ui.screens.filter import (
            FilterScreen,  # on first use: start-up imports what the first screen needs
        )

        self.app.push_screen(FilterScreen(filter_choices(level.entries), level.filter), chosen)

    def action_toggle_watched(self) -> None:
        entry = self.query_one(MediaList).highlighted
        if entry is not None:
            self.marking.toggle(entry)

    def action_watched_up_to(self) -> None:
        entry = self.query_one(MediaList).highlighted
        if entry is not None:
            self.marking.up_to_here(entry)

    def action_undo_mark(self) -> None:
        self.marking.undo()

    @on(WatchedMarked)
    def _watched_marked(self, message: WatchedMarked) -> None:
        self.marking.marked(message)

    def action_reverse_sort(self) -> None:
        label = self.state.reverse_sort()
        if label is not None:
            self.draw()
            self.notify(f"Order: {label}", timeout=2)

    def action_library_folders(self) -> None:
        from kino_tui.ui.screens.library_folders import (
            LibraryFoldersScreen,  # on first use: start-up imports what the first screen needs
        )

        if not isinstance(self.app.screen, LibraryFoldersScreen):
            self.app.push_screen(LibraryFoldersScreen())

    # -- audio and subtitles (ui/track_choosing.py) ------------------------------------
    def action_choose_tracks(self) -> None:
        self.tracks.choose()

    @on(TracksListed)
    def _tracks_listed(self, message: TracksListed) -> None:
        self.tracks.listed(message)

    @on(TracksChosen)
    def _tracks_chosen(self, message: TracksChosen) -> None:
        self.tracks.chosen(message)

    # -- scanning (ui/scanning.py) -----------------------------------------------------
    @property
    def scan_cancel(self) -> threading.Event | None:
        """Set while a scan runs (the Library folders screen waits for it)."""
        return self.scanning.cancel

    def action_rescan(self, only: str | None = None) -> None:
        """Scan every library folder again (or only the folder ``only``)."""
        self.scanning.rescan(only)

    def stop_scan(self) -> None:
        """Stop a running scan (kino is closing): what it read so far is kept; a frame
        being taken is stopped too (its ffmpeg killed, nothing marked)."""
        self.scanning.stop()
        self.frames.stop()

    @on(FrameMade)
    def _frame_made(self, message: FrameMade) -> None:
        """A frame was taken: shown at once when its entry is in the detail pane."""
        highlighted = self.query_one(MediaList).highlighted
        if highlighted is not None and highlighted.item is message.item:
            self._show_detail()

    @on(ScanProgressed)
    def _scan_progressed(self, message: ScanProgressed) -> None:
        self.scanning.progressed(message)

    @on(ScanFinished)
    def _scan_finished(self, message: ScanFinished) -> None:
        self.scanning.finished(message)

    def action_add_folder(self) -> None:
        self.scanning.add_folder()
