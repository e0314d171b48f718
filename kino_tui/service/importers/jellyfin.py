"""``kino import jellyfin URL --user NAME``: played state, position, play count and last
played per item, through Jellyfin's HTTP API (aiohttp).

The API key comes from ``KINO_JELLYFIN_KEY`` or a prompt, never the command line (it
would show in ``ps`` and the shell's history). Endpoints (Jellyfin 10.8 and later):
``GET /Users`` (the user's id by name), then ``GET /Items?userId=…&Recursive=true
&IncludeItemTypes=Movie,Episode,Video&Fields=Path,ProviderIds,MediaSources`` a page at a
time; each item's ``UserData`` holds ``Played``, ``PlaybackPositionTicks`` (10,000,000 a
second), ``PlayCount`` and ``LastPlayedDate``.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from typing import Any

from kino_tui import __version__
from kino_tui.core.errors import ImportFailed
from kino_tui.core.models import MediaItem
from kino_tui.service.importers.records import ImportedRecord, parse_iso

TICKS_PER_SECOND = 10_000_000
PAGE = 500
TIMEOUT_SECONDS = 30.0
_KINDS = {"Movie": "movie", "Episode": "episode", "Video": "video"}


class JellyfinImporter:
    name = "jellyfin"

    def __init__(self, url: str, user: str, key: str) -> None:
        self.url = url.rstrip("/")
        self.user = user
        self.key = key

    def read(self, items: Sequence[MediaItem]) -> list[ImportedRecord]:
        return asyncio.run(self._read())

    def _headers(self) -> dict[str, str]:
        authorization = (
            f'MediaBrowser Client="kino", Device="kino", DeviceId="kino-import", '
            f'Version="{__version__}", Token="{self.key}"'
        )
        return {"Authorization": authorization, "Accept": "application/json"}

    async def _read(self) -> list[ImportedRecord]:
        import aiohttp  # only for a Jellyfin import: kino starts without it

        timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
        try:
            async with aiohttp.ClientSession(headers=self._headers(), timeout=timeout) as session:
                users = await self._get(session, "/Users", {})
                user_id = _user_id(users, self.user)
                records: list[ImportedRecord] = []
                start = 0
                while True:
                    page = await self._get(session, "/Items", _item_query(user_id, start))
                    found = page.get("Items") if isinstance(page, dict) else None
                    if not isinstance(found, list):
                        raise ImportFailed(f"{self.url} did not answer as Jellyfin does (no Items)")
                    records.extend(r for r in map(record_from, found) if r is not None)
                    start += len(found)
                    total = page.get("TotalRecordCount")
                    if not found or not isinstance(total, int) or start >= total:
                        return records
        except aiohttp.ClientConnectorError as error:
            number = error.os_error.errno
            # asyncio words a refusal "Connect call failed (…)"; a resolver error has its own
            reason = (
                os.strerror(number) if number and number > 0 else error.os_error.strerror
            ) or str(error)
            raise ImportFailed(
                f"could not reach Jellyfin at {self.url}: {reason}; nothing was imported"
            ) from None
        except (aiohttp.ClientError, TimeoutError) as error:
            reason = str(error) or type(error).__name__
            raise ImportFailed(
                f"Jellyfin at {self.url} failed: {reason}; nothing was imported"
            ) from None

    async def _get(self, session: Any, path: str, query: dict[str, str]) -> Any:
        async with session.get(self.url + path, params=query) as response:
            if response.status in (401, 403):
                raise ImportFailed(
                    f"Jellyfin at {self.url} refused the API key ({response.status}): check "
                    "KINO_JELLYFIN_KEY (Dashboard → API Keys); nothing was imported"
                )
            if response.status != 200:
                raise ImportFailed(
                    f"Jellyfin at {self.url}{path} answered {response.status} "
                    f"{response.reason}; nothing was imported"
                )
            try:
                return await response.json(content_type=None)
            except ValueError:
                raise ImportFailed(
                    f"{self.url}{path} did not answer JSON: is it a Jellyfin server?"
                ) from None


def _item_query(user_id: str, start: int) -> dict[str, str]:
    return {
        "userId": user_id,
        "Recursive": "true",
        "IncludeItemTypes": "Movie,Episode,Video",
        "Fields": "Path,ProviderIds,MediaSources",
        "EnableUserData": "true",
        "StartIndex": str(start),
        "Limit": str(PAGE),
    }


def _user_id(users: Any, name: str) -> str:
    if not isinstance(users, list):
        raise ImportFailed("the server's /Users answer is not a list: is it a Jellyfin server?")
    names = [u.get("Name") for u in users if isinstance(u, dict)]
    for user in users:
        if isinstance(user, dict) and str(user.get("Name", "")).lower() == name.lower():
            return str(user.get("Id"))
    known = ", ".join(str(n) for n in names if n) or "none"
    raise ImportFailed(f"Jellyfin has no user {name!r} (users: {known}); nothing was imported")


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def record_from(entry: Any) -> ImportedRecord | None:
    """An item of ``/Items`` as a record; None when the user never played it."""
    if not isinstance(entry, dict):
        return None
    data = entry.get("UserData") or {}
    if not isinstance(data, dict):
        return None
    position = _number(data.get("PlaybackPositionTicks")) / TICKS_PER_SECOND
    played = data.get("Played") is True
    count = int(_number(data.get("PlayCount")))
    if not (played or position or count):
        return None
    providers = entry.get("ProviderIds") or {}
    ids = {
        str(key).lower(): str(value)
        for key, value in (providers.items() if isinstance(providers, dict) else ())
        if str(key).lower() in ("imdb", "tmdb", "tvdb") and value
    }
    sources = entry.get("MediaSources") or []
    first = sources[0] if isinstance(sources, list) and sources else {}
    size = first.get("Size") if isinstance(first, dict) else None
    path = entry.get("Path") or (first.get("Path") if isinstance(first, dict) else None)
    runtime = _number(entry.get("RunTimeTicks")) / TICKS_PER_SECOND
    return ImportedRecord(
        source=str(entry.get("Name") or path or entry.get("Id")),
        ids=ids,
        kind=_KINDS.get(str(entry.get("Type"))),
        path=str(path) if path else None,
        size=size if isinstance(size, int) else None,
        position=position,
        duration=runtime or None,
        watched=played,
        play_count=max(count, 1 if played else 0),
        last_played=parse_iso(data.get("LastPlayedDate")),
    )
