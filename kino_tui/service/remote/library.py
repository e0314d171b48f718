"""``RemoteLibrary``: the box's library, with the same interface as a local :class:`Library`.

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
import os
import threading
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from kino_tui.config.paths import KinoPaths
from kino_tui.config.settings import Settings, load_settings
from kino_tui.core.catalog.store import CatalogData
from kino_tui.core.errors import ItemNotFound, KinoError
from kino_tui.core.models import MediaItem, Progress
from kino_tui.core.play.session import PlaybackSession
from kino_tui.core.watch.store import WatchStore
from kino_tui.core.watch.track_choices import TrackChoiceStore
from kino_tui.service.library import Library, Opening, PlayPlan
from kino_tui.service.remote import protocol
from kino_tui.service.remote.connection import Connection
from kino_tui.service.remote.pending import PendingStore
from kino_tui.service.remote.protocol import ProtocolError, RemoteError

if TYPE_CHECKING:

    from kino_tui.core.browse.view import LibraryView
    from kino_tui.core.models import LibraryRoot, RootType, ScanProgress, ScanSummary
    from kino_tui.core.play.players import PlayerState
    from kino_tui.service.following import LiveUpdates, Rescan
    from kino_tui.service.roots import RootStatus


class LinkDropped(RemoteError):
    """The connection died during a play; the position waits on this machine."""


class RemoteWatchStore(WatchStore):
    """The box's watch store, over the connection. A progress save or history line that
    cannot reach the box is kept in the pending file and delivered on the next connection."""

    def __init__(self, connection: Connection, pending: PendingStore) -> None:
        self.connection = connection
        self.pending = pending
        self.path = pending.path  # for messages only: the box's file is the box's
        self.warnings = []

    def recover(self, progress: bool = True) -> list[str]:
        return list(self.connection.call("warnings"))

    def signature(self) -> tuple[int, int, int] | None:
        return None

    def all(self) -> dict[str, Progress]:
        answer = self.connection.call("progress")
        return {key: protocol.progress_from_wire(value) for key, value in answer.items()}

    def get(self, item_id: str) -> Progress:
        return protocol.progress_from_wire(self.connection.call("progress", id=item_id))

    def save(self, item: MediaItem, progress: Progress) -> None:
        try:
            self.connection.call(
                "save_progress", id=item.id, progress=protocol.progress_to_wire(progress)
            )
        except RemoteError as error:
            self.pending.keep_progress(item.id, progress)
            raise LinkDropped(
                f"{error}: the position is kept on this machine and given to the box "
                "on the next connection"
            ) from None

    def set_watched_many(
        self,
        items: list[MediaItem],
        watched: bool,
        previous: dict[str, Progress | None] | None = None,
    ) -> dict[str, Progress]:
        """Mark on the box; each item's record as it was goes into ``previous`` (None:
        it had none), for an undo."""
        answer = self.connection.call("mark", ids=[item.id for item in items], watched=watched)
        if previous is not None:
            for key, value in answer["previous"].items():
                previous[key] = None if value is None else protocol.progress_from_wire(value)
        return {key: protocol.progress_from_wire(v) for key, v in answer["marked"].items()}

    def restore_many(self, items: list[MediaItem], previous: dict[str, Progress | None]) -> None:
        """Put the box's records back as they were before a mark (an undo)."""
        records: dict[str, Any] = {}
        for item in items:
            if item.id in previous:
                before = previous[item.id]
                records[item.id] = None if before is None else protocol.progress_to_wire(before)
        self.connection.call("restore", previous=records)

    def add_history(self, item: MediaItem, record: dict[str, Any]) -> None:
        try:
            self.connection.call("add_history", id=item.id, record=record)
        except RemoteError:
            self.pending.keep_history(item.id, record)
            raise

    def history(self) -> list[dict[str, Any]]:
        return list(self.connection.call("history"))

    def follow_moves(self, items: dict[str, MediaItem]) -> None:
        return None  # the box's scans do this


