"""Paths as strings: whether one is under a folder, and a path's folder.

Library paths are compared as text (as the catalog stores them, without resolving
links), on ``/`` boundaries: ``/a/bc`` is not under ``/a/b``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable


def is_under(path: str, folder: str) -> bool:
    """True when ``path`` is ``folder`` or below it."""
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def is_under_any(path: str, folders: Iterable[str]) -> bool:
    return any(is_under(path, folder) for folder in folders)


def parent_folder(path: str) -> str:
    """The folder holding ``path`` (``/`` for a path at the top)."""
    return path.rpartition("/")[0] or "/"


def normalise_root(path: str | os.PathLike[str]) -> str:
    """An absolute, user-expanded path without a trailing slash (symlinks kept)."""
    return os.path.abspath(os.path.expanduser(os.fspath(path)))


def folder_choices(text: str) -> list[str]:
    """The folders whose names start with the last part of a typed path (hidden ones only
    when it starts with a dot), sorted; [] when it is not an absolute path or its folder
    cannot be read."""
    expanded = os.path.expanduser(text)
    folder, _, start = expanded.rpartition("/")
    if not expanded.startswith("/"):
        return []  # relative to nothing kino knows
    try:
        with os.scandir(folder or "/") as entries:
            return sorted(
                entry.name
                for entry in entries
                if entry.name.startswith(start)
                and (start.startswith(".") or not entry.name.startswith("."))
                and entry.is_dir()
            )
    except OSError:
        return []


def complete_path(text: str) -> str:
    """A typed folder path completed as a shell completes it: the last part extended to
    the only folder it starts (with a ``/`` after it), or to the longest start several
    share; the text itself when nothing is to add, or when it names a whole folder
    already. ``~`` is kept as typed."""
    names = folder_choices(text)
    start = os.path.expanduser(text).rpartition("/")[2]
    if not names or names == [start]:
        return text  # nothing starts so, or it is a whole folder's name already
    common = os.path.commonprefix(names)  # noqa: RUF071  (names: the letters they share)
    return text + common[len(start) :] + ("/" if len(names) == 1 else "")
