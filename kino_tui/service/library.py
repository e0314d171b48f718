"""The application core: one user's library, and one entry point per use case.

The command line and the TUI call only this object (and the records it returns); neither
reaches into the catalog, the watch store or the settings on its own. Each use case lives
in its own module beside this one; :class:`Library` is the one door to them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kino_tui.config.keys import unknown_binding_ids
from kino_tui.config.load import load_settings
from kino_tui.config.paths import KinoPaths
from kino_tui.config.settings import Settings
from kino_tui.core.catalog.store import Catalog, CatalogData
from kino_tui.core.models import (
    LibraryRoot,
    MediaItem,
    Progress,
    RootType,
    ScanProgress,
    ScanSummary,
    Segment,
)
from kino_tui.core.play.tracks import item_for_tracks
from kino_tui.core.watch.store import WatchStore
from kino_tui.core.watch.track_choices import TrackChoiceStore
from kino_tui.service import (
    following,
    loading,
    loose,
    marking,
    playing,
    roots,
    scanning,
    searching,
    tracks,
)
from kino_tui.service.api import FrontEndSettings
from kino_tui.service.following import LiveUpdates, Rescan
from kino_tui.service.loading import Opening
from kino_tui.service.playing import Control, PlayOrder, PlayPlan, PlayRequest
from kino_tui.service.roots import RootStatus

if TYPE_CHECKING:
    from concurrent.futures import Future

    from kino_tui.core.browse.view import LibraryView
    from kino_tui.core.play.players import PlayerState
    from kino_tui.core.play.session import PlaybackResult, PlaybackSession
    from kino_tui.core.play.tracks import TrackChoice

__all__ = ["Library", "LiveUpdates", "Opening", "PlayPlan", "PlayRequest", "Rescan", "RootStatus"]


class Library:
    """Settings, catalog and watch state of one set of paths, and the use cases over them
    (the local transport of :class:`~kino_tui.service.api.LibraryAPI`)."""

    #: This machine's library (a remote one is named by its host).
    name = ""
    #: Positions kept for another box: none here.
    delivered = 0

    def __init__(self, paths: KinoPaths, settings: Settings | None = None) -> None:
        self.paths = paths
        self.settings = settings if settings is not None else load_settings(paths.config_file)
        self.catalog = Catalog(paths.catalog_file)
        self.watch = WatchStore(paths.watch_file)
        self.track_choices = TrackChoiceStore(paths.tracks_file)
        self._data = loading.CatalogCache()

    def reload_settings(self) -> None:
        self.settings = load_settings(self.paths.config_file)

    def close(self) -> None:
        """Nothing to let go of here (a remote library closes its connection)."""

    # -- settings a front end formats with ---------------------------------------------
    def front_end_settings(self) -> FrontEndSettings:
        keys = self.settings.raw.get("keys")
        return FrontEndSettings(
            images=self.settings.images,
            autoplay_next=self.settings.autoplay_next,
            keys={str(k): str(v) for k, v in keys.items()} if isinstance(keys, dict) else {},
            has_roots=bool(self.settings.roots),
        )

    def binding_problems(self, known: Collection[str]) -> list[str]:
        """A line for each ``[keys]`` id that names none of the front end's bindings."""
        return unknown_binding_ids(self.paths.config_file, known)

    def picture_cache_folder(self) -> Path:
        return self.paths.thumbnails_dir

    def artwork_reader(self) -> Callable[[str], bytes | None] | None:
        """None: the artwork files are on this machine, read where they are."""
        return None

    # -- opening the library (service/loading.py) ----------------------------------
    def load(self) -> tuple[CatalogData, list[str]]:
        """The whole catalog, and a line for every damaged file that was set aside."""
        return loading.load(self)

    def load_view(self) -> tuple[LibraryView, list[str]]:
        """The catalog as a browsable view with its opening section built."""
        return loading.load_view(self)

    def load_opening(self) -> Opening:
        """The section kino opens on, before the rest of the catalog is unpacked."""
        return loading.load_opening(self)

    def load_rest(self, opening: Opening) -> tuple[LibraryView, list[str]]:
        """The whole library after :meth:`load_opening` (progress recorded meanwhile kept)."""
        return loading.load_rest(self, opening)

    def load_in_background(self) -> Future[Opening]:
        """:meth:`load_opening` on a thread, started before the UI toolkit is imported."""
        return loading.load_in_background(self)

    def view(self, data: CatalogData) -> LibraryView:
        """Sections and drill-down over ``data``, with current watch progress."""
        return loading.make_view(self, data.items.values(), self.watch.all())

    def section_items(self, key: str) -> tuple[list[MediaItem], list[str]]:
        """A watch section's items in its own order (``continue-watching``, ``next-up``,
        ``recently-added``), and any warnings of the load."""
        data, warnings = self.load_cached()
        return loading.section_items(self.view(data), key), warnings

    def find_items(self, target: str) -> tuple[list[MediaItem], list[str]]:
        """The item with this id or file path, every item under a folder (a season, a
        show, an album) or of a group by its search key (``show:Dark``), and any warnings
        of the load; raises ``ItemNotFound``."""
        data, warnings = self.load_cached()
        return loading.find_items(data, target), warnings

    def load_cached(self) -> tuple[CatalogData, list[str]]:
        """:meth:`load`, read again only when the catalog file changed since (a server
        answering many requests, a CLI command finding several targets)."""
        return self._data.get(self)

    def items_by_id(self, ids: Sequence[str]) -> list[MediaItem]:
        """The items with these ids (an id is only ever a key, never a path); raises
        ``ItemNotFound`` for an unknown one."""
        data, _ = self.load_cached()
        return loading.items_by_id(data, ids)

    def search(self, query: str) -> tuple[list[searching.SearchResult], list[str]]:
        """Shows, seasons, artists, albums and items matching ``query``, ranked as the
        browser's search ranks them, and any warnings of the load."""
        return searching.search(self, query)

    def progress_since(
        self, signature: tuple[int, int, int] | None
    ) -> tuple[tuple[int, int, int], dict[str, Progress]] | None:
        """Every item's progress, with the watch file's new signature, when another
        process has written it since ``signature``; None when nothing changed."""
        current = self.watch.signature()
        if current is None or current == signature:
            return None
        return current, self.watch.all()

    def item_records(self, items: Sequence[MediaItem]) -> list[dict[str, Any]]:
        """Items as ``kino ls --json`` prints them, each with its progress."""
        return loading.item_records(items, self.watch.all())

    # -- library folders (service/roots.py) ----------------------------------------
    def roots(self) -> list[RootStatus]:
        return roots.statuses(self)

    def root_details(self) -> list[RootStatus]:
        """Every root with its items by kind, last scan, problems and how it is watched
        (reads the catalog: off the UI thread)."""
        return roots.statuses(self, details=True)

    def root_details_signature(self) -> object:
        """Changes whenever :meth:`root_details` may say something new (a cheap stat)."""
        return roots.details_signature(self)

    def add_roots(
        self,
        folders: Sequence[str],
        root_type: RootType | None = None,
        *,
        interactive: bool = False,
    ) -> list[LibraryRoot]:
        """Add folders (or retype them when ``root_type`` is given); ``interactive`` also
        requires an absolute path to an existing folder (the UI's dialog)."""
        return roots.add(self, folders, root_type, interactive=interactive)

    def remove_root(self, folder: str) -> tuple[str, int]:
        """Forget a library folder and its items (watch progress is kept): the folder as
        it was known, and how many items went."""
        return roots.remove(self, folder)

    def set_root_type(self, folder: str, root_type: RootType) -> LibraryRoot:
        return roots.set_type(self, folder, root_type)

    # -- scanning (service/scanning.py) --------------------------------------------
    def scan(
        self,
        chosen: Sequence[LibraryRoot] | None = None,
        on_progress: Callable[[ScanProgress], None] | None = None,
        cancel: threading.Event | None = None,
        folders: Sequence[str] | None = None,
    ) -> ScanSummary:
        """Scan the given roots (every configured root by default); ``folders`` limits it
        to those folders and what is below them (what live updates saw change)."""
        return scanning.scan(self, chosen, on_progress, cancel, folders)

    # -- live updates (service/following.py) ----------------------------------------
    def live_updates(
        self,
        on_scanned: Callable[[Rescan], None],
        on_failure: Callable[[str], None] | None = None,
    ) -> LiveUpdates | None:
        """Watching the roots (``run()`` on a thread until ``stop()``): changed folders
        are scanned again and ``on_scanned`` hears of each rescan."""
        return LiveUpdates(self, on_scanned, on_failure=on_failure)

    def catalog_signature(self) -> tuple[int, int, int] | None:
        """Changes whenever the catalog is saved (by this process or another)."""
        return following.catalog_signature(self)

    def roots_for(self, folders: Sequence[str]) -> list[LibraryRoot]:
        """The configured roots named by ``folders`` (all of them when empty)."""
        return scanning.roots_for(self, folders)

    # -- playing (service/playing.py) ----------------------------------------------
    def prepare_play(self, request: PlayRequest) -> PlayPlan:
        """The one way both front ends assemble a play: find (``request.target``) or take
        the items, order them, plan the start, remember ``--audio``/``--subtitles``, and
        check it can start here (raises ``ItemNotFound``/``PlayerError`` saying what to
        do). The plan's ``warnings`` are lines about damaged files set aside."""
        return playing.prepare(self, request, find=lambda target: loose.find_or_take(self, target))

    def control_player(self, session: PlaybackSession, what: Control) -> bool:
        """Pause, seek, next/previous, volume or stop the running player."""
        return playing.control(session, what)

    def plan_play(
        self,
        items: Sequence[MediaItem],
        start: float | None = None,
        player: str | None = None,
        progress: Progress | None = None,
    ) -> PlayPlan:
        """What to play, with which player, and where to start (or whether to ask)."""
        return playing.plan(self, items, start, player, progress)

    def up_next(
        self, result: PlaybackResult, next_episode: Callable[[MediaItem], MediaItem | None]
    ) -> playing.UpNext | None:
        """After a play ended: the episode to offer next (``next_episode`` is the front
        end's view of the show), and whether it starts by itself (``autoplay_next``)."""
        return playing.up_next(self, result, next_episode)

    def play_order(self, items: Sequence[MediaItem], shuffle: bool = False) -> list[MediaItem]:
        """A season, show, album or artist in the order it plays (or shuffled)."""
        return playing.play_order(items, shuffle)

    def group_queue(
        self,
        items: Sequence[MediaItem],
        watched: Callable[[MediaItem], bool],
        shuffle: bool = False,
    ) -> list[MediaItem]:
        """A show, season, artist or album as Play (from the next unwatched episode, or
        the first track) or Shuffle plays it (specials only when there is nothing else)."""
        return playing.play_from_next_unwatched(items, watched, shuffle)

    def play_queue(
        self, items: Sequence[MediaItem], order: PlayOrder = "in-order", shuffle: bool = False
    ) -> list[MediaItem]:
        """Items in the order they play: as given, in their play order (a season, an
        album), or as a group's Play does it (regular seasons from the next unwatched
        episode); or shuffled."""
        return playing.arrange(self, items, order, shuffle)

    def skip_segment(self, session: PlaybackSession) -> Segment | None:
        """Skip the intro, recap, credits… the running player is in (the skip key)."""
        return playing.skip_segment(session)

    def check_playable(self, plan: PlayPlan) -> None:
        """Raise ``PlayerError`` with what to do when the plan cannot start here."""
        playing.check_playable(self, plan)

    def session(
        self,
        plan: PlayPlan,
        *,
        picture_mode: str | None = None,
        on_update: Callable[[PlayerState], None] | None = None,
        music_in_background: bool = False,
        terminal: bool = True,
    ) -> PlaybackSession:
        """The core's playback session for a checked plan (in a window or the terminal,
        as the settings and the display say; music in the background when the front end
        stays on screen; the sound only when there is neither a terminal nor a display);
        ``run()`` plays and records."""
        return playing.session_for(
            self,
            plan,
            picture_mode=picture_mode,
            on_update=on_update,
            music_in_background=music_in_background,
            terminal=terminal,
        )

    # -- audio and subtitles (service/tracks.py) ------------------------------------
    def track_item(self, items: Sequence[MediaItem]) -> MediaItem | None:
        """The video whose streams the chooser lists for an entry; None for music."""
        return item_for_tracks(items)

    def track_menu(self, item: MediaItem) -> tracks.TrackMenu:
        """The item's audio and subtitle streams and which play (reads a file)."""
        return tracks.menu(self, item)

    def choose_tracks(
        self, item: MediaItem, audio: int | None, subtitle: int | str | None
    ) -> TrackChoice:
        """Remember streams chosen in a list (from 1; ``"off"``) for the show or movie."""
        return tracks.choose(self, item, audio, subtitle)

    def apply_tracks(self, session: PlaybackSession, item: MediaItem) -> bool:
        """After a choice for ``item``: switch the running ``session`` to it when what it
        plays shares the choice (the same movie, an episode of the same show)."""
        return tracks.apply_to_session(self, session, item)

    def track_warnings(self) -> list[str]:
        """Lines about ``tracks.json`` (damaged and set aside, unreadable) since the last
        call; cheaper than :meth:`take_warnings`, which also checks the watch files."""
        return self.track_choices.take_warnings()

    def choose_tracks_from_text(
        self, item: MediaItem, audio: str | None, subtitles: str | None
    ) -> TrackChoice | None:
        """``--audio LANG|N --subtitles LANG|N|off``, remembered the same way."""
        return tracks.choose_from_text(self, item, audio, subtitles)

    # -- watch state (service/marking.py) ------------------------------------------
    def mark_watched(self, items: Sequence[MediaItem], watched: bool) -> dict[str, Progress]:
        """Mark items (an item, a season, a show, an album) watched or not."""
        return marking.mark(self, items, watched)

    def watched_toggle(
        self, items: Sequence[MediaItem], is_watched: Callable[[MediaItem], bool], whole_show: bool
    ) -> marking.WatchedToggle:
        """What the watched key does to an entry (see :func:`marking.toggle`)."""
        return marking.toggle(items, is_watched, whole_show)

    def mark_undoable(self, items: Sequence[MediaItem], watched: bool) -> marking.Marked:
        """Mark items watched or not, keeping what :meth:`undo_mark` puts back."""
        return marking.mark_undoable(self, items, watched)

    def undo_mark(self, marked: marking.Marked) -> dict[str, Progress]:
        """Restore every item a mark changed to its exact previous watch state."""
        return marking.undo(self, marked)

    def take_warnings(self, summary: ScanSummary | None = None) -> list[str]:
        """Lines for damaged files set aside since the last call (the catalog's, as a scan
        found it, and the watch and history files')."""
        catalog = getattr(summary, "warning", None) if summary is not None else None
        return [
            *([catalog] if catalog else []),
            *loading.store_warnings(self),
            *self.track_choices.take_warnings(),
        ]

    def history(self) -> list[dict[str, Any]]:
        """Plays, newest first, with every field present."""
        return marking.history(self)

    # -- a play's record, kept for a player on another machine (kino serve) -----------
    def progress_of(self, item_id: str | None = None) -> Progress | dict[str, Progress]:
        """One item's progress, or every item's (``item_id`` None)."""
        return self.watch.all() if item_id is None else self.watch.get(item_id)

    def save_progress(self, item_id: str, progress: Progress) -> None:
        (item,) = self.items_by_id([item_id])
        self.watch.save(item, progress)

    def add_history(self, item_id: str, record: dict[str, Any]) -> None:
        (item,) = self.items_by_id([item_id])
        self.watch.add_history(item, record)
