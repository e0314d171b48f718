"""The ``[[roots]]`` tables of ``config.toml``, edited in place with tomlkit (comments and
layout kept, atomic writes): add (no overlaps), retype, remove.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kino_tui.config.load import load_settings
from kino_tui.core.errors import RootOverlap
from kino_tui.core.fsutil import atomic_write_bytes
from kino_tui.core.models import LibraryRoot, RootType
from kino_tui.core.pathnames import is_under, normalise_root

if TYPE_CHECKING:  # tomlkit is imported when a config is edited, not at every start
    import tomlkit  # only when the file is edited (see the top)


def _load_document(path: Path) -> tomlkit.TOMLDocument:
    import tomlkit  # only when the file is edited (see the top)

    load_settings(path)  # refuse to edit a file we cannot read
    try:
        return tomlkit.parse(path.read_text("utf-8"))
    except FileNotFoundError:
        return tomlkit.document()


def _save_document(path: Path, document: tomlkit.TOMLDocument) -> None:
    import tomlkit  # only when the file is edited (see the top)

    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, tomlkit.dumps(document).encode("utf-8"))


def _entry_path(entry: Any) -> str:
    """A ``[[roots]]`` entry's path (a plain string in ``roots = ["..."]``)."""
    return normalise_root(entry if isinstance(entry, str) else entry["path"])


def _root_tables(document: tomlkit.TOMLDocument) -> tomlkit.items.AoT:
    """The ``[[roots]]`` array of tables, made one if the file has none (or wrote
    ``roots = [...]`` inline: that becomes ``[[roots]]`` tables at the end)."""
    import tomlkit  # only when the file is edited (see the top)

    roots = document.get("roots")
    if isinstance(roots, tomlkit.items.AoT):
        return roots
    tables = tomlkit.aot()
    for entry in roots or ():
        table = tomlkit.table()
        if isinstance(entry, str):
            table["path"] = entry
        else:
            for key, value in entry.items():
                table[key] = value
        tables.append(table)
    if roots is not None:
        del document["roots"]
    document.append("roots", tables)
    return tables


def _overlap(folder: str, other: str) -> str | None:
    """How two different normalised folders overlap: ``"alias"`` (one folder under two
    names), ``"inside"`` (folder is below other), ``"contains"``, or None. Both the paths
    as written and their real paths (symlinks resolved) are compared."""
    real, other_real = os.path.realpath(folder), os.path.realpath(other)
    if real == other_real:
        return "alias"
    if (folder != other and is_under(folder, other)) or (
        real != other_real and is_under(real, other_real)
    ):
        return "inside"
    if (other != folder and is_under(other, folder)) or (
        other_real != real and is_under(other_real, real)
    ):
        return "contains"
    return None


def _check_no_overlap(new: list[str], existing: list[str]) -> None:
    for index, folder in enumerate(new):
        for other in new[:index] + new[index + 1 :]:
            relation = _overlap(folder, other)
            if relation == "inside":
                raise RootOverlap(
                    f"{folder} is inside {other}, which is added too: add only {other}, "
                    f"or add {folder} without it"
                )
            if relation == "alias" and index > new.index(other):
                raise RootOverlap(
                    f"{folder} and {other} are the same folder under two names (a symlink): "
                    "add only one of them"
                )
        if folder in existing:
            continue  # already a root: its type may change
        for root in existing:
            relation = _overlap(folder, root)
            if relation == "alias":
                raise RootOverlap(
                    f"{folder} is the library folder {root} under another name (a symlink): "
                    f"use {root}, or remove it first"
                )
            if relation == "inside":
                raise RootOverlap(
                    f"{folder} is inside the library folder {root}, which already includes it: "
                    f"remove {root} first to add {folder} on its own, or scan {root} instead"
                )
            if relation == "contains":
                raise RootOverlap(
                    f"{folder} contains the library folder {root}: remove {root} first, "
                    f"then add {folder} (it will include {root})"
                )


def add_roots(
    path: Path, folders: list[str], root_type: RootType | None = None
) -> list[LibraryRoot]:
    """Add library folders to the config at ``path``; return the roots added or whose
    type changed (a folder already there with the same type is not returned).

    ``root_type`` None keeps the type of a folder that is already a root and gives new
    ones ``"mixed"``; a type given is set on every folder, new or not. Folders are
    normalised (:func:`normalise_root`) first. A folder inside, above, or (through a
    symlink) the same as an existing root, or two given folders nested in each other,
    raise :class:`RootOverlap` (a :class:`ConfigError`) and nothing is saved. The file
    is written only when something changed; its comments and layout are kept.
    """
    import tomlkit  # only when the file is edited (see the top)

    requested = list(dict.fromkeys(normalise_root(folder) for folder in folders))
    document = _load_document(path)
    current = document.get("roots") or []
    existing = {_entry_path(entry): entry for entry in current}
    _check_no_overlap(requested, list(existing))
    changed: list[LibraryRoot] = []
    for folder in requested:
        entry = existing.get(folder)
        if entry is None:
            chosen: RootType = root_type or "mixed"
            table = tomlkit.table()
            table["path"] = folder
            table["type"] = chosen
            _root_tables(document).append(table)
            changed.append(LibraryRoot(folder, chosen))
        elif root_type is not None and _entry_type(entry) != root_type:
            _retype(document, folder, root_type)
            changed.append(LibraryRoot(folder, root_type))
    if changed:
        _save_document(path, document)
    return changed


def _entry_type(entry: Any) -> str:
    return "mixed" if isinstance(entry, str) else str(entry.get("type", "mixed"))


def _retype(document: tomlkit.TOMLDocument, folder: str, root_type: RootType) -> bool:
    """Set the type of the root ``folder``; False when it is not a root."""
    for table in _root_tables(document) if document.get("roots") else ():
        if _entry_path(table) == folder:
            table["type"] = root_type
            return True
    return False


def set_root_type(path: Path, folder: str, root_type: RootType) -> bool:
    """Change the type of the library folder ``folder`` (normalised first); False when it
    is not a library folder (the file is then left as it is). True also when it already
    had that type; the file is written only when the type changed."""
    normalised = normalise_root(folder)
    document = _load_document(path)
    entry = next((e for e in document.get("roots") or () if _entry_path(e) == normalised), None)
    if entry is None:
        return False
    if _entry_type(entry) != root_type:
        _retype(document, normalised, root_type)
        _save_document(path, document)
    return True


def remove_root(path: Path, folder: str) -> bool:
    """Remove a library folder from the config; False when it was not a root."""
    import tomlkit  # only when the file is edited (see the top)

    document = _load_document(path)
    roots = document.get("roots")
    if not roots:
        return False
    normalised = normalise_root(folder)
    keep = [entry for entry in roots if _entry_path(entry) != normalised]
    if len(keep) == len(roots):
        return False
    new_roots = tomlkit.aot()
    for table in _root_tables(document):
        if _entry_path(table) != normalised:
            new_roots.append(table)
    document["roots"] = new_roots
    _save_document(path, document)
    return True