class RemoteLibrary(Library):
    """The box's library over ssh (see the module's docstring)."""

    def __init__(
        self,
        paths: KinoPaths,
        host: str,
        settings: Settings | None = None,
        remote_command: Sequence[str] | None = None,
    ) -> None:
        self.paths = paths
        self.settings = settings if settings is not None else load_settings(paths.config_file)
        self.host = host
        remote = self.settings.remote
        self.connection = Connection(host, remote.ssh, remote_command or remote.command).open()
        self.pending = PendingStore(paths.data_dir, host)
        self.watch = RemoteWatchStore(self.connection, self.pending)
        # audio and subtitle choices are this machine's, like its player and languages
        self.track_choices = TrackChoiceStore(paths.tracks_file)
        self._stream: tuple[str, int] | None = None  # (token, local port)
        self._stream_lock = threading.Lock()
        self._link_lost = False
        try:
            self.delivered = self.deliver_pending()
        except BaseException:
            self.connection.close()
            raise

    def close(self) -> None:
        self.connection.close()

    def deliver_pending(self) -> int:
        """Give the box what a dropped link kept here; how many positions went. A
        position the box has seen a later play of (on another machine) is dropped."""
        waiting = self.pending.waiting()
        delivered = 0
        for item_id, kept in waiting["progress"].items():
            try:
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

    # -- opening the library -----------------------------------------------------------
    def load(self) -> tuple[CatalogData, list[str]]:
        answer = self.connection.call("items")
        items = [MediaItem.from_dict(data) for data in answer["items"]]
        return CatalogData({item.id: item for item in items}), list(answer["warnings"])

    def find_items(self, target: str) -> tuple[list[MediaItem], list[str]]:
        """Found on the box (only the items found travel)."""
        found = self.connection.call("find", target=target)
        return [MediaItem.from_dict(data) for data in found], self.take_warnings()

    def section_items(self, key: str) -> tuple[list[MediaItem], list[str]]:
        found = self.connection.call("section", key=key)
        return [MediaItem.from_dict(data) for data in found], self.take_warnings()

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
            answer = self.connection.call("artwork", path=path)
        except KinoError:
            return None
        return base64.b64decode(answer) if isinstance(answer, str) else None

    # -- library folders and scans are the box's ---------------------------------------
    def _on_the_box(self, what: str) -> KinoError:
        return KinoError(f"{what} happens on the box: run `ssh {self.host} kino {what}` there")

    def roots(self) -> list[RootStatus]:
        raise self._on_the_box("roots")

    def add_roots(
        self,
        folders: Sequence[str],
        root_type: RootType | None = None,
        *,
        interactive: bool = False,
    ) -> list[LibraryRoot]:
        raise self._on_the_box("add")

    def remove_root(self, folder: str) -> tuple[str, int]:
        raise self._on_the_box("remove")

    def set_root_type(self, folder: str, root_type: RootType) -> LibraryRoot:
        raise self._on_the_box("add")

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

    # -- playing: the box's files, streamed to this machine's player -------------------
    def check_playable(self, plan: PlayPlan) -> None:
        """The box checks it can send the first item's files; this machine, its player."""
        self.connection.call("check", ids=[plan.item.id])
        self.session(plan).check()

    def stream_url(self, item: MediaItem, index: int = 0, kind: str = "part") -> str:
        with self._stream_lock:
            if self._stream is None:
                answer = self.connection.call("stream")
                port = self.connection.forward(str(answer["socket"]))
                self._stream = (str(answer["token"]), port)
            token, port = self._stream
        if kind == "part":
            files = item.parts or [item.path]
        else:
            files = [track.path or "" for track in item.subtitles if track.external]
        # The file name only helps the player guess the format: its bytes, as the box has
        # them (a name that is not UTF-8 too).
        name = urllib.parse.quote(os.fsencode(files[index].rpartition("/")[2] or "file"), safe="")
        item_id = urllib.parse.quote(item.id, safe="")
        return f"http://127.0.0.1:{port}/{token}/{kind}/{item_id}/{index}/{name}"

    def streamed(self, item: MediaItem) -> MediaItem:
        """The item as this machine's player sees it: its files are stream URLs."""
        urls = [self.stream_url(item, index) for index in range(len(item.parts or [1]))]
        subtitles, external = [], 0
        for track in item.subtitles:  # files beside the video: streamed too
            if track.external:
                track = track._replace(path=self.stream_url(item, external, "sub"))
                external += 1
            subtitles.append(track)
        return replace(
            item,
            path=urls[0],
            parts=urls if item.parts else [],
            title=item.display_title,
            subtitles=subtitles,
        )

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
        as this machine's player sees them; mpv also gets the first item's external
        subtitle files."""
        streamed = replace(plan, items=tuple(self.streamed(item) for item in plan.items))
        session = super().session(
            streamed,
            picture_mode=picture_mode,
            on_update=on_update,
            music_in_background=music_in_background,
            terminal=terminal,
        )
        session.playable_for = self.streamed  # what is queued later streams too
        external = sum(1 for track in plan.item.subtitles if track.external)
        options = session.player.options
        chosen = options.tracks_of(0).subtitle_file is not None  # given with the item already
        if external and plan.player == "mpv" and not chosen:
            subtitles = [
                f"--sub-file={self.stream_url(plan.item, index, 'sub')}"
                for index in range(external)
            ]
            session.player.options = replace(options, extra_args=(*options.extra_args, *subtitles))
        return session
