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
