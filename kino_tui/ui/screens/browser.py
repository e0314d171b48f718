"""The main screen: sections on the left, the list in the middle, details on the right.

It composes the widgets, draws a :class:`~kino_tui.core.browse.navigation.BrowserState` and
forwards keys to it; loading, scanning and marking run in workers of the app that report
through the messages of ``ui/messages.py``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from kino_tui.core.browse.navigation import BrowserState
from kino_tui.core.browse.view import SECTIONS, EntryFilter, LibraryView, filter_choices
from kino_tui.core.display import printable
from kino_tui.core.models import MediaItem, Progress, ScanProgress
from kino_tui.core.play.tracks import describe_choice
from kino_tui.core.text import scan_progress, scan_summary
from kino_tui.ui.marking import MarkingController
from kino_tui.ui.messages import (
    CatalogLoaded,
    LibraryChanged,
    OpeningLoaded,
    ScanFinished,
    ScanProgressed,
    TracksChosen,
    TracksListed,
    WatchedMarked,
    WatchStateRead,
)
from kino_tui.ui.widgets.choices import Choices
from kino_tui.ui.widgets.detail import DetailPane
from kino_tui.ui.widgets.key_bar import KeyBar
from kino_tui.ui.widgets.media_list import MediaList

if TYPE_CHECKING:
    from concurrent.futures import Future

    from kino_tui.service import Opening
    from kino_tui.service.tracks import TrackMenu
    from kino_tui.ui.app import KinoApp
    from kino_tui.ui.screens.tracks import ChosenTracks

SEARCH_DELAY = 0.03
#: While the cursor moves faster than this (a held key), the detail pane waits for it to
#: rest: redrawing the pane costs more than moving the cursor.
DETAIL_DELAY = 0.06
#: How often to look for progress saved by other kino processes (another SSH session).
WATCH_POLL_SECONDS = 3.0
SCAN_PROGRESS_INTERVAL = 0.1


class BrowserScreen(Screen[None]):
    """Browse sections, drill into shows and albums, search, sort, filter and mark watched."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # A priority binding runs as the key is read, before the next key is routed: in a
        # burst ("/Song" in one packet over SSH) every key after "/" reaches the search box.
        Binding(
            "slash",
            "search",
            "Search",
            id="browser.search",
            tooltip="Search the whole library",
            priority=True,
        ),
        # Enter on a show, season, artist or album: Open, Play or Shuffle (l and the right
        # arrow open at once). A priority binding, so the menu is up before the next key.
        Binding(
            "enter",
            "group_menu",
            "Open/Play",
            show=False,
            id="browser.group_menu",
            tooltip="Open, play or shuffle a show, season, artist or album",
            priority=True,
        ),
        Binding("s", "cycle_sort", "Sort", id="browser.sort", tooltip="Cycle the sort order"),
        Binding(
            "S",
            "reverse_sort",
            "Reverse",
            show=False,
            id="browser.reverse_sort",
            tooltip="Reverse the order (year newest first, Z to A)",
        ),
        Binding("f", "filter", "Filter", id="browser.filter", tooltip="Filter this list"),
        Binding(
            "w", "toggle_watched", "Watched", id="browser.watched", tooltip="Mark watched or not"
        ),
        Binding(
            "W",
            "watched_up_to",
            "Watched up to here",
            show=False,
            id="browser.watched_up_to",
            tooltip="Mark this episode and every earlier one of its show watched",
        ),
        Binding(
            "u",
            "undo_mark",
            "Undo",
            show=False,
            id="browser.undo",
            tooltip="Undo the last watched mark (restores play counts and resume points)",
        ),
        Binding(
            "r", "rescan", "Rescan", id="browser.rescan", tooltip="Scan the library folders again"
        ),
        Binding(
            "a", "add_folder", "Add folder", id="browser.add_folder", tooltip="Add a library folder"
        ),
        Binding(
            "L",
            "library_folders",
            "Folders",
            show=False,
            id="browser.library_folders",
            tooltip="Library folders: their state, counts and problems; add, remove, retype",
        ),
        Binding(
            "p",
            "play_all",
            "Play all",
            id="browser.play_all",
            tooltip="Play a show, season or album (from the next unwatched), or from here on",
        ),
        Binding(
            "P",
            "play_all(True)",
            "Shuffle",
            show=False,
            id="browser.shuffle",
            tooltip="Play a show, season, artist or album in random order",
        ),
        Binding(
            "e",
            "enqueue",
            "Queue",
            show=False,
            id="browser.queue",
            tooltip="Add this (or a whole season or album) to the end of what plays",
        ),
        Binding(
            "t",
            "choose_tracks",
            "Tracks",
            show=False,
            id="browser.tracks",
            tooltip="Choose audio and subtitles (kept for the whole show, or the movie)",
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
        self.state = BrowserState()
        self.marking = MarkingController(self)
        self.scan_cancel: threading.Event | None = None
        self.last_search_seconds = 0.0
        self._scan_message = ""
        self._search_timer: Timer | None = None
        self._watch_signature: tuple[int, int, int] | None = None
        self._detail_timer: Timer | None = None
        self._last_highlight = 0.0
        #: Counts the catalog loads started, and the changes of progress made here.
        self._load_generation = 0
        self._progress_generation = 0
        #: The catalog file as last loaded (see :meth:`_library_changed`).
        self._catalog_signature: tuple[int, int, int] | None = None
        self._catalog_known = False
        self._reload_pending = False

    @property
    def kino(self) -> KinoApp:
        from kino_tui.ui.app import KinoApp

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
        self.query_one("#search", Input).display = False
        self.query_one("#now-playing", Static).display = False
        self.query_one(MediaList).focus()
        preload, self.kino.preload = self.kino.preload, None
        if preload is not None and preload.done() and preload.exception() is None:
            # Read while Textual started: shown in the first frame, without a worker.
            self._show_opening(preload.result())
        else:
            self._start_loading(preload)
        self._highlight_section()
        # keys typed ahead reach this screen, in order, once it is mounted and drawn
        self.call_after_refresh(self.kino.keys_ready)
        self.set_interval(WATCH_POLL_SECONDS, self.check_watch_state)
        self.check_watch_state()  # the catalog's signature as it was opened

    def _highlight_section(self) -> None:
        """Point the sidebar at the section shown (its message then finds nothing to do)."""
        sections = self.query_one("#sections", OptionList)
        sections.highlighted = [key for key, _ in SECTIONS].index(self.state.section)

    # -- loading -----------------------------------------------------------------
    def _start_loading(self, preload: Future[Opening] | None = None) -> None:
        """Load the catalog in a worker: at start the opening section (read since kino
        started), after a rescan all of it at once."""
        library = self.kino.library
        self._load_generation += 1
        generation = self._load_generation

        def load() -> None:
            if preload is not None:
                self.post_message(OpeningLoaded(preload.result()))
                return
            signature = library.catalog_signature()
            view, warnings = library.load_view()
            view.build_search_index()
            self.post_message(CatalogLoaded(view, warnings, generation, signature))

        self._load_in_worker(load, "load the catalog")

    def _load_in_worker(self, work: Callable[[], None], description: str) -> None:
        """Every catalog load runs in one exclusive worker group, failing the same way."""
        self.kino.start_worker(
            work,
            group="catalog",
            description=description,
            failure_title="The catalog could not be loaded",
            on_failure=self._catalog_failed,
            exclusive=True,
        )

    @on(OpeningLoaded)
    def _opening_loaded(self, message: OpeningLoaded) -> None:
        self._show_opening(message.opening)

    def _show_opening(self, opening: Opening) -> None:
        complete = opening.rest is None
        self._library_shown(opening.view, opening.warnings, complete)
        if complete:
            return
        library = self.kino.library
        generation = self._load_generation

        def load_rest() -> None:
            view, warnings = library.load_rest(opening)
            view.build_search_index()
            self.post_message(CatalogLoaded(view, warnings, generation))

        self.call_after_refresh(self._load_in_worker, load_rest, "load the rest of the library")

    @on(CatalogLoaded)
    def _catalog_loaded(self, message: CatalogLoaded) -> None:
        if message.generation != self._load_generation:
            return  # overtaken: a rescan's load started after this one
        if message.signature is not None:
            self._catalog_signature, self._catalog_known = message.signature, True
        self._library_shown(message.view, message.warnings, complete=True)
        if self._reload_pending:  # changed again while this was read
            self._reload_pending = False
            self._start_loading()

    def _catalog_failed(self, error: BaseException) -> None:
        from kino_tui.ui.app import describe_failure

        self.set_status(f"The catalog could not be loaded: {describe_failure(error)}")
        self.kino.start_live_updates()
        if self.state.view is None:  # show an empty library rather than "Loading…" forever
            self.state.complete = True
            self._draw()

    def _library_shown(self, view: LibraryView, warnings: list[str], complete: bool) -> None:
        self.state.set_view(view, complete)
        for warning in warnings:
            self.notify(
                printable(warning), title="Damaged file set aside", severity="error", timeout=20,
                markup=False,
            )  # fmt: skip
        self._highlight_section()  # the section may have changed (the first folder scanned)
        self._draw()
        if not complete:
            self.set_status("Loading the rest of the library…")
            return
        self.set_status(self._scan_message or view.summary())
        self._scan_message = ""
        self.kino.start_live_updates()  # once the library is shown (a no-op after that)

    def set_status(self, text: str) -> None:
        self.query_one("#status", Static).update(printable(text))

    def set_now_playing(self, text: str) -> None:
        """Show what the player is doing (empty text hides the line)."""
        line = self.query_one("#now-playing", Static)
        line.update(printable(text))
        line.display = bool(text)

    # -- watch state from elsewhere -------------------------------------------------
    def check_watch_state(self) -> None:
        """Read the watch file again when another process has written it (in a worker)."""
        library = self.kino.library
        generation = self._progress_generation

        def poll() -> None:
            changed = library.progress_since(self._watch_signature)
            if changed is not None:
                self.post_message(WatchStateRead(*changed, generation))
            catalog = library.catalog_signature()
            if not self._catalog_known or catalog != self._catalog_signature:
                self.post_message(LibraryChanged(catalog))  # another kino scanned

        self.kino.start_worker(
            poll,
            group="watch-poll",
            description="read the watch file",
            failure_title="Watch progress could not be read",
            exclusive=True,
        )

    @on(WatchStateRead)
    def _watch_state_read(self, message: WatchStateRead) -> None:
        view = self.state.view
        if view is None or not self.state.complete:
            return  # read again once every item is known
        if message.generation != self._progress_generation:
            return  # read before a mark made here: the next poll reads it again
        self._watch_signature = message.signature
        changed = {
            item_id: state
            for item_id, state in message.progress.items()
            if item_id in view.items and view.progress.get(item_id) != state
        }
        if changed:
            self.progress_changed(changed)

    def progress_changed(self, updates: dict[str, Progress]) -> None:
        """New watch progress (a playback ended, a mark): refresh sections and counts."""
        view = self.state.view
        if view is None:
            return
        self._progress_generation += 1
        for item_id, progress in updates.items():
            view.update_progress(item_id, progress)
        self.state.refresh()
        self._draw()

    def progress_of(self, item: MediaItem) -> Progress:
        """An item's progress as this screen knows it (kept current by every change)."""
        return self.state.view.state(item) if self.state.view is not None else Progress()

    def next_episode(self, item: MediaItem) -> MediaItem | None:
        view = self.state.view
        return view.next_episode(item) if view is not None else None

    def action_play_next(self) -> None:
        self.kino.playback.play_next()

    def action_enqueue(self) -> None:
        entry = self.state.highlighted
        if entry is not None:
            self.kino.playback.enqueue(self.kino.library.play_queue(entry.items))

    def action_group_menu(self) -> None:
        """Enter on a group: ask Open, Play or Shuffle. Anything else (a movie, an episode,
        the search box, the sections) is left to Enter's usual meaning."""
        from textual.actions import SkipAction

        from kino_tui.ui.screens.group_menu import GroupMenuScreen

        entry = self.state.highlighted
        media_list = self.query_one(MediaList)
        if entry is None or not entry.is_group or not media_list.has_focus:
            raise SkipAction()
        music = entry.kind in ("artist", "album")
        play = "Play" if music else "Play from the next unwatched"

        def chosen(choice: str) -> None:
            if choice == "open":  # at once: the keys that follow find it open
                self.state.move_cursor(media_list.cursor)
                if self.state.open(entry):
                    self._draw()
            else:
                self.action_play_all(shuffle=choice == "shuffle")

        self.app.push_screen(GroupMenuScreen(entry.title, play, chosen))

    def action_play_all(self, shuffle: bool = False) -> None:
        """A group (show, season, artist, album): all of it, from its next unwatched
        episode (or the first track), or shuffled; an item: it and what follows it here."""
        entry = self.state.highlighted
        view = self.state.view
        level = self.state.level
        if entry is None or view is None or level is None:
            return
        if entry.is_group:
            self.kino.play(list(entry.items), order="group", shuffle=shuffle)
            return
        here = level.shown[level.cursor :]
        self.kino.play([e.item for e in here if e.item is not None], shuffle=shuffle)

    # -- drawing -------------------------------------------------------------------
    def _draw(self) -> None:
        """Draw the state: the list, the crumbs, the detail pane."""
        state = self.state
        level = state.level
        media_list = self.query_one(MediaList)
        message = state.empty_message(self.kino.library.has_roots())
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
        self._highlight_section()
        self._draw()

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
            self._draw()

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
            self._draw()
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
            self._cancel_search()
            return
        if self.state.back():
            if not self.state.searching:
                self._hide_search()
            self._draw()

    def action_search(self) -> None:
        """Open the search box and focus it now (not after a refresh), so every key after
        "/" goes there, however fast it comes."""
        if not self.is_mounted:
            return
        search = self.query_one("#search", Input)
        self.state.begin_search()
        search.display = True
        self.set_focus(search)

    def _cancel_search(self) -> None:
        """Escape in the search box: back to the level and row the user was on."""
        self._stop_search_timer()
        self._hide_search()
        self.state.cancel_search()
        self._draw()

    def _hide_search(self) -> None:
        search = self.query_one("#search", Input)
        if search.display:
            self._stop_search_timer()
            with search.prevent(Input.Changed):
                search.value = ""
            search.display = False
            self.set_focus(self.query_one(MediaList))

    def _stop_search_timer(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._stop_search_timer()
        self._search_timer = self.set_timer(SEARCH_DELAY, lambda: self.run_search(event.value))

    def run_search(self, query: str) -> None:
        """Show the library's matches for ``query`` (empty: where the search started)."""
        if self.state.view is None or not self.query_one("#search", Input).display:
            return
        started = time.perf_counter()
        self.state.search(query)
        self.last_search_seconds = time.perf_counter() - started
        self._draw()

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self._stop_search_timer()
        self.run_search(event.value)  # the results of exactly what was typed
        search = self.query_one("#search", Input)
        if not self.state.query:
            self._cancel_search()
            return
        search.display = False
        self.set_focus(self.query_one(MediaList))  # now: the next key is for the list

    def action_cycle_sort(self) -> None:
        label = self.state.cycle_sort()
        if label is None:
            return
        self._draw()
        self.notify(f"Sorted by {label}", timeout=2)

    def action_filter(self) -> None:
        level = self.state.level
        if level is None:
            return
        from kino_tui.ui.screens.filter import FilterScreen

        def chosen(result: EntryFilter | bool | None) -> None:
            if result is False:
                return  # dismissed
            self.state.set_filter(result if isinstance(result, EntryFilter) else None)
            self._draw()

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
            self._draw()
            self.notify(f"Order: {label}", timeout=2)

    # -- live updates ----------------------------------------------------------------
    @on(LibraryChanged)
    def _library_changed(self, message: LibraryChanged) -> None:
        """Live updates rescanned something, or another process saved the catalog: load
        it again in a worker (the level and cursor are kept, see ``BrowserState.set_view``)."""
        rescan = message.rescan
        if rescan is None:
            if not self._catalog_known:  # the first look: the catalog as it was opened
                self._catalog_signature, self._catalog_known = message.signature, True
                return
            if message.signature == self._catalog_signature:
                return
            self._catalog_signature = message.signature
        elif not rescan.changed:
            if rescan.error:
                self.set_status(f"Live update failed: {rescan.error}")
            return
        else:
            self._scan_message = f"Library updated: {scan_summary(rescan.summary)}"  # type: ignore[arg-type]
        if self.scan_cancel is not None:
            return  # a scan of ours is running: its end loads the catalog again
        if not self.state.complete or self.kino.workers_in_group("catalog"):
            self._reload_pending = True  # loading now: once more when it is done
            return
        self._start_loading()

    def reload_library(self) -> None:
        """Load the catalog again (a folder was removed)."""
        self._start_loading()

    def action_library_folders(self) -> None:
        from kino_tui.ui.screens.library_folders import LibraryFoldersScreen

        if not isinstance(self.app.screen, LibraryFoldersScreen):
            self.app.push_screen(LibraryFoldersScreen())

    # -- audio and subtitles -------------------------------------------------------
    def action_choose_tracks(self) -> None:
        from kino_tui.core.play.tracks import item_for_tracks

        entry = self.query_one(MediaList).highlighted
        item = item_for_tracks(entry.items if entry is not None else [])
        if item is None:
            self.notify("Audio and subtitles are chosen for a movie, show or episode.", timeout=3)
            return
        library = self.kino.library

        def list_tracks() -> None:
            self.post_message(TracksListed(library.track_menu(item), library.track_warnings()))

        self.kino.start_worker(
            list_tracks,
            group="tracks",
            description="list audio and subtitles",
            failure_title="Could not list the audio and subtitles",
        )

    @on(TracksListed)
    def _tracks_listed(self, message: TracksListed) -> None:
        from kino_tui.ui.screens.tracks import TrackScreen

        for warning in message.warnings:
            self.notify(printable(warning), severity="warning", markup=False, timeout=10)
        menu = message.menu
        self.app.push_screen(TrackScreen(menu), lambda chosen: self._save_tracks(menu, chosen))

    def _save_tracks(self, menu: TrackMenu, chosen: ChosenTracks | None) -> None:
        if chosen is None:
            return
        library = self.kino.library

        session = self.kino.playback.session

        def save() -> None:
            choice = library.choose_tracks(menu.item, chosen.audio, chosen.subtitle)
            summary = f"{describe_choice(choice)} for {menu.remembered_for}"
            if session is not None and session.window and library.apply_tracks(session, menu.item):
                summary += " (switched in the player too)"
            self.post_message(TracksChosen(summary, library.track_warnings()))

        self.kino.start_worker(
            save, group="tracks", description="save the track choice",
            failure_title="Could not save the audio and subtitle choice",
        )  # fmt: skip

    @on(TracksChosen)
    def _tracks_chosen(self, message: TracksChosen) -> None:
        for warning in message.warnings:
            self.notify(printable(warning), severity="warning", markup=False, timeout=10)
        self.notify(printable(message.summary[:1].upper() + message.summary[1:]),
                    markup=False, timeout=3)  # fmt: skip

    # -- scanning ------------------------------------------------------------------
    def action_rescan(self, only: str | None = None) -> None:
        """Scan every library folder again (or only the folder ``only``)."""
        if not self.kino.library.has_roots():
            self.notify("No library folders yet: press a to add one.", severity="warning")
            return
        if self.scan_cancel is not None:
            self.notify("A scan is already running.", timeout=2)
            return
        cancel = self.scan_cancel = threading.Event()
        self.set_status("Scanning…")
        library = self.kino.library
        last_report = 0.0

        def report(progress: ScanProgress) -> None:
            nonlocal last_report
            now = time.monotonic()
            if now - last_report >= SCAN_PROGRESS_INTERVAL:
                last_report = now
                self.post_message(ScanProgressed(f"Scanning: {scan_progress(progress)}"))

        def scan() -> None:
            chosen = library.roots_for([only]) if only else None
            summary = library.scan(chosen, on_progress=report, cancel=cancel)
            self.post_message(ScanFinished(summary, library.take_warnings(summary)))

        self.kino.start_worker(
            scan,
            group="scan",
            description="scan the library",
            failure_title="Scan failed",
            on_failure=self._scan_failed,
            exclusive=True,
        )

    def stop_scan(self) -> None:
        """Stop a running scan (kino is closing): what it read so far is kept."""
        if self.scan_cancel is not None:
            self.scan_cancel.set()

    @on(ScanProgressed)
    def _scan_progressed(self, message: ScanProgressed) -> None:
        if self.scan_cancel is not None:
            self.set_status(message.text)

    def _scan_failed(self, error: BaseException) -> None:
        from kino_tui.ui.app import describe_failure

        self.scan_cancel = None
        self.set_status(f"Scan failed: {describe_failure(error)}")

    @on(ScanFinished)
    def _scan_finished(self, message: ScanFinished) -> None:
        self.scan_cancel = None
        text = scan_summary(message.summary)
        self._scan_message = text[0].upper() + text[1:]
        self.set_status(self._scan_message)
        for warning in message.warnings:
            self.notify(
                printable(warning), title="Damaged file set aside", severity="error", timeout=20,
                markup=False,
            )  # fmt: skip
        self._start_loading()

    def action_add_folder(self) -> None:
        from kino_tui.ui.screens.add_folder import AddFolderScreen

        def added(result: tuple[str, str] | None) -> None:
            if result is None:
                return
            path, _ = result
            self.notify(f"Added {printable(path)}; scanning…", timeout=3, markup=False)
            if self.kino.live is not None:
                self.kino.live.restart()  # watch the new folder too
            self.action_rescan()

        self.app.push_screen(AddFolderScreen(self.kino.library), added)
