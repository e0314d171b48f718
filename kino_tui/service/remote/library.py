"""``RemoteLibrary``: the box's library, behind the same interface as a local ``Library``
(:class:`~kino_tui.service.api.LibraryAPI`).

The front ends (``kino --remote HOST ls|play|…`` and the TUI) are given this object and
use it as they use a local library. The catalog, watch progress and history are the
box's, asked for over the connection; the settings (player, resume question, keys) are
this machine's. A play streams each file from the box (``stream.py``) to this machine's
player, and the playback session records progress through :class:`RemoteWatchStore`,
so the box keeps the one true watch state with the same save rules as a local play.
"""

from __future__ import annotations

import base64
import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from kino_tui.config.load import load_settings
from kino_tui.config.paths import KinoPaths
from kino_tui.config.settings import Settings
from kino_tui.core.catalog.rows import CatalogData
from kino_tui.core.errors import ConfigError, ItemNotFound, KinoError
from kino_tui.core.metadata.frames import needs_frame
from kino_tui.core.models import MediaItem, Progress
from kino_tui.core.play.session import STREAM_PREFIX
from kino_tui.core.watch.track_choices import TrackChoiceStore
from kino_tui.service import loading, playing
from kino_tui.service.loading import Opening
from kino_tui.service.marking import Marked
from kino_tui.service.pictures import FramesMade
from kino_tui.service.playing import PlayPlan, PlayRequest
from kino_tui.service.remote import checks, plays, protocol
from kino_tui.service.remote.connection import Connection
from kino_tui.service.remote.pending import PendingStore
from kino_tui.service.remote.protocol import ProtocolError, RemoteError
from kino_tui.service.remote.watch_store import RemoteWatchStore
from kino_tui.service.this_machine import ThisMachine

if TYPE_CHECKING:
    from concurrent.futures import Future

    from kino_tui.core.browse.view import LibraryView
    from kino_tui.core.models import LibraryRoot, RootType, ScanProgress, ScanSummary
    from kino_tui.core.play.players import PlayerState
    from kino_tui.core.play.session import PlaybackSession
    from kino_tui.service.exporting import ExportReport
    from kino_tui.service.following import LiveUpdates, Rescan
    from kino_tui.service.importers import ImportReport, UndoReport
    from kino_tui.service.roots import FolderAdded, RootStatus
    from kino_tui.service.sharing import SharedStatus, SyncResult

from kino_tui.service.searching import IndexedSearch, SearchResult

#: How the laptop names the box's frame of an item (never a path: the box reads its own).
FRAME_PREFIX = "kino-frame:"


