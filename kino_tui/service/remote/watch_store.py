"""The box's watch store as the laptop's playback session uses it: progress, history and
marks over the connection; a save that cannot reach the box waits in the pending file."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kino_tui.core.catalog.compact import ScanItem
from kino_tui.core.models import MediaItem, Progress
from kino_tui.core.watch.store import WatchStore
from kino_tui.service.remote import checks, protocol
from kino_tui.service.remote.connection import Connection, PeerStopped
from kino_tui.service.remote.pending import PendingStore
from kino_tui.service.remote.protocol import RemoteError


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
        #: Called when the box stops answering during a play (the play ends).
        self.when_stopped: Callable[[], None] | None = None

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
            if isinstance(error, PeerStopped) and self.when_stopped is not None:
                self.when_stopped()
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
        self.connection.call(
            "undo", ids=[item.id for item in items], watched=False, previous=records
        )

    def add_history(self, item: MediaItem, record: dict[str, Any]) -> None:
        if isinstance(record.get("error"), str):  # a long error is cut, not refused
            record = {**record, "error": protocol.shorten(record["error"], checks.MAX_TEXT)}
        try:
            self.connection.call("add_history", id=item.id, record=record)
        except RemoteError:
            self.pending.keep_history(item.id, record)
            raise

    def history(self) -> list[dict[str, Any]]:
        return list(self.connection.call("history"))

    def follow_moves(self, items: Mapping[str, ScanItem]) -> None:
        return None  # the box's scans do this
