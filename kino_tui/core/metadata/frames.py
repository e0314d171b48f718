"""A picture for a video that has none: one frame taken by ffmpeg.

The frame is taken about a tenth of the way in, and past any intro or recap chapter;
it is cached under kino's cache folder by the file's content fingerprint (never beside
the media, which may be read-only or shared), as ``<fingerprint>.jpg``. A file that
yields no frame gets ``<fingerprint>.failed`` (the reason), so it is not tried again
until its content changes. ffmpeg runs at idle priority (``nice -n 19``, and
``ionice -c 3`` where it exists), with an argument list, never a shell.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from kino_tui.core.errors import DataFileUnwritable
from kino_tui.core.fsutil import atomic_write_bytes
from kino_tui.core.models import MediaItem

#: Kinds of items that are videos (a track's picture is its cover).
VIDEO_KINDS = frozenset({"movie", "episode", "video", "extra"})
#: How far in the frame is taken, as a share of the duration.
SHARE = 0.10
#: Chapters the frame must come after.
OPENING_KINDS = frozenset({"intro", "recap"})
#: The frame's width in pixels at most (a poster pane is a few hundred pixels wide).
WIDTH = 480
#: Longest one ffmpeg run may take before it is stopped.
TIMEOUT = 60.0


@dataclass(frozen=True, slots=True)
class FrameResult:
    """What one attempt gave: the frame's path, or why there is none."""

    path: Path | None
    error: str | None = None


def frame_time(item: MediaItem) -> float:
    """Seconds into the video: a tenth of the way in, past any opening chapter."""
    duration = item.duration or 0.0
    at = duration * SHARE
    for segment in item.segments:
        if segment.kind in OPENING_KINDS and segment.start <= at + 1 and segment.end > at:
            at = segment.end + 1.0
    if duration:
        at = min(at, max(duration - 0.5, 0.0))
    return max(at, 0.0)


def frame_path(folder: Path, item: MediaItem) -> Path | None:
    """Where the item's frame is cached (None: no fingerprint to name it by)."""
    if not item.fingerprint:
        return None
    return folder / f"{item.fingerprint}.jpg"


def failed_path(frame: Path) -> Path:
    return frame.with_suffix(".failed")


def needs_frame(item: MediaItem) -> bool:
    """A video with neither a poster nor a thumb of its own, whose content is known."""
    return (
        item.kind in VIDEO_KINDS
        and not item.poster
        and not item.thumb
        and bool(item.fingerprint)
        and item.available
    )


def _idle_prefix() -> list[str]:
    prefix: list[str] = []
    ionice = shutil.which("ionice")
    if ionice:
        prefix += [ionice, "-c", "3"]
    nice = shutil.which("nice")
    if nice:
        prefix += [nice, "-n", "19"]
    return prefix


def ffmpeg_command(video: str, at: float, output: Path, ffmpeg: str = "ffmpeg") -> list[str]:
    """The argument list: seek before the input (fast), one frame, scaled down."""
    return [
        *_idle_prefix(),
        ffmpeg,
        "-v", "error", "-nostdin", "-y",
        "-ss", f"{at:.3f}",
        "-i", video,
        "-frames:v", "1",
        "-vf", f"scale='min({WIDTH},iw)':-2",
        "-q:v", "4",
        str(output),
    ]  # fmt: skip


def make_frame(
    item: MediaItem,
    folder: Path,
    cancel: threading.Event | None = None,
    ffmpeg: str | None = None,
) -> FrameResult:
    """Take the item's frame into ``folder`` (atomically: a temporary file renamed).
    A file that yields nothing is marked ``.failed``; a cancelled run marks nothing."""
    target = frame_path(folder, item)
    if target is None:
        return FrameResult(None, "no content fingerprint")
    program = ffmpeg or shutil.which("ffmpeg")
    if program is None:
        return FrameResult(None, "ffmpeg is not installed")
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{target.stem}.{os.getpid()}.tmp.jpg"
    error = "ffmpeg gave no frame"
    # a tenth in, then the very start (a file whose length was not known, or truncated)
    for at in dict.fromkeys((frame_time(item), 0.0)):
        outcome = _run(
            ffmpeg_command(item.parts[0] if item.parts else item.path, at, temporary, program),
            cancel,
        )
        if outcome == "cancelled":
            temporary.unlink(missing_ok=True)
            return FrameResult(None, "cancelled")
        if outcome is None and temporary.exists() and temporary.stat().st_size > 0:
            os.replace(temporary, target)
            return FrameResult(target)
        error = outcome or error
    temporary.unlink(missing_ok=True)
    _mark_failed(target, error)
    return FrameResult(None, error)


def _run(command: list[str], cancel: threading.Event | None) -> str | None:
    """None when ffmpeg succeeded, else what went wrong (``cancelled`` when stopped)."""
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own group: a stop kills whatever it started
        )
    except OSError as problem:
        return f"ffmpeg could not start: {problem.strerror or problem}"
    waited = 0.0
    while True:
        try:
            _, stderr = process.communicate(timeout=0.2)
            break
        except subprocess.TimeoutExpired:
            waited += 0.2
            if (cancel is not None and cancel.is_set()) or waited >= TIMEOUT:
                with contextlib.suppress(OSError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.communicate()
                return (
                    "cancelled"
                    if cancel is not None and cancel.is_set()
                    else "ffmpeg took too long"
                )
    if process.returncode != 0:
        lines = stderr.decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else f"ffmpeg exited with status {process.returncode}"
    return None


def _mark_failed(target: Path, reason: str) -> None:
    # an unwritable cache: the frame is tried again next time, nothing worse
    with contextlib.suppress(OSError, DataFileUnwritable):
        atomic_write_bytes(failed_path(target), (reason + "\n").encode("utf-8", "replace"))
