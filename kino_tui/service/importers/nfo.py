"""``kino import nfo``: the watch state Kodi or Jellyfin wrote into the NFO beside each item.

The NFOs are the ones the scan found (each item's ``nfo``), so the records already know
their item. A damaged NFO stops the run with its path (nothing is imported): fix or move
it and import again.
"""

from __future__ import annotations

from collections.abc import Sequence

from kino_tui.core.errors import ImportFailed
from kino_tui.core.metadata.nfo import NfoError
from kino_tui.core.metadata.nfo_watched import NfoWatchState, read_watch_state
from kino_tui.core.models import MediaItem
from kino_tui.service.importers.records import ImportedRecord


def record_from(item: MediaItem, state: NfoWatchState) -> ImportedRecord:
    """The import record of ``item`` from its NFO's watch state."""
    return ImportedRecord(
        source=item.nfo or item.path,
        ids=dict(item.ids),
        kind=item.kind,
        path=item.path,
        size=item.size,
        item_id=item.id,
        position=state.position,
        # the length kino measured wins over the one Kodi wrote (<total>), which may be
        # of another copy of the file
        duration=item.duration or state.total,
        watched=state.watched,
        play_count=state.play_count,
        last_played=state.last_played,
    )


class NfoImporter:
    name = "nfo"

    def read(self, items: Sequence[MediaItem]) -> list[ImportedRecord]:
        records = []
        for item in items:
            if not item.nfo or item.kind not in ("movie", "episode", "video"):
                continue
            if not item.available:
                continue  # its library folder is offline: its NFO cannot be read now
            try:
                state = read_watch_state(item.nfo)
            except NfoError as error:
                raise ImportFailed(f"{item.nfo}: {error}; nothing was imported") from None
            if state is not None and state.says_anything:
                records.append(record_from(item, state))
        return records
