"""Watch-history sources behind one interface (``records.Importer``): ``nfo``, ``mpv``,
``jellyfin``, ``plex`` and ``kino``; one run (``running.run_import``) matches, merges and
writes what any of them read, all or nothing, with an undo."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from kino_tui.core.errors import ImportFailed
from kino_tui.service.history_formats import SECRET_VARIABLES, SOURCES
from kino_tui.service.importers.records import ImportedRecord, Importer
from kino_tui.service.importers.running import Change, ImportReport, UndoReport

_SECRET_NAMES = {"jellyfin": "Jellyfin API key", "plex": "Plex token"}

__all__ = [
    "SOURCES",
    "Change",
    "ImportReport",
    "ImportedRecord",
    "Importer",
    "UndoReport",
    "make_importer",
]


def _secret(source: str, ask: Callable[[str], str | None] | None) -> str:
    variable = SECRET_VARIABLES[source]
    value = os.environ.get(variable, "").strip()
    if value:
        return value
    answer = ask(f"{_SECRET_NAMES[source]}: ") if ask is not None else None
    if not answer or not answer.strip():
        raise ImportFailed(
            f"no {_SECRET_NAMES[source]}: set {variable} (kept out of the command line, "
            "which other users can see) or run kino in a terminal to be asked"
        )
    return answer.strip()


def make_importer(
    source: str,
    location: str | None = None,
    *,
    folder: str | None = None,
    user: str | None = None,
    ask_secret: Callable[[str], str | None] | None = None,
) -> Importer:
    """The importer for ``source`` (``location``: the server's URL or the export file).
    Each importer is imported when chosen: the servers' bring HTTP libraries along."""
    if source == "nfo":
        from kino_tui.service.importers.nfo import NfoImporter

        return NfoImporter()
    if source == "mpv":
        from kino_tui.service.importers.mpv import MpvImporter

        return MpvImporter(Path(folder) if folder else None)
    if source == "kino":
        from kino_tui.service.importers.kino_format import KinoImporter

        if not location:
            raise ImportFailed("which export? kino import kino FILE")
        return KinoImporter(Path(location))
    if source in ("jellyfin", "plex"):
        if not location or not location.startswith(("http://", "https://")):
            raise ImportFailed(f"which server? kino import {source} URL (http://host:port)")
        if source == "jellyfin":
            from kino_tui.service.importers.jellyfin import JellyfinImporter

            if not user:
                raise ImportFailed("whose history? kino import jellyfin URL --user NAME")
            return JellyfinImporter(location, user, _secret(source, ask_secret))
        from kino_tui.service.importers.plex import PlexImporter

        return PlexImporter(location, _secret(source, ask_secret))
    raise ImportFailed(f"unknown source {source!r} (known: {', '.join(SOURCES)})")
