"""Walk a library root with ``os.scandir``: media and sidecar files only, loops and junk skipped."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from kino_tui.core.analysis import FileEntry
from kino_tui.core.models import Problem
from kino_tui.core.naming import AUDIO_EXTENSIONS, VIDEO_EXTENSIONS, extension
from kino_tui.core.sidecars import IMAGE_EXTENSIONS, SUBTITLE_CODECS

SIDECAR_EXTENSIONS = IMAGE_EXTENSIONS | frozenset(SUBTITLE_CODECS) | {"nfo"}
RELEVANT_EXTENSIONS = VIDEO_EXTENSIONS | AUDIO_EXTENSIONS | SIDECAR_EXTENSIONS
SKIPPED_FOLDERS = frozenset({"@eadir", "#recycle", "$recycle.bin", "lost+found", "#snapshot"})


def is_skipped_folder(name: str) -> bool:
    """Hidden and NAS/OS system folders that never hold the user's media."""
    lowered = name.lower()
    return name.startswith(".") or lowered in SKIPPED_FOLDERS or lowered.startswith(".trash-")


@dataclass(slots=True)
class FolderListing:
    """One folder as listed: its relevant files and how many entries it had at all."""

    path: str
    folders: tuple[str, ...]
    files: list[FileEntry]
    entry_count: int

    def names(self) -> tuple[str, ...]:
        return tuple(entry.name for entry in self.files)

    def signature(self) -> str:
        """Changes when any relevant file is added, removed, resized or touched."""
        return _digest(self.files)

    def sidecar_signature(self) -> str:
        """Changes when an NFO, image or subtitle changes (what child folders depend on)."""
        return _digest([e for e in self.files if extension(e.name) in SIDECAR_EXTENSIONS])


def _digest(entries: list[FileEntry]) -> str:
    text = "\n".join(f"{e.name}\0{e.size}\0{e.mtime}" for e in entries)
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=10).hexdigest()


@dataclass(slots=True)
class WalkResult:
    """Every readable folder under a root, and the folders that could not be read."""

    folders: dict[str, FolderListing] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)


def walk(root: str, on_folder: Callable[[int], None] | None = None) -> WalkResult:
    """List every folder under ``root``, following symlinks without looping."""
    result = WalkResult()
    visited: set[tuple[int, int]] = set()
    stack: list[tuple[str, tuple[str, ...]]] = [(root, ())]
    while stack:
        path, relative = stack.pop()
        try:
            status = os.stat(path)
            identity = (status.st_dev, status.st_ino)
            if identity in visited:
                result.problems.append(Problem(path, "symlink loop or repeated folder; skipped"))
                continue
            visited.add(identity)
            with os.scandir(path) as iterator:
                entries = list(iterator)
        except OSError as error:
            result.unreadable.add(path)
            result.problems.append(Problem(path, f"cannot read folder: {error.strerror or error}"))
            continue
        files: list[FileEntry] = []
        subfolders: list[tuple[str, tuple[str, ...]]] = []
        for entry in entries:
            name = entry.name
            try:
                is_folder = entry.is_dir()
            except OSError:
                continue
            if is_folder:
                if not is_skipped_folder(name):
                    subfolders.append((f"{path}/{name}", (*relative, name)))
                continue
            dot = name.rfind(".")
            if dot <= 0 or name[dot + 1 :].lower() not in RELEVANT_EXTENSIONS:
                continue  # hidden, extension-less or not media
            try:
                stat = entry.stat()
            except OSError as error:
                result.problems.append(
                    Problem(f"{path}/{name}", f"cannot read file: {error.strerror or error}")
                )
                continue
            files.append(FileEntry(name, stat.st_size, stat.st_mtime, stat.st_ino, stat.st_dev))
        files.sort(key=lambda entry: entry.name)
        result.folders[path] = FolderListing(path, relative, files, len(entries))
        stack.extend(sorted(subfolders, reverse=True))
        if on_folder is not None:
            on_folder(len(result.folders))
    return result
