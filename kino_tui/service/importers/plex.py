"""``kino import plex URL``: view offset, view count and last viewed per item, through
the maintained Plex client library (python-plexapi, the ``plex`` extra:
``pip install 'kino-tui[plex]'``).

The token comes from ``KINO_PLEX_TOKEN`` or a prompt, never the command line. Every movie
and show library of the server is read (``section.search(libtype=movie|episode)``:
``viewOffset`` and ``duration`` in milliseconds, ``viewCount``, ``lastViewedAt``, the
``Guid`` ids, and each part's ``file`` and ``size``).
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from kino_tui.core.errors import ImportFailed
from kino_tui.core.models import MediaItem
from kino_tui.service.importers.records import ImportedRecord, iso_utc

TIMEOUT_SECONDS = 30
_LIBRARY_TYPES = {"movie": "movie", "show": "episode"}


class PlexImporter:
    name = "plex"

    def __init__(self, url: str, token: str) -> None:
        self.url = url.rstrip("/")
        self.token = token

    def read(self, items: Sequence[MediaItem]) -> list[ImportedRecord]:
        try:  # the `plex` extra, imported only for this import
            from plexapi.exceptions import BadRequest, NotFound, Unauthorized
            from plexapi.server import PlexServer
            from requests import RequestException
        except ImportError:
            raise ImportFailed(
                "importing from Plex needs the Plex client library (python-plexapi): "
                f"{shlex.quote(sys.executable)} -m pip install 'plexapi>=4.15' (the plex extra)"
            ) from None
        try:
            server = PlexServer(self.url, self.token, timeout=TIMEOUT_SECONDS)
            records: list[ImportedRecord] = []
            for section in server.library.sections():
                libtype = _LIBRARY_TYPES.get(section.type)
                if libtype is None:
                    continue
                for video in section.search(libtype=libtype):
                    record = record_from(video)
                    if record is not None:
                        records.append(record)
            return records
        except Unauthorized:
            raise ImportFailed(
                f"Plex at {self.url} refused the token (401): check KINO_PLEX_TOKEN; "
                "nothing was imported"
            ) from None
        except (BadRequest, NotFound) as error:
            raise ImportFailed(
                f"Plex at {self.url} failed: {error}; nothing was imported"
            ) from None
        except RequestException as error:
            reason = _reason(error)
            raise ImportFailed(
                f"could not reach Plex at {self.url}: {reason}; nothing was imported"
            ) from None
        except ImportFailed:
            raise
        except Exception as error:  # plexapi parses the XML itself: a server that is not Plex
            raise ImportFailed(
                f"{self.url} did not answer as a Plex server does ({type(error).__name__}: "
                f"{error}); nothing was imported"
            ) from None


def _reason(error: BaseException) -> str:
    """The operating system's reason under requests' and urllib3's wrappers."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, OSError) and seen.strerror:
            return os.strerror(seen.errno) if seen.errno and seen.errno > 0 else seen.strerror
        seen = seen.__cause__ or seen.__context__
    return type(error).__name__


def record_from(video: Any) -> ImportedRecord | None:
    """A plexapi movie or episode as a record; None when it was never played."""
    # what the section's list said is all we read: no request per item for the rest
    # (plexapi reloads a partial object when an attribute it lacks is read)
    video._autoReload = False
    offset = (getattr(video, "viewOffset", 0) or 0) / 1000
    count = int(getattr(video, "viewCount", 0) or 0)
    if not (offset or count):
        return None
    ids: dict[str, str] = {}
    for guid in getattr(video, "guids", []) or []:
        scheme, _, value = str(getattr(guid, "id", "")).partition("://")
        if scheme in ("imdb", "tmdb", "tvdb") and value:
            ids[scheme] = value
    path, size = None, None
    for media in getattr(video, "media", []) or []:
        for part in getattr(media, "parts", []) or []:
            path, size = getattr(part, "file", None), getattr(part, "size", None)
            break
        break
    viewed = getattr(video, "lastViewedAt", None)  # plexapi: a naive local time
    duration = (getattr(video, "duration", 0) or 0) / 1000
    return ImportedRecord(
        source=str(path or getattr(video, "title", "?")),
        ids=ids,
        kind="episode" if getattr(video, "type", "") == "episode" else "movie",
        path=path,
        size=size if isinstance(size, int) else None,
        position=offset,
        duration=duration or None,
        watched=count > 0,
        play_count=count,
        last_played=iso_utc(viewed.astimezone()) if isinstance(viewed, datetime) else None,
    )
