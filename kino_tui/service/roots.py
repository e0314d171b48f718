"""Library folders: list (with counts, last scan and problems), add (checked), remove
(watch progress kept), retype, rescan one."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from kino_tui.config import roots_file
from kino_tui.core.errors import CatalogDamaged, ConfigError
from kino_tui.core.models import LibraryRoot, Problem, RootType
from kino_tui.core.pathnames import normalise_root
from kino_tui.core.scan.record import ScanRecords

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kino_tui.config.paths import KinoPaths
    from kino_tui.service.library import Library


@dataclass(frozen=True, slots=True)
class RootStatus:
    """A library folder as ``kino roots`` and the UI show it."""

    path: str
    type: RootType
    online: bool
    #: Items by kind ("movie": 12, "episode": 40…), from the catalog (``details`` only).
    counts: dict[str, int] = field(default_factory=dict)
    #: When its last scan ended (ISO time, UTC), None when it was never scanned.
    scanned_at: str | None = None
    #: Unreadable folders, damaged files, bad NFOs: each with its full path and reason.
    problems: tuple[Problem, ...] = ()
    #: How kino follows its changes ("watched for changes", "on a network mount…").
    following: str = ""

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def scan_records(library: Library) -> ScanRecords:
    return ScanRecords(library.paths.data_dir / "scans.json", library.catalog.lock)


def details_signature(library: Library) -> object:
    """Changes whenever :func:`statuses` with ``details`` may say something new: the
    catalog or the scan record was saved, or the roots changed."""
    try:
        recorded: int | None = scan_records(library).path.stat().st_mtime_ns
    except OSError:
        recorded = None
    from kino_tui.service.following import (
        catalog_signature,
    )  # following loads the walker: only for the folders' details

    return (catalog_signature(library), recorded, config_signature(library.paths))


def config_signature(paths: KinoPaths) -> tuple[int, int, int] | None:
    """config.toml as it is on disk (another shell's `kino add` changes it)."""
    try:
        stat = paths.config_file.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


def follow_config(library: Library) -> None:
    """Read the settings again when config.toml changed since they were read (a folder
    added, removed or retyped from another shell); a file being edited that does not
    read keeps the settings as they were (and is read again when it changes next)."""
    if config_signature(library.paths) == library.settings_read:
        return
    previous = library.settings
    try:
        library.reload_settings()
    except ConfigError:
        library.settings = previous


def statuses(library: Library, details: bool = False) -> list[RootStatus]:
    """Every root and whether it is there; with ``details`` also its items by kind, its
    last scan and its problems (reads the catalog: call it off the UI thread)."""
    if details:
        follow_config(library)
    roots = library.settings.roots
    if not details:
        return [RootStatus(root.path, root.type, os.path.isdir(root.path)) for root in roots]
    counts, damaged = _catalog_facts(library)
    records = scan_records(library).read()
    from kino_tui.service.following import follow_plans  # as above

    plans = {plan.root.path: plan.why for plan in follow_plans(library)}
    found = []
    for root in roots:
        record = records.get(root.path)
        problems = list(record.problems) if record is not None else []
        known = {p.path for p in problems}
        problems += [p for p in damaged.get(root.path, []) if p.path not in known]
        found.append(
            RootStatus(
                root.path,
                root.type,
                os.path.isdir(root.path),
                counts.get(root.path, {}),
                record.scanned_at if record is not None else None,
                tuple(sorted(problems, key=lambda p: p.path)),
                plans.get(root.path, ""),
            )
        )
    return found


def _catalog_facts(library: Library) -> tuple[dict[str, dict[str, int]], dict[str, list[Problem]]]:
    """Items by root and kind, and the damaged files (items whose reading failed) by root."""
    counts: dict[str, dict[str, int]] = {}
    damaged: dict[str, list[Problem]] = {}
    try:  # a damaged catalog is set aside by the next load or scan, which say so
        packed = library.catalog.read()
        for document in packed.documents:
            kinds = counts.setdefault(document.root, {})
            kinds[document.kind] = kinds.get(document.kind, 0) + sum(document.folders().values())
            for item in document.items():
                if item.error:
                    damaged.setdefault(document.root, []).append(Problem(item.path, item.error))
    except CatalogDamaged:
        return {}, {}
    return counts, damaged


def check_folder(folder: str) -> str:
    """An absolute path to an existing, readable folder, or a ``ConfigError`` saying why not
    (for a path typed into the UI, where there is no working folder to be relative to)."""
    text = folder.strip()
    if not text:
        raise ConfigError("type the folder's path first")
    expanded = os.path.expanduser(text)
    if not os.path.isabs(expanded):
        raise ConfigError(f"{text} is not an absolute path: start it with / (or ~/ for your home)")
    if not os.path.exists(expanded):
        raise ConfigError(f"{text} does not exist: check the spelling, or mount the drive first")
    if not os.path.isdir(expanded):
        raise ConfigError(f"{text} is a file, not a folder")
    if not os.access(expanded, os.R_OK | os.X_OK):
        raise ConfigError(f"{text} cannot be read by you: check its permissions")
    return normalise_root(expanded)


@dataclass(frozen=True, slots=True)
class FolderAdded:
    """What adding a folder did, by the one rule both front ends follow: a new folder is
    added (also one not there now: a drive or share not mounted yet is kept and scanned
    when it appears); a folder already in the library keeps its type unless a change of
    type was asked for (``kino add --type``, the Library folders screen); a file or an
    unreadable folder is refused."""

    root: LibraryRoot
    outcome: Literal["added", "retyped", "known"]
    online: bool = True

    @property
    def message(self) -> str:
        where = f"{self.root.path} ({self.root.type})"
        if self.outcome == "known":
            return (
                f"{where} is already in the library: nothing changed (change its type with "
                "`kino add --type TYPE PATH`, or t in Library folders, L)"
            )
        done = f"added {where}" if self.outcome == "added" else f"{where}: type changed"
        if not self.online:
            done += (
                "; it is not there now (a drive or share not mounted yet?): kept, and "
                "scanned when it appears"
            )
        return done


def add_folder(
    library: Library,
    folder: str,
    root_type: RootType | None = None,
    *,
    retype: bool = False,
    interactive: bool = False,
) -> FolderAdded:
    """Add one folder by the rule of :class:`FolderAdded`. ``interactive``: a path typed
    into a dialog, which must be absolute (there is no working folder it could be
    relative to)."""
    text = folder.strip()
    if not text:
        raise ConfigError("type the folder's path first")
    expanded = os.path.expanduser(text)
    if interactive and not os.path.isabs(expanded):
        raise ConfigError(f"{text} is not an absolute path: start it with / (or ~/ for your home)")
    path = normalise_root(expanded)
    online = os.path.exists(path)
    if online and not os.path.isdir(path):
        raise ConfigError(f"{text} is a file, not a folder")
    if online and not os.access(path, os.R_OK | os.X_OK):
        raise ConfigError(f"{text} cannot be read by you: check its permissions")
    known = {root.path: root for root in library.settings.roots}
    if path in known and not (retype and root_type and root_type != known[path].type):
        return FolderAdded(known[path], "known", online)
    (changed,) = roots_file.add_roots(library.paths.config_file, [path], root_type) or [
        LibraryRoot(path, root_type or "mixed")
    ]
    library.reload_settings()
    return FolderAdded(changed, "retyped" if path in known else "added", online)


def add(
    library: Library,
    folders: Sequence[str],
    root_type: RootType | None,
    *,
    interactive: bool = False,
) -> list[LibraryRoot]:
    chosen = [check_folder(f) for f in folders] if interactive else list(folders)
    changed = roots_file.add_roots(library.paths.config_file, chosen, root_type)
    library.reload_settings()
    return changed


def remove(library: Library, folder: str) -> tuple[str, int]:
    path = normalise_root(folder)
    if not roots_file.remove_root(library.paths.config_file, path):
        raise ConfigError(f"{path} is not a library folder (see `kino roots`)")
    library.reload_settings()
    forgotten = forget_items(library, path)
    scan_records(library).forget(path)
    return path, forgotten


def forget_items(library: Library, root_path: str) -> int:
    """Drop a root's items from the catalog (watch state is kept); return how many."""
    catalog = library.catalog
    with catalog.lock():
        data, _ = catalog.load_or_recover()
        doomed = [item.id for item in data.items.values() if item.root == root_path]
        for item_id in doomed:
            del data.items[item_id]
        data.folders = {
            path: key
            for path, key in data.folders.items()
            if not (path == root_path or path.startswith(root_path + "/"))
        }
        catalog.save(data)
    return len(doomed)


def set_type(library: Library, folder: str, root_type: RootType) -> LibraryRoot:
    path = normalise_root(folder)
    if not roots_file.set_root_type(library.paths.config_file, path, root_type):
        raise ConfigError(f"{path} is not a library folder (see `kino roots`)")
    library.reload_settings()
    return LibraryRoot(path, root_type)
