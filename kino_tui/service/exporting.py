"""``kino export``: the watch history for another kino, for plain mpv, or into NFOs.

- ``kino``: the versioned JSON of ``importers/kino_format.py`` (to a file, atomically, or
  to standard output).
- ``mpv``: a ``watch_later`` file for each item with a resume point, in the folder the
  installed mpv reads (``--to DIR`` for another), so plain mpv starts where kino stopped.
- ``nfo``: ``<playcount>``, ``<lastplayed>`` and ``<resume>`` written into the NFO beside
  each played item (every other element and the file's encoding kept; items without an
  NFO are skipped, never given one); only with ``--write-beside-media``. Every NFO is
  prepared before the first is written, so a damaged one stops the export with nothing
  written. With ``[export] nfo = true`` an item's NFO is also updated after each play
  (:func:`write_back_nfo`).
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kino_tui.core.errors import ImportFailed, KinoError
from kino_tui.core.fsutil import atomic_write_bytes
from kino_tui.core.metadata.nfo import NfoError
from kino_tui.core.metadata.nfo_watched import (
    NfoWatchState,
    watch_state_from_bytes,
    with_watch_state,
)
from kino_tui.core.models import MediaItem, Progress
from kino_tui.core.watch.mpv_watch_later import default_folders, write_file
from kino_tui.service.history_formats import EXPORT_FORMATS
from kino_tui.service.importers.kino_format import export_document

if TYPE_CHECKING:
    from kino_tui.service.library import Library



@dataclass(slots=True)
class ExportReport:
    """What an export wrote."""

    format: str
    written: int = 0
    skipped: int = 0
    target: str | None = None  # the file or folder written to
    text: str | None = None  # the kino export, when it goes to standard output
    lines: list[str] = field(default_factory=list)


def export(
    library: Library, format: str, target: Path | None = None, write_beside_media: bool = False
) -> ExportReport:
    if format == "kino":
        return _export_kino(library, target)
    if format == "mpv":
        return _export_mpv(library, target)
    if format == "nfo":
        if not write_beside_media:
            raise ImportFailed(
                "kino export --format nfo writes into the NFO files beside your media: "
                "add --write-beside-media to do it"
            )
        return _export_nfo(library)
    raise ImportFailed(f"unknown export format {format!r} (known: {', '.join(EXPORT_FORMATS)})")


def _export_kino(library: Library, target: Path | None) -> ExportReport:
    data, _ = library.load()
    progress = library.watch.all()
    paths = {item_id: path for path, item_id in library.watch.ids_by_path().items()}
    document = export_document(progress, data.items, paths)
    # ASCII with escapes: a name that is not UTF-8 (kept as surrogates) survives exactly
    text = json.dumps(document, indent=1) + "\n"
    report = ExportReport("kino", written=len(document["records"]))
    if target is None or str(target) == "-":
        report.text = text
        return report
    atomic_write_bytes(target, text.encode("ascii"), mode=0o644)
    report.target = str(target)
    return report


def mpv_folder() -> Path:
    """The watch_later folder the installed mpv reads: one that exists (the newer
    convention first), else the one of mpv's version (0.36 moved it to the state folder)."""
    folders = default_folders()
    for folder in folders:
        if folder.is_dir():
            return folder
    try:
        version = subprocess.run(
            ["mpv", "--version"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        version = ""
    match = re.search(r"mpv v?(\d+)\.(\d+)", version)
    if match and (int(match.group(1)), int(match.group(2))) < (0, 36):
        return folders[1]
    return folders[0]


def _export_mpv(library: Library, target: Path | None) -> ExportReport:
    data, _ = library.load()
    folder = target or mpv_folder()
    report = ExportReport("mpv", target=str(folder))
    for item_id, state in library.watch.all().items():
        item = data.items.get(item_id)
        if item is None or state.position <= 0 or len(item.parts) > 1:
            report.skipped += int(item is not None and state.position > 0)
            continue
        try:
            write_file(folder, item.path, state.position)
        except KinoError as error:
            raise ImportFailed(f"{error}; {report.written} resume points were written") from None
        report.written += 1
    return report


def _nfo_update(item: MediaItem, state: Progress) -> tuple[Path, bytes, int] | None:
    """The NFO of ``item`` with ``state`` written in, its mode; None when nothing changes."""
    if not item.nfo:
        return None
    path = Path(item.nfo)
    try:
        data = path.read_bytes()
        mode = path.stat().st_mode & 0o7777
    except OSError as error:
        raise NfoError(f"cannot read NFO: {error.strerror or error}") from None
    wanted = NfoWatchState(
        # Kodi reads any play count as watched: an item kino says is not watched has 0
        play_count=max(state.play_count, 1) if state.watched else 0,
        watched=state.watched,
        last_played=state.last_played,
        position=state.position,
        total=state.duration,
    )
    current = watch_state_from_bytes(data)
    if current is not None and current.same_as(wanted):
        return None  # it says so already: the file is left as it is
    updated = with_watch_state(data, wanted)
    return None if updated == data else (path, updated, mode)


def _export_nfo(library: Library) -> ExportReport:
    data, _ = library.load()
    report = ExportReport("nfo")
    planned: list[tuple[Path, bytes, int]] = []
    for item_id, state in library.watch.all().items():
        item = data.items.get(item_id)
        if item is None:
            continue
        if not item.nfo or not item.available:
            report.skipped += 1  # no NFO beside it (kino never makes one), or offline
            continue
        try:
            update = _nfo_update(item, state)
        except NfoError as error:
            raise ImportFailed(f"{item.nfo}: {error}; no NFO was written") from None
        if update is not None:
            planned.append(update)
        else:
            report.skipped += 1
    for path, content, mode in planned:
        atomic_write_bytes(path, content, mode=mode)
        report.written += 1
    return report


def write_back_nfo(item: MediaItem, state: Progress) -> str | None:
    """After a play (``[export] nfo = true``): the item's NFO updated; a line when it
    could not be."""
    try:
        update = _nfo_update(item, state)
        if update is not None:
            path, content, mode = update
            atomic_write_bytes(path, content, mode=mode)
    except (NfoError, KinoError, OSError) as error:
        return f"the NFO {item.nfo} was not updated: {error}"
    return None
