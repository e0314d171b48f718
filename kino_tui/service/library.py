"""The application core: one user's library, and one entry point per use case.

The command line and the TUI call only this object (and the records it returns); neither
reaches into the catalog, the watch store or the settings on its own. Each use case lives
in its own module beside this one; :class:`Library` is the one door to them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kino_tui.config.load import load_settings
from kino_tui.config.paths import KinoPaths
from kino_tui.config.settings import Settings
from kino_tui.core.catalog.index import CatalogIndex
from kino_tui.core.catalog.store import Catalog, CatalogData
from kino_tui.core.models import (
    LibraryRoot,
    MediaItem,
    Progress,
    RootType,
    ScanProgress,
    ScanSummary,
)
from kino_tui.core.watch.store import WatchStore
from kino_tui.core.watch.track_choices import TrackChoiceStore
from kino_tui.service import (
    following,
    loading,
    loose,
    marking,
    pictures,
    playing,
    roots,
    scanning,
    searching,
)
from kino_tui.service.following import LiveUpdates, Rescan
from kino_tui.service.loading import Opening
from kino_tui.service.playing import PlayPlan, PlayRequest
from kino_tui.service.roots import FolderAdded, RootStatus
from kino_tui.service.this_machine import ThisMachine

if TYPE_CHECKING:
    from concurrent.futures import Future

    from kino_tui.core.browse.view import LibraryView
    from kino_tui.core.play.players import PlayerState
    from kino_tui.core.play.session import PlaybackSession
    from kino_tui.service import exporting, importers
    from kino_tui.service.sharing import SharedStatus, SharedSync, SyncResult

__all__ = ["Library", "LiveUpdates", "Opening", "PlayPlan", "PlayRequest", "Rescan", "RootStatus"]


class Library(ThisMachine):
    """Settings, catalog and watch state of one set of paths, and the use cases over them
    (the local transport of :class:`~kino_tui.service.api.LibraryAPI`)."""

    #: This machine's library (a remote one is named by its host).
    name = ""
    #: Positions kept for another box: none here.
    delivered = 0

    #: The link to the shared database (``[shared] database``); None: local files only.
    shared: SharedSync | None = None

    def __init__(self, paths: KinoPaths, settings: Settings | None = None) -> None:
        self.paths = paths
        #: config.toml as it was when the settings were read (see ``roots.follow_config``).
        self.settings_read = roots.config_signature(paths)
        self.settings = settings if settings is not None else load_settings(paths.config_file)
        self.catalog = Catalog(paths.catalog_file)
        #: Derived from the catalog: answers a search or a find without reading it.
        self.index = CatalogIndex(paths.index_file, paths.catalog_file)
        self.watch = WatchStore(paths.watch_file)
        self.track_choices = TrackChoiceStore(paths.tracks_file)
        #: Lines about NFOs ``[export] nfo`` could not update after a play.
        self.export_warnings: list[str] = []
        self._data = loading.CatalogCache()
        if self.settings.shared.database:
            from kino_tui.service.sharing import SharedSync  # only with [shared] set

            self.shared = SharedSync(self)

    def reload_settings(self) -> None:
        self.settings_read = roots.config_signature(self.paths)
        self.settings = load_settings(self.paths.config_file)
        if self.shared is not None:  # a library folder added or renamed: its items' names
            self.shared.follow_settings()

    def close(self) -> None:
        """Nothing to let go of here (a remote library closes its connection)."""

    # -- settings a front end formats with ---------------------------------------------
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
        return loading.section(self, key)

    def find_items(self, target: str) -> tuple[list[MediaItem], list[str]]:
        """The item with this id or file path, every item under a folder (a season, a
        show, an album) or of a group by its search key (``show:Dark``), and any warnings
        of the load; raises ``ItemNotFound``."""
        return loading.find(self, target)

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

    def search_indexed(self, query: str) -> searching.IndexedSearch | None:
        """The browser's rows for ``query`` from the catalog's index (a few rows read),
        while the library is still being loaded; None when the index is not current."""
        return searching.indexed(self, query)

    def progress_since(
        self, signature: tuple[int, int, int] | None
    ) -> tuple[tuple[int, int, int], dict[str, Progress]] | None:
        """Every item's progress, with the watch file's new signature, when another
        process has written it since ``signature``; None when nothing changed. With a
        shared database, the first call starts following it (other boxes' changes are
        written into the watch file, so the next call sees them)."""
        if self.shared is not None:
            self.shared.start()
        current = self.watch.signature()
        if current is None or current == signature:
            return None
        return current, self.watch.all()

    def listing(self, kind: str | None = None) -> tuple[Iterator[dict[str, Any]], list[str]]:
        """Every item (of ``kind``) as ``kino ls --json`` prints it, in path order, made
        one at a time; and any warnings of the load (given before the first record)."""
        return loading.listing(self, kind)

    def item_records(self, items: Iterable[MediaItem]) -> Iterator[dict[str, Any]]:
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

    def add_folder(
        self,
        folder: str,
        root_type: RootType | None = None,
        *,
        retype: bool = False,
        interactive: bool = False,
    ) -> FolderAdded:
        """Add one library folder by the one rule both front ends show (see
        ``roots.FolderAdded``): a folder not there now is kept, a known one keeps its
        type unless ``retype``, a file or an unreadable folder is refused."""
        return roots.add_folder(self, folder, root_type, retype=retype, interactive=interactive)

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

    # -- pictures (service/pictures.py) ----------------------------------------------
    def frame_for(self, item: MediaItem) -> str | None:
        """The frame taken for a video without a poster or thumb, once it exists."""
        return pictures.frame_for(self, item)

    def make_frames(
        self,
        items: Sequence[MediaItem],
        cancel: threading.Event | None = None,
        on_made: Callable[[MediaItem], None] | None = None,
    ) -> pictures.FramesMade:
        """Take the missing frames of these items, one ffmpeg at a time, at idle priority."""
        return pictures.make_frames(self, items, cancel, on_made)

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
    # -- watch state (service/marking.py) ------------------------------------------
    def mark_watched(self, items: Sequence[MediaItem], watched: bool) -> dict[str, Progress]:
        """Mark items (an item, a season, a show, an album) watched or not."""
        return marking.mark(self, items, watched)

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
            *(self.shared.queue.take_warnings() if self.shared is not None else []),
        ]

    def history(self) -> list[dict[str, Any]]:
        """Plays, newest first, with every field present."""
        return marking.history(self)

    # -- watch history in and out (service/importers/, service/exporting.py) --------
    def import_history(
        self,
        source: str,
        location: str | None = None,
        *,
        folder: str | None = None,
        user: str | None = None,
        dry_run: bool = False,
        ask_secret: Callable[[str], str | None] | None = None,
    ) -> importers.ImportReport:
        """Bring another player's or server's watch history in (all or nothing; never over
        a newer record of kino's; ``dry_run`` only says what would change)."""
        from kino_tui.service import importers  # `kino import` only
        from kino_tui.service.importers.running import run_import  # `kino import` only

        importer = importers.make_importer(
            source, location, folder=folder, user=user, ask_secret=ask_secret
        )
        return run_import(self, importer, dry_run)

    def undo_import(self) -> importers.UndoReport:
        """Put back the records the last import changed (not those played since)."""
        from kino_tui.service.importers.running import undo_import  # as run_import

        return undo_import(self)

    def export_history(
        self, format: str, target: str | None = None, write_beside_media: bool = False
    ) -> exporting.ExportReport:
        """Write the watch history as a kino export, mpv resume points or into NFOs."""
        from kino_tui.service import exporting  # (imported by the commands that use it)

        return exporting.export(self, format, Path(target) if target else None, write_beside_media)

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
        if self.settings.export_nfo:  # the end of a play on another machine: the NFO here
            playing.write_back(self, item, self.watch.get(item_id))

    # -- shared watch state (service/sharing.py) ------------------------------------
    def sync_shared(self) -> str | None:
        """After a command changed something: deliver it and read other boxes' changes
        once; a line saying why not (the changes stay queued), or None."""
        return self.shared.sync_quietly() if self.shared is not None else None

    def shared_status(self) -> SharedStatus | None:
        """``kino shared status`` (None: no shared database is set)."""
        return self.shared.status() if self.shared is not None else None

    def shared_news(self) -> tuple[str, bool] | None:
        """A line when the link to the shared database failed (True) or came back
        (False) since the last call; None when nothing changed (or no database is set)."""
        return self.shared.news() if self.shared is not None else None

    def shared_push(self) -> SyncResult | None:
        """``kino shared push``: this box's history into the shared database."""
        return self.shared.push_all() if self.shared is not None else None
