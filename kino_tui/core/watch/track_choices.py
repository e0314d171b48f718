"""``tracks.json``: the audio and subtitle choices the user made, per show and per movie.

A sibling of the watch store with the same habits: every change is a locked
read-modify-write (``tracks.json.lock``) written atomically; a damaged file (not JSON,
or the wrong shape) is moved aside as ``tracks.json.damaged-<time>`` with a line saying
so (:meth:`TrackChoiceStore.take_warnings`), and kino goes on without the choices.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kino_tui.core.errors import DataFileUnreadable, KinoError
from kino_tui.core.fsutil import (
    atomic_write_bytes,
    clean_stale_temporaries,
    file_lock,
    set_aside,
    unwritable,
)
from kino_tui.core.play.tracks import TrackChoice

if TYPE_CHECKING:
    from kino_tui.core.models import MediaItem
    from kino_tui.core.watch.journal import Journal

LOCK_TIMEOUT = 30.0
_VERSION = 1


class TrackChoiceStore:
    """Remembered track choices keyed by :func:`~kino_tui.core.play.tracks.choice_key`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock_path = path.with_name(path.name + ".lock")
        self._unreported: list[str] = []
        self._warnings_lock = threading.Lock()
        self._said: set[str] = set()
        #: With ``[shared] database``: queues each choice for the shared store.
        self.journal: Journal | None = None
        clean_stale_temporaries(path)

    def take_warnings(self) -> list[str]:
        """Lines about damaged files set aside since the last call."""
        with self._warnings_lock:
            lines, self._unreported = self._unreported, []
        return lines

    def get(self, key: str) -> TrackChoice | None:
        """The choice remembered under ``key``, if any (read without the lock: every
        write replaces the file whole)."""
        choices = self._read(locked=False)
        return choices.get(key)

    def all(self) -> dict[str, TrackChoice]:
        return self._read(locked=False)

    def remember(
        self, key: str, choice: TrackChoice, item: MediaItem | None = None
    ) -> TrackChoice:
        """Merge ``choice`` into what is remembered under ``key`` (audio and subtitles
        apart: choosing subtitles keeps the audio chosen before) and save; the result.
        ``item`` (the one chosen for) names a movie's choice in the shared store."""
        with file_lock(self.lock_path, timeout=LOCK_TIMEOUT, guards=self.path):
            choices = self._read(locked=True)
            merged = choices[key].merged(choice) if key in choices else choice
            choices[key] = merged
            if self.journal is not None:
                self.journal.tracks_chosen(key, merged.to_dict(), item)
            self._write(choices)
        return merged

    def apply_shared(self, choices: dict[str, TrackChoice]) -> int:
        """Other boxes' choices (the later one won in the shared store), except where a
        choice of this box is still queued; how many changed."""
        if not choices:
            return 0
        pending = self.journal.queue.pending_tracks() if self.journal is not None else set()
        with file_lock(self.lock_path, timeout=LOCK_TIMEOUT, guards=self.path):
            current = self._read(locked=True)
            changed = {
                key: choice
                for key, choice in choices.items()
                if current.get(key) != choice and key not in pending
            }
            if changed:
                self._write({**current, **changed})
        return len(changed)

    def _write(self, choices: dict[str, TrackChoice]) -> None:
        document = {
            "version": _VERSION,
            "choices": {name: value.to_dict() for name, value in sorted(choices.items())},
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self.path, json.dumps(document, indent=1).encode("utf-8"))

    def _read(self, locked: bool) -> dict[str, TrackChoice]:
        """The choices on disk. A damaged file is looked at again under the lock (a
        writer may have replaced it) and set aside there. A reader (``locked`` False)
        never raises: a file it cannot read, or a damaged one it cannot move aside, is
        a warning line and no choices (a play goes on with the preferences); a writer
        raises, so such a file is never overwritten."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as error:
            failure = DataFileUnreadable(self.path, error.strerror or str(error))
            if locked:
                raise failure from error
            self._warn_once(f"{failure}: the audio and subtitle choices are not used")
            return {}
        try:
            return _parse(data)
        except ValueError as damage:
            if locked:
                self._set_aside(str(damage))
                return {}
            try:
                with file_lock(self.lock_path, timeout=LOCK_TIMEOUT, guards=self.path):
                    return self._read(locked=True)
            except (KinoError, OSError) as failure:
                self._warn_once(
                    f"{self.path} is damaged ({damage}) and could not be moved aside "
                    f"({failure}): the audio and subtitle choices are not used; move it away"
                )
                return {}

    def _warn_once(self, line: str) -> None:
        with self._warnings_lock:
            if line not in self._said:
                self._said.add(line)
                self._unreported.append(line)

    def _set_aside(self, reason: str) -> None:
        try:
            backup = set_aside(self.path)
        except OSError as error:
            raise unwritable(self.path, error) from error
        line = (
            f"{self.path} was damaged ({reason}). It was kept as {backup} and kino started "
            "a new one; the audio and subtitle choices it held are not used."
        )
        with self._warnings_lock:
            self._unreported.append(line)


def _parse(data: bytes) -> dict[str, TrackChoice]:
    """The choices in a ``tracks.json``; ValueError (saying what is wrong) when damaged."""
    try:
        document: Any = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"not JSON: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("choices"), dict):
        raise ValueError("not an object with a choices table")
    choices = {}
    for key, value in document["choices"].items():
        if not isinstance(value, dict):
            raise ValueError(f"the choice for {key!r} is not an object")
        try:
            choices[key] = TrackChoice.from_dict(value)
        except ValueError as error:
            raise ValueError(f"the choice for {key!r} is wrong: {error}") from None
    return choices
