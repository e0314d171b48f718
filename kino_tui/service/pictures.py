"""Pictures for everything: a frame for each video that has no poster or thumb.

After a scan (and once the whole library is loaded) the TUI runs :func:`make_frames` in
one worker: the videos that need a picture, one ffmpeg at a time at idle priority
(``core/metadata/frames.py``), cached under the cache folder by content fingerprint.
:func:`frame_for` is the cached frame of an item, if it has one; a file that gave no
frame keeps the placeholder and is not tried again until its content changes.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kino_tui.core.metadata.frames import failed_path, frame_path, make_frame, needs_frame
from kino_tui.core.models import MediaItem

if TYPE_CHECKING:
    from kino_tui.service.library import Library


@dataclass(frozen=True, slots=True)
class FramesMade:
    """What one run made: frames taken, files that gave none, and whether it was stopped."""

    made: int = 0
    failed: int = 0
    stopped: bool = False


def frames_folder(library: Library) -> Path:
    return library.paths.cache_dir / "frames"


def frame_for(library: Library, item: MediaItem) -> str | None:
    """The cached frame of a video without a picture of its own, or None."""
    if not needs_frame(item):
        return None
    path = frame_path(frames_folder(library), item)
    return str(path) if path is not None and path.exists() else None


def frames_wanted(library: Library, items: Iterable[MediaItem]) -> list[MediaItem]:
    """The videos still without a frame or a failure mark, in path order (one listing
    of the cache folder, not a stat per item)."""
    folder = frames_folder(library)
    try:
        present = set(os.listdir(folder))
    except OSError:
        present = set()
    wanted: dict[str, MediaItem] = {}
    for item in items:
        if not needs_frame(item) or item.fingerprint in wanted:
            continue
        if f"{item.fingerprint}.jpg" in present or f"{item.fingerprint}.failed" in present:
            continue
        wanted[item.fingerprint or ""] = item
    return sorted(wanted.values(), key=lambda item: item.path)


def make_frames(
    library: Library,
    items: Iterable[MediaItem],
    cancel: threading.Event | None = None,
    on_made: Callable[[MediaItem], None] | None = None,
) -> FramesMade:
    """Take the missing frames, one at a time; ``on_made`` hears of each new one."""
    folder = frames_folder(library)
    made = failed = 0
    for item in frames_wanted(library, items):
        if cancel is not None and cancel.is_set():
            return FramesMade(made, failed, stopped=True)
        target = frame_path(folder, item)
        if target is None or target.exists() or failed_path(target).exists():
            continue  # another kino made it meanwhile
        result = make_frame(item, folder, cancel)
        if result.path is not None:
            made += 1
            if on_made is not None:
                on_made(item)
        elif result.error == "cancelled":
            return FramesMade(made, failed, stopped=True)
        else:
            failed += 1
    return FramesMade(made, failed)
