"""What the last scans of each root found: when they ran and the problems they met.

A scan reports problems only for what it read (an incremental scan does not read an
unchanged folder again), so the record keeps earlier problems that still stand: a
file problem while the file is there, unchanged, and its folder was not read again;
a folder problem (unreadable, a link not followed) until a scan that listed that
place again no longer reports it. Stored in ``scans.json`` beside the catalog,
replaced atomically under the catalog's lock; a damaged file is simply started afresh
(it holds nothing that a scan does not find again).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from kino_tui.core.catalog.storage import dumps, loads
from kino_tui.core.fsutil import atomic_write_bytes, file_lock
from kino_tui.core.models import Problem
from kino_tui.core.pathnames import is_under


@dataclass(frozen=True, slots=True)
class RootScan:
    """The last scan of one root: when it ended (ISO time, UTC) and the problems known."""

    scanned_at: str | None
    problems: tuple[Problem, ...] = ()


def _stamp(path: str) -> int | None:
    """A file's modification time (ns), None for a folder or a missing path."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return None if os.path.isdir(path) else status.st_mtime_ns


class ScanRecords:
    """``scans.json``: root → last scan time and its standing problems."""

    def __init__(
        self, path: Path, lock: Callable[[], AbstractContextManager[None]] | None = None
    ) -> None:
        self.path = path
        own_lock = path.with_name(path.name + ".lock")
        #: What writers hold: the catalog's lock (scans take it anyway), or a lock file.
        self.lock = lock or (lambda: file_lock(own_lock, guards=path))

    def read(self) -> dict[str, RootScan]:
        raw = self._raw()
        records = {}
        for root, entry in raw.items():
            problems = tuple(Problem(str(p[0]), str(p[1])) for p in _stored(entry))
            scanned = entry.get("scanned_at")
            records[root] = RootScan(scanned if isinstance(scanned, str) else None, problems)
        return records

    def _raw(self) -> dict[str, dict[str, object]]:
        try:
            data = loads(self.path.read_bytes())
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {str(k): v for k, v in data.items() if isinstance(v, dict)}

    def record(
        self,
        roots: Sequence[str],
        problems: Iterable[Problem],
        scanned_at: str,
        read: dict[str, list[str]] | None = None,
        stopped: bool = False,
    ) -> None:
        """Record a scan of ``roots`` and the ``problems`` it reported. ``read`` limits it
        to those folders by root (a limited scan); a stopped scan keeps earlier problems."""
        found = list(problems)
        with self.lock():
            raw = self._raw()
            for root in roots:
                if read is not None and root not in read:
                    continue  # a limited scan that did not reach this root
                tops = read[root] if read is not None else [root]
                mine = [p for p in found if is_under(p.path, root)]
                new_paths = {p.path for p in mine}
                kept = [
                    p
                    for p in _stored(raw.get(root, {}))
                    if p[0] not in new_paths and _still_stands(p, tops, stopped)
                ]
                entry = [[p.path, p.message, _stamp(p.path)] for p in mine]
                raw[root] = {"scanned_at": scanned_at, "problems": kept + entry}
            with contextlib.suppress(OSError):
                self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(self.path, dumps(raw))

    def forget(self, root: str) -> None:
        """Drop a root's record (the root was removed from the library)."""
        with self.lock():
            raw = self._raw()
            if raw.pop(root, None) is not None:
                atomic_write_bytes(self.path, dumps(raw))


def _stored(entry: object) -> list[list[object]]:
    problems = entry.get("problems", []) if isinstance(entry, dict) else []
    return [p for p in problems if isinstance(p, list) and len(p) == 3]


def _still_stands(problem: list[object], tops: Sequence[str], stopped: bool) -> bool:
    """Whether an earlier problem holds after a scan that read (or listed) ``tops``."""
    path, stamp = str(problem[0]), problem[2]
    if stopped:
        return True
    if stamp is None:  # a folder problem: the scan listed it again and did not report it
        return not any(is_under(path, top) for top in tops)
    # A file problem: the file is there and unchanged (its folder, unchanged, was not read).
    return _stamp(path) == stamp
