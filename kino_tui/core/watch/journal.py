"""What this box changes, written to the queue for the shared database.

:class:`~kino_tui.core.watch.store.WatchStore` and
:class:`~kino_tui.core.watch.track_choices.TrackChoiceStore` call their ``journal`` (when
``[shared] database`` is set) inside their lock, *before* they write their own file: each
change is queued with the field groups that changed, when, and the item's shared key
(library name and path inside it, fingerprint and provider ids for moved files).
Without the setting the stores have no journal and nothing here runs.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from kino_tui.core.models import MediaItem, Progress
from kino_tui.core.watch.identity import SharedKey, key_for, provider_ids, text_of
from kino_tui.core.watch.queue import ChangeQueue
from kino_tui.core.watch.schema import FIELD_GROUPS

#: Track choice keys of one movie carry its shared key, not this box's item id.
PATH_KEY = "path:"


def stamp() -> str:
    """Now, in UTC with microseconds: when a change was made."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def groups_of(progress: Progress | None) -> dict[str, dict[str, Any]]:
    """A record's values by field group; no record is the explicit "never played"."""
    values = progress if progress is not None else Progress()
    return {
        group: {column: getattr(values, column) for column in columns}
        for group, columns in FIELD_GROUPS.items()
    }


class Journal:
    """Queues one box's changes for the shared database."""

    def __init__(self, queue: ChangeQueue, names: Mapping[str, str], box: str) -> None:
        self.queue = queue
        self.names = dict(names)  # root path → library name
        self.box = box

    def key(self, item: MediaItem) -> SharedKey | None:
        return key_for(item, self.names)

    def progress_changed(
        self,
        changes: Sequence[tuple[MediaItem, Progress | None, Progress | None]],
        always: tuple[str, ...] = (),
    ) -> None:
        """Queue each item's field groups that differ between before and after (no
        record counts as a record never played), and the groups in ``always`` (a mark
        by hand states "watched" or "not watched" even when it changes nothing here)."""
        at = stamp()
        entries = []
        for item, before, after in changes:
            key = self.key(item)
            if key is None:
                continue  # not under a library folder: nothing other boxes could find
            old, new = groups_of(before), groups_of(after)
            fields = {
                group: values
                for group, values in new.items()
                if values != old[group] or group in always
            }
            if not fields:
                continue
            entries.append(self.progress_entry(item, key, fields, at))
        self.queue.append(entries)

    def progress_entry(
        self, item: MediaItem, key: SharedKey, fields: dict[str, Any], at: str
    ) -> dict[str, Any]:
        return {
            "kind": "progress",
            "library": key.library,
            "path": key.path,
            "fingerprint": item.fingerprint,
            "ids": provider_ids(item),
            "at": at,
            "box": self.box,
            "fields": fields,
        }

    def history_added(self, item: MediaItem, entry: dict[str, Any]) -> None:
        """Queue one play; ``entry`` gets its ``uid`` and ``box`` (kept in history.json,
        so the line is never doubled when it comes back)."""
        entry.setdefault("box", self.box)
        entry.setdefault("uid", history_uid(self.box, entry))
        key = self.key(item)
        if key is None:
            return
        self.queue.append([self.history_entry(key, entry, stamp())])

    def history_entry(self, key: SharedKey, entry: dict[str, Any], at: str) -> dict[str, Any]:
        shared = {k: database_text(v) for k, v in entry.items() if k not in ("id", "path")}
        return {
            "kind": "history",
            "uid": entry["uid"],
            "library": key.library,
            "path": key.path,
            "entry": shared,
            "at": iso_time(entry.get("ended_at")) or at,
            "box": entry.get("box") or self.box,
        }

    def shared_track_key(self, key: str, item: MediaItem | None) -> str | None:
        """A track choice's key in the database: a show's as it is, a movie's by its path."""
        if not key.startswith("item:"):
            return key
        shared = self.key(item) if item is not None else None
        return f"{PATH_KEY}{shared.library}/{shared.path}" if shared else None

    def tracks_chosen(self, key: str, choice: dict[str, Any], item: MediaItem | None) -> None:
        shared = self.shared_track_key(key, item)
        if shared is not None:
            self.queue.append(
                [{"kind": "tracks", "key": shared, "choice": choice, "at": stamp(), "box": self.box}]
            )

    def pending_groups(self) -> dict[SharedKey, set[str]]:
        """The field groups with changes still queued, by item."""
        return {SharedKey(*key): groups for key, groups in self.queue.pending_fields().items()}


def database_text(value: Any) -> Any:
    """A value the database can hold: text from a name that is not UTF-8 keeps its
    bytes as escapes (PostgreSQL refuses the lone surrogates Python keeps them as)."""
    return text_of(value) if isinstance(value, str) else value


def iso_time(text: Any) -> str | None:
    """``text`` as an ISO 8601 time with its zone (UTC when it has none), or None."""
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat(timespec="microseconds")


def history_uid(box: str, entry: dict[str, Any]) -> str:
    """A play's id in every box's history: the same line pushed twice is one line."""
    text = json.dumps(
        {k: v for k, v in entry.items() if k not in ("uid", "box")},
        sort_keys=True,
        ensure_ascii=True,
        default=str,
    )
    digest = hashlib.blake2b(f"{box}\0{text}".encode(), digest_size=12).hexdigest()
    return f"{box}:{digest}"


def new_uid(box: str) -> str:
    return f"{box}:{os.urandom(12).hex()}"
