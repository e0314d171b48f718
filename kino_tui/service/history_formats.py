"""The names of watch history's sources and formats (``kino import``, ``kino export``):
what the command line's parser offers, without importing the importers and exporters
(which every command would then load: 16 ms at each start)."""

from __future__ import annotations

#: The sources ``kino import`` reads.
SOURCES = ("nfo", "mpv", "jellyfin", "plex", "kino")
#: Where the servers' secrets come from (never the command line: ``ps`` shows it).
SECRET_VARIABLES = {"jellyfin": "KINO_JELLYFIN_KEY", "plex": "KINO_PLEX_TOKEN"}
#: The formats ``kino export`` writes.
EXPORT_FORMATS = ("kino", "mpv", "nfo")
