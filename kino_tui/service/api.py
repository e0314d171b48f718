"""The library interface every front end uses: one method per use case.

Two transports implement it: :class:`~kino_tui.service.library.Library` on this machine's
files, and :class:`~kino_tui.service.remote.library.RemoteLibrary` over an ssh connection
to another box's ``kino serve`` (whose server is a table from protocol methods to the
box's ``Library``). The CLI and the TUI are written against this Protocol only, so a use
case is written once, in ``service/``; ``tests/remote/test_contract.py`` runs every one
against both transports and asserts the same answers.

Adding a use case: a method here, on ``Library`` (calling its module in ``service/``), a
line in the server's table (``remote/server.py``), the client's method
(``remote/library.py``) and a row in the contract table.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from kino_tui.core.models import (
    LibraryRoot,
    MediaItem,
    Progress,
    RootType,
    ScanProgress,
    ScanSummary,
    Segment,
)

if TYPE_CHECKING:
    from concurrent.futures import Future

    from kino_tui.config.settings import Settings
    from kino_tui.core.browse.view import LibraryView
    from kino_tui.core.catalog.rows import CatalogData
    from kino_tui.core.play.players import PlayerState
    from kino_tui.core.play.session import PlaybackResult, PlaybackSession
    from kino_tui.core.play.tracks import TrackChoice
    from kino_tui.core.watch.store import WatchStore
    from kino_tui.core.watch.track_choices import TrackChoiceStore
    from kino_tui.service.exporting import ExportReport
    from kino_tui.service.following import LiveUpdates, Rescan
    from kino_tui.service.importers import ImportReport, UndoReport
    from kino_tui.service.loading import Opening
    from kino_tui.service.marking import Marked, WatchedToggle
    from kino_tui.service.pictures import FramesMade
    from kino_tui.service.playing import Control, PlayOrder, PlayPlan, PlayRequest, UpNext
    from kino_tui.service.roots import FolderAdded, RootStatus
    from kino_tui.service.searching import IndexedSearch, SearchResult
    from kino_tui.service.sharing import SharedStatus, SyncResult
    from kino_tui.service.tracks import TrackMenu


@dataclass(frozen=True, slots=True)
class FrontEndSettings:
    """What a front end shows and how, from this machine's settings: the picture mode
    (``auto``: the front end picks), whether the next episode starts by itself, the key
    remapping (binding id → keys), and whether any library folder is configured."""

    images: str = "auto"
    autoplay_next: bool = False
    keys: dict[str, str] = field(default_factory=dict)
    has_roots: bool = False


class PlaySide(Protocol):
    """What a play needs of the library it plays from: this machine's settings and
    audio/subtitle choices, and the watch store that records it (the box's, for a play
    over a link). Both transports have them; the playing and tracks use cases take it."""

    @property
    def settings(self) -> Settings: ...
    @property
    def watch(self) -> WatchStore: ...
    @property
    def track_choices(self) -> TrackChoiceStore: ...

    #: Lines about NFOs ``[export] nfo`` could not update after a play.
    export_warnings: list[str]


class LibraryAPI(Protocol):
    """Every use case of one library, whichever machine its files are on."""

    #: Where the library is: "" for this machine's, the host's name for a remote one
    #: (keeps its posters apart in the picture cache, names it in messages).
    name: str
    #: Positions a dropped link had kept on this machine and gave the box at connection.
    delivered: int

    def close(self) -> None: ...

    # -- settings a front end formats with -------------------------------------------
    def front_end_settings(self) -> FrontEndSettings: ...
    def binding_problems(self, screens: Sequence[Mapping[str, str]]) -> list[str]: ...
    def picture_cache_folder(self) -> Path: ...
    def artwork_reader(self) -> Callable[[str], bytes | None] | None: ...

    # -- opening the library -----------------------------------------------------------
    def load(self) -> tuple[CatalogData, list[str]]: ...
    def load_view(self) -> tuple[LibraryView, list[str]]: ...
    def load_opening(self) -> Opening: ...
    def load_rest(self, opening: Opening) -> tuple[LibraryView, list[str]]: ...
    def load_in_background(self) -> Future[Opening]: ...
    def section_items(self, key: str) -> tuple[list[MediaItem], list[str]]: ...
    def find_items(self, target: str) -> tuple[list[MediaItem], list[str]]: ...
    def search(self, query: str) -> tuple[list[SearchResult], list[str]]: ...
    def item_records(self, items: Iterable[MediaItem]) -> Iterator[dict[str, Any]]: ...
    def listing(self, kind: str | None = None) -> tuple[Iterator[dict[str, Any]], list[str]]: ...
    def search_indexed(self, query: str) -> IndexedSearch | None: ...
    def progress_since(
        self, signature: tuple[int, int, int] | None
    ) -> tuple[tuple[int, int, int], dict[str, Progress]] | None: ...

    # -- library folders and scans (the box's own: refused over a link) ----------------
    def roots(self) -> list[RootStatus]: ...
    def root_details(self) -> list[RootStatus]: ...
    def root_details_signature(self) -> object: ...
    def add_roots(
        self,
        folders: Sequence[str],
        root_type: RootType | None = None,
        *,
        interactive: bool = False,
    ) -> list[LibraryRoot]: ...
    def add_folder(
        self,
        folder: str,
        root_type: RootType | None = None,
        *,
        retype: bool = False,
        interactive: bool = False,
    ) -> FolderAdded: ...
    def remove_root(self, folder: str) -> tuple[str, int]: ...
    def set_root_type(self, folder: str, root_type: RootType) -> LibraryRoot: ...
    def roots_for(self, folders: Sequence[str]) -> list[LibraryRoot]: ...
    def scan(
        self,
        chosen: Sequence[LibraryRoot] | None = None,
        on_progress: Callable[[ScanProgress], None] | None = None,
        cancel: threading.Event | None = None,
        folders: Sequence[str] | None = None,
    ) -> ScanSummary: ...
    def frame_for(self, item: MediaItem) -> str | None: ...
    def make_frames(
        self,
        items: Sequence[MediaItem],
        cancel: threading.Event | None = None,
        on_made: Callable[[MediaItem], None] | None = None,
    ) -> FramesMade: ...
    def live_updates(
        self,
        on_scanned: Callable[[Rescan], None],
        on_failure: Callable[[str], None] | None = None,
    ) -> LiveUpdates | None: ...
    def catalog_signature(self) -> tuple[int, int, int] | None: ...

    # -- playing -----------------------------------------------------------------------
    def plan_play(
        self,
        items: Sequence[MediaItem],
        start: float | None = None,
        player: str | None = None,
        progress: Progress | None = None,
    ) -> PlayPlan: ...
    def prepare_play(self, request: PlayRequest) -> PlayPlan: ...
    def play_queue(
        self, items: Sequence[MediaItem], order: PlayOrder = "in-order", shuffle: bool = False
    ) -> list[MediaItem]: ...
    def control_player(self, session: PlaybackSession, what: Control) -> bool: ...
    def up_next(
        self, result: PlaybackResult, next_episode: Callable[[MediaItem], MediaItem | None]
    ) -> UpNext | None: ...
    def play_order(self, items: Sequence[MediaItem], shuffle: bool = False) -> list[MediaItem]: ...
    def group_queue(
        self,
        items: Sequence[MediaItem],
        watched: Callable[[MediaItem], bool],
        shuffle: bool = False,
    ) -> list[MediaItem]: ...
    def check_playable(self, plan: PlayPlan) -> None: ...
    def session(
        self,
        plan: PlayPlan,
        *,
        picture_mode: str | None = None,
        on_update: Callable[[PlayerState], None] | None = None,
        music_in_background: bool = False,
        terminal: bool = True,
    ) -> PlaybackSession: ...
    def skip_segment(self, session: PlaybackSession) -> Segment | None: ...

    # -- audio and subtitles (this machine's choices) ------------------------------------
    def track_item(self, items: Sequence[MediaItem]) -> MediaItem | None: ...
    def track_menu(self, item: MediaItem) -> TrackMenu: ...
    def choose_tracks(
        self, item: MediaItem, audio: int | None, subtitle: int | str | None
    ) -> TrackChoice: ...
    def choose_tracks_from_text(
        self, item: MediaItem, audio: str | None, subtitles: str | None
    ) -> TrackChoice | None: ...
    def apply_tracks(self, session: PlaybackSession, item: MediaItem) -> bool: ...
    def track_warnings(self) -> list[str]: ...

    # -- watch state -------------------------------------------------------------------
    def mark_watched(self, items: Sequence[MediaItem], watched: bool) -> dict[str, Progress]: ...
    def watched_toggle(
        self, items: Sequence[MediaItem], is_watched: Callable[[MediaItem], bool], whole_show: bool
    ) -> WatchedToggle: ...
    def mark_undoable(self, items: Sequence[MediaItem], watched: bool) -> Marked: ...
    def undo_mark(self, marked: Marked) -> dict[str, Progress]: ...
    def history(self) -> list[dict[str, Any]]: ...
    def take_warnings(self, summary: ScanSummary | None = None) -> list[str]: ...

    # -- watch history in and out (the box's own: refused over a link) ---------------
    def import_history(
        self,
        source: str,
        location: str | None = None,
        *,
        folder: str | None = None,
        user: str | None = None,
        dry_run: bool = False,
        ask_secret: Callable[[str], str | None] | None = None,
    ) -> ImportReport: ...
    def undo_import(self) -> UndoReport: ...
    def export_history(
        self, format: str, target: str | None = None, write_beside_media: bool = False
    ) -> ExportReport: ...
    def export_problems(self) -> list[str]: ...
    # -- watch state shared with other boxes ([shared] database) ----------------------
    def sync_shared(self) -> str | None: ...
    def shared_status(self) -> SharedStatus | None: ...
    def shared_push(self) -> SyncResult | None: ...
    def shared_news(self) -> tuple[str, bool] | None: ...
