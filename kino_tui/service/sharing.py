"""Shared watch state (``[shared] database``): the use cases over the shared store.

With the setting, the local files stay the working copy: kino reads them to show the
library and start a play, and every change is written there and queued
(``core/watch/queue.py``). :class:`SharedSync` delivers the queue in order, then reads
what other boxes changed since the last change number it saw and writes it into the
local files; the browser's 3-second look at the watch file's signature
(``Library.progress_since``) then shows it. In an open kino a thread does this at once
and again whenever the database NOTIFYs a change (and every :data:`POLL_SECONDS` in
case a notification was lost); a command that changes something does it once at its
end. Nothing waits on the database: unreachable, it is tried again later.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from kino_tui.core.errors import KinoError
from kino_tui.core.models import MediaItem, Progress
from kino_tui.core.play.tracks import TrackChoice
from kino_tui.core.watch.errors import ChangeRefused, SharedUnavailable
from kino_tui.core.watch.identity import LocalIndex, key_for, names_of, provider_ids
from kino_tui.core.watch.journal import PATH_KEY, Journal, history_uid, iso_time
from kino_tui.core.watch.queue import ChangeQueue, SyncState, batches
from kino_tui.core.watch.schema import FIELD_GROUPS

if TYPE_CHECKING:
    from kino_tui.core.watch.shared import Pulled, SharedDatabase
    from kino_tui.service.library import Library

#: Read the database this often even when no notification came.
POLL_SECONDS = 15.0
#: After a failure, wait this long before trying again (doubling up to the maximum).
RETRY_SECONDS = (1.0, 30.0)
#: Changes delivered in one transaction.
BATCH = 2000


@dataclass(slots=True)
class SyncResult:
    """One round: what went out, what came in."""

    delivered: int = 0
    received: int = 0
    applied: int = 0


@dataclass(slots=True)
class SharedStatus:
    """``kino shared status``."""

    database: str  # the URL without its password
    box: str
    reachable: bool
    queued: int
    last_sync: str | None
    error: str | None = None
    schema_version: int | None = None
    counts: dict[str, int] = field(default_factory=dict)


class SharedSync:
    """One library's link to the shared database."""

    def __init__(self, library: Library) -> None:
        settings = library.settings.shared
        self.library = library
        self.url = settings.database
        self.box = settings.box or socket.gethostname()
        data_dir = library.paths.data_dir
        self.queue = ChangeQueue(data_dir / "shared-queue.json")
        self.state_path = data_dir / "shared-state.json"
        self.journal = Journal(self.queue, names_of(library.settings.roots), self.box)
        library.watch.journal = self.journal
        library.track_choices.journal = self.journal
        self._database: SharedDatabase | None = None
        self._lock = threading.Lock()  # one round at a time
        self._index: tuple[object, LocalIndex] | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        #: The last failure's message (None: the last round went through).
        self.error: str | None = None
        self._told: str | None = None  # the failure the front end was last told of

    def follow_settings(self) -> None:
        """The library folders changed: name their items as the settings now say."""
        self.journal.names = names_of(self.library.settings.roots)
        self._index = None

    # -- the database -----------------------------------------------------------------
    def database(self) -> SharedDatabase:
        if self._database is None:
            self._database = _shared_module().SharedDatabase(self.url, self.box)
        return self._database

    def sync(self) -> SyncResult:
        """Deliver what is queued, then read and apply other boxes' changes. Raises
        ``SharedUnavailable`` or ``SchemaTooNew`` (the queue stays as it was)."""
        with self._lock:
            try:
                result = self._round()
            except KinoError as error:
                self.error = str(error)
                self._save_state(error=str(error))
                raise
            self.error = None
            return result

    def _deliver(self, database: SharedDatabase, batch: list[dict[str, Any]]) -> None:
        """Deliver a batch; when the database refuses a change itself, the others one by
        one, and a line for each refused (it stays in this box's files, never blocks the
        queue)."""
        try:
            database.deliver(batch)
            return
        except ChangeRefused:
            pass
        for change in batch:
            try:
                database.deliver([change])
            except ChangeRefused as refused:
                where = change.get("path") or change.get("key")
                self.queue.warn(
                    f"the shared database refused a change of {change['kind']} for "
                    f"{where} ({refused}); it stays on this box only"
                )

    def sync_quietly(self) -> str | None:
        """:meth:`sync`, or a line saying why not and what stays queued."""
        try:
            self.sync()
        except KinoError as error:
            queued = len(self.queue.pending())
            return f"{error} ({queued} change{'s' if queued != 1 else ''} queued)"
        return None

    def _round(self) -> SyncResult:
        database = self.database()
        database.connection()
        state = SyncState.read(self.state_path)
        assert database.state is not None
        if state.database_id != database.state.database_id:
            state = SyncState(database_id=database.state.database_id)  # another database
        result = SyncResult()
        everything = state.last_seq == 0  # this round reads every record there is
        catalog = str(self.library.catalog_signature())  # before reading: a scan meanwhile
        # makes the next round match again
        pending = self.queue.pending()
        for batch in batches(pending, BATCH):
            self._deliver(database, batch)
            self.queue.drop(int(batch[-1]["n"]))
            result.delivered += len(batch)
        while True:
            pulled = database.changes_since(state.last_seq)
            if not pulled:
                break
            result.received += len(pulled.progress) + len(pulled.history) + len(pulled.tracks)
            result.applied += self._apply(pulled)
            state.last_seq = pulled.last_seq
        if catalog != state.catalog and not everything:  # items new here: their records
            # went by before this catalog had them
            index = self.index()
            keys = [(key.library, key.path) for key in index.by_key]
            fingerprints = [f for f, item in index.by_fingerprint.items() if item is not None]
            result.applied += self._apply(database.records_for(keys, fingerprints))
        state.catalog = catalog
        state.last_sync = datetime.now(UTC).isoformat(timespec="seconds")
        state.last_error = None
        state.write(self.state_path)
        return result

    def _save_state(self, error: str) -> None:
        state = SyncState.read(self.state_path)
        state.last_error = error
        with contextlib.suppress(OSError):  # a cache; the message still reaches the caller
            state.write(self.state_path)

    # -- applying other boxes' changes --------------------------------------------------
    def index(self) -> LocalIndex:
        """This box's items by shared key (built again when the catalog changed)."""
        signature = self.library.catalog_signature()
        if self._index is None or self._index[0] != signature:
            data, _ = self.library.catalog.load_or_recover()
            names = names_of(self.library.settings.roots)
            self._index = (signature, LocalIndex(data.items.values(), names))
        return self._index[1]

    def _apply(self, pulled: Pulled) -> int:
        index = self.index()
        updates: list[tuple[MediaItem, dict[str, dict[str, Any]]]] = []
        for row in pulled.progress:
            item = index.find(row["library"], row["path"], row["fingerprint"], row["ids"] or {})
            if item is None:
                continue  # not in this catalog (yet): matched again once it changes (_round)
            groups = {
                group: {column: row[column] for column in columns}
                for group, columns in FIELD_GROUPS.items()
                if row[f"{group}_at"] is not None
            }
            updates.append((item, groups))
        applied = self.library.watch.apply_shared(updates)
        plays = []
        for row in pulled.history:
            entry = dict(row["entry"])
            item = index.find(row["library"], row["path"], None, {})
            entry["id"] = item.id if item is not None else None
            entry["path"] = item.path if item else index.local_path(row["library"], row["path"])
            entry["uid"] = row["uid"]
            entry["box"] = row["box"]
            plays.append(entry)
        applied += self.library.watch.add_shared_history(plays)
        choices: dict[str, TrackChoice] = {}
        pending = self.queue.pending_tracks()
        for row in pulled.tracks:
            if row["key"] in pending:
                continue
            key = self._local_track_key(row["key"], index)
            if key is not None:
                try:
                    choices[key] = TrackChoice.from_dict(row["choice"])
                except ValueError:
                    continue  # written by a newer kino in a form this one does not know
        applied += self.library.track_choices.apply_shared(choices)
        return applied

    def _local_track_key(self, key: str, index: LocalIndex) -> str | None:
        if not key.startswith(PATH_KEY):
            return key
        library, _, path = key[len(PATH_KEY) :].partition("/")
        item = index.find(library, path, None, {})
        return f"item:{item.id}" if item is not None else None

    # -- the background thread (an open kino) -------------------------------------------
    def start(self) -> None:
        """Sync now and whenever another box changes something, on a thread, until
        :meth:`stop` (a second call does nothing)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._follow, name="kino-shared", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _follow(self) -> None:
        delay = RETRY_SECONDS[0]
        listener: Any = None
        while not self._stop.is_set():
            try:
                self.sync()
                if listener is None:
                    listener = _shared_module().Listener(self.url)
                    self.sync()  # what came between the first round and LISTEN
                delay = RETRY_SECONDS[0]
                self._wait(listener)
            except KinoError:
                if listener is not None:
                    listener.close()
                    listener = None
                self._stop.wait(delay)
                delay = min(delay * 2, RETRY_SECONDS[1])
            except Exception as error:  # never let the thread die silently
                self.error = f"shared watch state: {error!r}"
                self._stop.wait(RETRY_SECONDS[1])
        if listener is not None:
            listener.close()

    def _wait(self, listener: Any) -> None:
        """Until another box notifies a change, this box queues one, or the poll is due
        (a second at a time, so a local change goes out within a second)."""
        deadline = time.monotonic() + POLL_SECONDS
        while not self._stop.is_set() and time.monotonic() < deadline:
            if listener.wait(1.0) or self.queue.pending():
                return

    def news(self) -> tuple[str, bool] | None:
        """The failure since the last call (True), or that the link is back (False)."""
        error = self.error
        if error == self._told:
            return None
        self._told = error
        if error is not None:
            return f"{error} ({len(self.queue.pending())} queued here)", True
        return "the shared database is reachable again; queued changes were sent", False

    # -- status and the first push ------------------------------------------------------
    def status(self) -> SharedStatus:
        """Reach the database (sending what is queued and reading what changed) and say
        how it stands."""
        from kino_tui.core.watch.urls import redact  # `kino shared status` only

        error = None
        counts: dict[str, int] = {}
        version = None
        try:
            self.sync()
            database = self.database()
            counts = database.counts()
            version = database.state.version if database.state else None
        except KinoError as failure:
            error = str(failure)
        state = SyncState.read(self.state_path)
        return SharedStatus(
            database=redact(self.url),
            box=self.box,
            reachable=error is None,
            queued=len(self.queue.pending()),
            last_sync=state.last_sync,
            error=error,
            schema_version=version,
            counts=counts,
        )

    def push_all(self) -> SyncResult:
        """``kino shared push``: every local watch record, history line and track choice
        into the database, each stamped with when it was last changed here (a record's
        last play; a play's end), so nothing newer there is overwritten."""
        data, _ = self.library.catalog.load_or_recover()
        names = names_of(self.library.settings.roots)
        changes: list[dict[str, Any]] = []
        progress = self.library.watch.all()
        fallback = _file_time(self.library.paths.watch_file)
        for item_id, record in progress.items():
            item = data.items.get(item_id)
            key = key_for(item, names) if item is not None else None
            if item is None or key is None:
                continue
            at = iso_time(record.last_played) or fallback
            changes.append(self._pushed_progress(item, record, at))
        for play in self.library.watch.history():
            item = data.items.get(play.get("id") or "")
            key = key_for(item, names) if item is not None else None
            if key is None:
                continue
            play.setdefault("box", self.box)
            play.setdefault("uid", history_uid(self.box, play))
            changes.append(
                self.journal.history_entry(key, play, iso_time(play.get("ended_at")) or fallback)
            )
        tracks_time = _file_time(self.library.track_choices.path)
        for choice_key, choice in self.library.track_choices.all().items():
            item = data.items.get(choice_key[5:]) if choice_key.startswith("item:") else None
            shared = self.journal.shared_track_key(choice_key, item)
            if shared is not None:
                changes.append({"kind": "tracks", "key": shared, "choice": choice.to_dict(),
                                "at": tracks_time, "box": self.box})  # fmt: skip
        self.queue.append(changes)
        return self.sync()

    def _pushed_progress(self, item: MediaItem, record: Progress, at: str) -> dict[str, Any]:
        key = key_for(item, self.journal.names)
        assert key is not None
        entry = self.journal.progress_entry(item, key, _all_groups(record), at)
        entry["ids"] = provider_ids(item)
        return entry


def _shared_module() -> Any:
    """core/watch/shared.py, which imports psycopg (the ``kino-tui[shared]`` extra):
    imported on first use, and a line saying how to install it when it is missing."""
    try:
        from kino_tui.core.watch import shared
    except ImportError as error:
        raise SharedUnavailable(
            f"[shared] database is set but the PostgreSQL driver is missing ({error}): "
            "install it with pip install 'kino-tui[shared]' (with scripts/install.sh: "
            "~/.local/share/kino-app/bin/pip install 'psycopg[binary]')"
        ) from None
    return shared


def _all_groups(record: Progress) -> dict[str, dict[str, Any]]:
    return {
        group: {column: getattr(record, column) for column in columns}
        for group, columns in FIELD_GROUPS.items()
    }


def _file_time(path: Any) -> str:
    try:
        seconds = path.stat().st_mtime
    except OSError:
        seconds = time.time()
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="microseconds")
