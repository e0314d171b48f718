"""Library folders: list, add (checked), remove (watch progress kept), retype."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kino_tui import config
from kino_tui.core.errors import ConfigError
from kino_tui.core.models import LibraryRoot, RootType

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kino_tui.service.library import Library


@dataclass(frozen=True, slots=True)
class RootStatus:
    """A library folder as ``kino roots`` and the UI show it."""

    path: str
    type: RootType
    online: bool


def statuses(library: Library) -> list[RootStatus]:
    return [
        RootStatus(root.path, root.type, os.path.isdir(root.path))
        for root in library.settings.roots
    ]


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
    return config.normalise_root(expanded)


def add(
    library: Library,
    folders: Sequence[str],
    root_type: RootType | None,
    *,
    interactive: bool = False,
) -> list[LibraryRoot]:
    chosen = [check_folder(f) for f in folders] if interactive else list(folders)
    changed = config.add_roots(library.paths.config_file, chosen, root_type)
    library.reload_settings()
    return changed


def remove(library: Library, folder: str) -> tuple[str, int]:
    path = config.normalise_root(folder)
    if not config.remove_root(library.paths.config_file, path):
        raise ConfigError(f"{path} is not a library folder (see `kino roots`)")
    library.reload_settings()
    return path, forget_items(library, path)


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
    path = config.normalise_root(folder)
    if not config.set_root_type(library.paths.config_file, path, root_type):
        raise ConfigError(f"{path} is not a library folder (see `kino roots`)")
    library.reload_settings()
    return LibraryRoot(path, root_type)
