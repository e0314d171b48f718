"""How an item is known across boxes: its library folder's name and its path inside it.

The same share mounted at ``/mnt/nas/Media`` on one box and ``/srv/Media`` on another is
one library, ``Media`` (or the ``name = "…"`` of its ``[[roots]]`` table). A file that
moved or was renamed is found again by its content fingerprint, then by a provider id
(IMDb, TMDB…) that only one local item carries.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kino_tui.core.models import LibraryRoot, MediaItem


@dataclass(frozen=True, slots=True)
class SharedKey:
    """An item's name in the shared database."""

    library: str
    path: str


def library_name(root: LibraryRoot) -> str:
    """The name other boxes know this library folder by."""
    return root.name or os.path.basename(root.path.rstrip("/")) or root.path


def text_of(path: str) -> str:
    """A path as database text: valid UTF-8 always (a name that is not UTF-8 keeps its
    bytes as ``\\xNN`` escapes, the same on every box)."""
    raw = path.encode("utf-8", "surrogateescape")
    return raw.decode("utf-8", "backslashreplace")


def relative_path(path: str, root: str) -> str | None:
    """``path`` inside ``root`` with ``/`` separators, or None when it is not inside."""
    root = root.rstrip("/")
    if not path.startswith(root + "/"):
        return None
    return text_of(path[len(root) + 1 :])


def names_of(roots: Iterable[LibraryRoot]) -> dict[str, str]:
    """Library names by root path."""
    return {root.path: library_name(root) for root in roots}


def key_for(item: MediaItem, names: Mapping[str, str]) -> SharedKey | None:
    """The item's shared key, or None when its root is not a configured library folder."""
    name = names.get(item.root)
    relative = relative_path(item.path, item.root) if name else None
    return SharedKey(name, relative) if name and relative else None


def provider_ids(item: MediaItem) -> dict[str, str]:
    return {text_of(str(k)): text_of(str(v)) for k, v in sorted(item.ids.items()) if v}


class LocalIndex:
    """This box's items by shared key, by content fingerprint and by provider id."""

    def __init__(self, items: Iterable[MediaItem], names: Mapping[str, str]) -> None:
        self.by_key: dict[SharedKey, MediaItem] = {}
        self.by_fingerprint: dict[str, MediaItem | None] = {}
        self.by_provider: dict[str, MediaItem | None] = {}
        self.by_id: dict[str, MediaItem] = {}
        self.roots_by_name: dict[str, str] = {name: path for path, name in names.items()}
        for item in items:
            self.by_id[item.id] = item
            key = key_for(item, names)
            if key is not None:
                self.by_key[key] = item
            if item.fingerprint:
                # an ambiguous fingerprint (two copies of one file) finds nothing
                seen = item.fingerprint in self.by_fingerprint
                self.by_fingerprint[item.fingerprint] = None if seen else item
            for provider, value in provider_ids(item).items():
                token = f"{provider}:{value}"
                self.by_provider[token] = None if token in self.by_provider else item

    def find(
        self, library: str, path: str, fingerprint: str | None, ids: Mapping[str, Any]
    ) -> MediaItem | None:
        """The local item a shared record is about: by library and path, then by content,
        then by a provider id only one local item has."""
        item = self.by_key.get(SharedKey(library, path))
        if item is not None:
            return item
        if fingerprint and (found := self.by_fingerprint.get(fingerprint)) is not None:
            return found
        for provider, value in sorted(ids.items()):
            if (found := self.by_provider.get(f"{provider}:{value}")) is not None:
                return found
        return None

    def local_path(self, library: str, path: str) -> str | None:
        """Where ``path`` of ``library`` would be on this box (for history lines)."""
        root = self.roots_by_name.get(library)
        return f"{root}/{path}" if root else None