class RemoteLibrary(ThisMachine):
    """The box's library over ssh (see the module's docstring): the remote transport of
    :class:`~kino_tui.service.api.LibraryAPI`. Every use case is answered by the box's
    ``Library`` through the server's table, except what is this machine's own: the
    player and its settings, audio and subtitle choices, the picture cache."""

    def __init__(
        self,
        paths: KinoPaths,
        host: str,
        settings: Settings | None = None,
        remote_command: Sequence[str] | None = None,
    ) -> None:
        self.paths = paths
        self.settings = settings if settings is not None else load_settings(paths.config_file)
        self.host = self.name = host
        remote = self.settings.remote
        self.connection = Connection(
            host, remote.ssh, remote_command or remote.command, remote.timeout
        ).open()
        self.pending = PendingStore(paths.data_dir, host)
        self.watch = self.remote_watch = RemoteWatchStore(self.connection, self.pending)
        # audio and subtitle choices are this machine's, like its player and languages
        self.track_choices = TrackChoiceStore(paths.tracks_file)
        self.export_warnings: list[str] = []  # [export] nfo: the box's NFOs are not written
        self._link_lost = False
        try:
            self.delivered = self.deliver_pending()
        except BaseException:
            self.connection.close()
            raise

    @classmethod
    def open(
        cls, paths: KinoPaths, host: str | None = None, remote_kino: str | None = None
    ) -> RemoteLibrary:
        """The box named by ``host``, or by ``[remote] host`` in this machine's settings
        (a ``ConfigError`` saying how to name one when neither does)."""
        settings = load_settings(paths.config_file)
        chosen = host or settings.remote.host
        if not chosen:
            raise ConfigError(
                'which box? give it: kino --remote HOST, or set [remote] host = "…" in '
                f"{paths.config_file}"
            )
        return cls(paths, chosen, settings, [remote_kino] if remote_kino else None)

    def close(self) -> None:
        self.connection.close()

    def kept_positions(self) -> int:
        """Positions waiting on this machine for the box (the link dropped during a play)."""
        return len(self.pending.waiting()["progress"])

    def deliver_pending(self) -> int:
        """Give the box what a dropped link kept here; how many positions went. A
        position the box has seen a later play of (on another machine) is dropped."""
        waiting = self.pending.waiting()
        delivered = 0
        for item_id, kept in waiting["progress"].items():
            try:
                checks.item_id(item_id)
                progress = protocol.progress_from_wire(kept)
                if (self.watch.get(item_id).last_played or "") > (progress.last_played or ""):
                    continue
                self.connection.call(
                    "save_progress", id=item_id, progress=protocol.progress_to_wire(progress)
                )
            except (ItemNotFound, ProtocolError, TypeError):
                continue  # gone from the box's catalog, or a damaged line: dropped
            delivered += 1
        for line in waiting["history"]:
            if isinstance(line, dict):
                with contextlib.suppress(KinoError):
                    self.connection.call(
                        "add_history", id=line.get("id"), record=line.get("record")
                    )
        if waiting["progress"] or waiting["history"]:
            self.pending.clear()
        return delivered

    # -- settings a front end formats with: this machine's -------------------------------
    def has_roots(self) -> bool:
        return True  # the box's library folders, which it scans itself

    def artwork_reader(self) -> Callable[[str], bytes | None] | None:
        return self.read_artwork

    # -- opening the library -----------------------------------------------------------
    def load(self) -> tuple[CatalogData, list[str]]:
        answer = self.connection.call("load")
        items = [MediaItem.from_dict(data) for data in _objects(answer.get("items"))]
        return CatalogData({item.id: item for item in items}), _lines(answer.get("warnings"))

    def view(self, data: CatalogData) -> LibraryView:
        return loading.make_view(self, data.items.values(), self.watch.all())

    def load_view(self) -> tuple[LibraryView, list[str]]:
        data, warnings = self.load()
        view = self.view(data)
        view.section(view.first_section())
        return view, warnings

    def load_opening(self) -> Opening:
        view, warnings = self.load_view()
        return Opening(view, warnings, None)

    def load_rest(self, opening: Opening) -> tuple[LibraryView, list[str]]:
        return opening.view, []

    def load_in_background(self) -> Future[Opening]:
        return loading.load_in_background(self)

    def find_items(self, target: str) -> tuple[list[MediaItem], list[str]]:
        """Found on the box (only the items found travel)."""
        return self._items_and_warnings(self.connection.call("find", target=target))

    def section_items(self, key: str) -> tuple[list[MediaItem], list[str]]:
        return self._items_and_warnings(self.connection.call("section", key=key))

    def search(self, query: str) -> tuple[list[SearchResult], list[str]]:
        """Searched on the box (only the results travel)."""
        answer = self.connection.call("search", query=query)
        results = [SearchResult(**data) for data in _objects(answer.get("results"))]
        return results, _lines(answer.get("warnings"))

    def item_records(self, items: Iterable[MediaItem]) -> Iterator[dict[str, Any]]:
        ids = [i.id for i in items]
        return iter(list(_objects(self.connection.call("item_records", ids=ids))))

    def listing(self, kind: str | None = None) -> tuple[Iterator[dict[str, Any]], list[str]]:
        """The box's items (of ``kind``) in path order, as ``kino ls --json`` prints them."""
        data, warnings = self.load()
        items = sorted(data.items.values(), key=lambda i: i.path)
        return self.item_records(i for i in items if kind is None or i.kind == kind), warnings

    def search_indexed(self, query: str) -> IndexedSearch | None:
        """None: the box's index is not read from here (the browser searches what it
        loaded; ``kino search`` runs on the box)."""
        return None

    def _items_and_warnings(self, answer: Any) -> tuple[list[MediaItem], list[str]]:
        if not isinstance(answer, dict):
            raise ProtocolError("the box sent items in a shape this kino does not know")
        items = [MediaItem.from_dict(data) for data in _objects(answer.get("items"))]
        return items, _lines(answer.get("warnings"))

    def progress_since(
        self, signature: tuple[int, int, int] | None
    ) -> tuple[tuple[int, int, int], dict[str, Progress]] | None:
        if self._link_lost:
            return None  # said once; the browser polls every few seconds
        try:
            answer = self.connection.call(
                "progress_since", signature=list(signature) if signature else None
            )
        except RemoteError:
            self._link_lost = True
            raise
        if answer is None:
            return None
        progress = {k: protocol.progress_from_wire(v) for k, v in answer["progress"].items()}
        first, second, third = answer["signature"]
        return (int(first), int(second), int(third)), progress

    def poster_bytes(self, item: MediaItem, field: str = "poster") -> bytes:
        """An artwork file of the box's item (``poster``, ``show_poster``, ``fanart``, ``thumb``)."""
        return base64.b64decode(self.connection.call("poster", id=item.id, field=field))

    def read_artwork(self, path: str) -> bytes | None:
        """The bytes of an artwork file the box's catalog names (the UI's poster cache
        keeps them, scaled, on this machine); None when the box does not send it."""
        try:
            if path.startswith(FRAME_PREFIX):
                answer = self.connection.call("frame", id=path.removeprefix(FRAME_PREFIX))
            else:
                answer = self.connection.call("artwork", path=path)
        except KinoError:
            return None
        return base64.b64decode(answer) if isinstance(answer, str) else None

    # -- library folders and scans are the box's ---------------------------------------
    def _on_the_box(self, what: str) -> KinoError:
        return KinoError(f"{what} happens on the box: run `ssh {self.host} kino {what}` there")

    def roots(self) -> list[RootStatus]:
        raise self._on_the_box("roots")

    # -- shared watch state: the box's own ([shared] database in its config) ---------------
    def sync_shared(self) -> str | None:
        """The box sends what this command changed to its shared database, if it has one."""
        line = self.connection.call("sync_shared")
        return line if isinstance(line, str) else None

    def shared_status(self) -> SharedStatus | None:
        raise self._on_the_box("shared status")

    def shared_news(self) -> tuple[str, bool] | None:
        return None  # the box's link, not this machine's

    def shared_push(self) -> SyncResult | None:
        raise self._on_the_box("shared push")

    def add_roots(
        self,
        folders: Sequence[str],
        root_type: RootType | None = None,
        *,
        interactive: bool = False,
    ) -> list[LibraryRoot]:
        raise self._on_the_box("add")

    def add_folder(
        self,
        folder: str,
        root_type: RootType | None = None,
        *,
        retype: bool = False,
        interactive: bool = False,
    ) -> FolderAdded:
        raise self._on_the_box("add")

    def remove_root(self, folder: str) -> tuple[str, int]:
        raise self._on_the_box("remove")

    def set_root_type(self, folder: str, root_type: RootType) -> LibraryRoot:
        raise self._on_the_box("add")

    # -- watch history in and out: the box's own (its files, its NFOs) ---------------
    def import_history(
        self,
        source: str,
        location: str | None = None,
        *,
        folder: str | None = None,
        user: str | None = None,
        dry_run: bool = False,
        ask_secret: Callable[[str], str | None] | None = None,
    ) -> ImportReport:
        raise self._on_the_box("import")

    def undo_import(self) -> UndoReport:
        raise self._on_the_box("import")

    def export_history(
        self, format: str, target: str | None = None, write_beside_media: bool = False
    ) -> ExportReport:
        raise self._on_the_box("export")

    def scan(
        self,
        chosen: Sequence[LibraryRoot] | None = None,
        on_progress: Callable[[ScanProgress], None] | None = None,
        cancel: threading.Event | None = None,
        folders: Sequence[str] | None = None,
    ) -> ScanSummary:
        raise self._on_the_box("scan")

    def root_details(self) -> list[RootStatus]:
        raise self._on_the_box("roots")

    # -- frames are taken on the box, shown here through the poster cache --------------
    def frame_for(self, item: MediaItem) -> str | None:
        """A name for the box's frame of a video without artwork (``read_artwork`` asks
        the box for its bytes, off the UI thread); None for anything else."""
        return f"{FRAME_PREFIX}{item.id}" if needs_frame(item) else None

    def make_frames(
        self,
        items: Sequence[MediaItem],
        cancel: threading.Event | None = None,
        on_made: Callable[[MediaItem], None] | None = None,
    ) -> FramesMade:
        """Ask the box to take its missing frames in the background while it serves
        (they show as the cursor rests on each item); nothing is taken on this machine."""
        self.connection.call("make_frames")
        return FramesMade()

    def root_details_signature(self) -> object:
        return None

    def live_updates(
        self,
        on_scanned: Callable[[Rescan], None],
        on_failure: Callable[[str], None] | None = None,
    ) -> LiveUpdates | None:
        """None: the box's own kino follows its folders, not this machine."""
        return None

    def catalog_signature(self) -> tuple[int, int, int] | None:
        return None  # this machine's catalog file is not the box's

    def roots_for(self, folders: Sequence[str]) -> list[LibraryRoot]:
        raise self._on_the_box("scan")

    # -- watch state: the box's ----------------------------------------------------------
    def mark_watched(self, items: Sequence[MediaItem], watched: bool) -> dict[str, Progress]:
        return self.mark_undoable(items, watched).updates

    def mark_undoable(self, items: Sequence[MediaItem], watched: bool) -> Marked:
        """Marked on the box; the answer holds each item's record before (None: none)."""
        answer = self.connection.call("mark", ids=[item.id for item in items], watched=watched)
        previous = {
            key: None if value is None else protocol.progress_from_wire(value)
            for key, value in answer["previous"].items()
        }
        updates = {k: protocol.progress_from_wire(v) for k, v in answer["marked"].items()}
        return Marked(list(items), watched, updates, previous)

    def undo_mark(self, marked: Marked) -> dict[str, Progress]:
        """The box puts back every record as the mark found it (removing those it made)."""
        previous = {
            key: None if value is None else protocol.progress_to_wire(value)
            for key, value in marked.previous.items()
        }
        answer = self.connection.call(
            "undo", ids=[item.id for item in marked.items], watched=marked.watched,
            previous=previous,
        )  # fmt: skip
        return {k: protocol.progress_from_wire(v) for k, v in answer.items()}

    def history(self) -> list[dict[str, Any]]:
        return list(_objects(self.connection.call("history")))

    def take_warnings(self, summary: ScanSummary | None = None) -> list[str]:
        """The box's lines (damaged files set aside there) and this machine's
        ``tracks.json``."""
        return [*_lines(self.connection.call("warnings")), *self.track_warnings()]

    # -- audio and subtitles: this machine's choices -------------------------------------
    # -- playing: the box's files, streamed to this machine's player -------------------
    def prepare_play(self, request: PlayRequest) -> PlayPlan:
        """The same assembly as a local play's: found and checked through the box."""
        return playing.prepare(self, request)

    def check_playable(self, plan: PlayPlan) -> None:
        """The box checks it can send the first item's files; this machine, its player."""
        self.connection.call("check", ids=[plan.item.id])
        # The player is checked on items that stand for the stream (no play is opened).
        stand_in = [
            replace(item, path=f"{STREAM_PREFIX}0/", parts=[], subtitles=[])
            for item in plan.items
        ]
        playing.session_for(self, replace(plan, items=tuple(stand_in))).check()

    def session(
        self,
        plan: PlayPlan,
        *,
        picture_mode: str | None = None,
        on_update: Callable[[PlayerState], None] | None = None,
        music_in_background: bool = False,
        terminal: bool = True,
    ) -> PlaybackSession:
        """The same session as a local play's (``playing.session_for``), over the items
        as this machine's player sees them (``plays.py``: a stream token for this play's
        items, a forward, and for mpv no URL on its command line). The play's stream
        ends with the session (its ``close()``, which ``run()`` calls)."""
        player = plan.player or self.settings.playback.player
        play = plays.open_play(self.connection, plan.items, player)
        try:
            session = playing.session_for(
                self,
                replace(plan, items=tuple(plays.streamed(play, item) for item in plan.items)),
                picture_mode=picture_mode,
                on_update=on_update,
                music_in_background=music_in_background,
                terminal=terminal,
            )
        except BaseException:
            play.end()
            raise
        plays.attach(play, session)
        watch = self.remote_watch
        watch.when_stopped = session.stop  # the box stopped answering: the play ends
        session.cleanups.append(lambda: setattr(watch, "when_stopped", None))
        return session


def _objects(value: Any) -> list[dict[str, Any]]:
    """A list of JSON objects from the box (anything else is not this protocol)."""
    if not isinstance(value, list) or not all(isinstance(one, dict) for one in value):
        raise ProtocolError("the box sent a list in a shape this kino does not know")
    return value


def _lines(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise ProtocolError("the box sent warnings in a shape this kino does not know")
    return [str(line) for line in value]
