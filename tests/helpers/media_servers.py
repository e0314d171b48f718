"""Small local stand-ins for a Jellyfin and a Plex server.

Jellyfin and Plex cannot run on this machine (no packages, no network), so the importers
are tested against these: real HTTP on 127.0.0.1 (aiohttp), answering the endpoints the
importers use with responses shaped as the servers' documented ones (Jellyfin's
BaseItemDto JSON, 10.8+; Plex's MediaContainer XML, as python-plexapi parses it),
including their paging and their 401 for a wrong key or token. Every request is logged,
so a test can check what was asked.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from xml.sax.saxutils import quoteattr

from aiohttp import web

Handler = Callable[[web.Request], Any]


@contextmanager
def serve(routes: dict[str, Handler]) -> Iterator[tuple[str, list[web.Request]]]:
    """Run an aiohttp app on a free loopback port in a thread; yields its URL and the
    requests it received."""
    seen: list[web.Request] = []
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder: dict[str, Any] = {}

    @web.middleware
    async def log(request: web.Request, handler: Handler) -> web.StreamResponse:
        seen.append(request)
        return await handler(request)

    async def start() -> None:
        app = web.Application(middlewares=[log])
        for path, handler in routes.items():
            app.router.add_get(path, handler)
        runner = web.AppRunner(app)
        await runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        site = web.SockSite(runner, sock)
        await site.start()
        holder["runner"], holder["port"] = runner, sock.getsockname()[1]
        ready.set()

    thread = threading.Thread(target=lambda: (loop.run_until_complete(start()), loop.run_forever()))
    thread.daemon = True
    thread.start()
    assert ready.wait(10), "the stand-in server did not start"
    try:
        yield f"http://127.0.0.1:{holder['port']}", seen
    finally:
        asyncio.run_coroutine_threadsafe(holder["runner"].cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


def free_port() -> int:
    """A loopback port nothing listens on (for the unreachable server)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- Jellyfin ----------------------------------------------------------------------------

JELLYFIN_KEY = "0123456789abcdef0123456789abcdef"
JELLYFIN_USER_ID = "5e7a1c2b9d6f4e3a8b0c1d2e3f4a5b6c"


def jellyfin_item(
    name: str,
    path: str,
    *,
    kind: str = "Movie",
    size: int = 1000,
    played: bool = False,
    count: int = 0,
    position: float = 0.0,
    last: str | None = None,
    ids: dict[str, str] | None = None,
    runtime: float = 400.0,
) -> dict[str, Any]:
    """One ``/Items`` entry as Jellyfin returns it (BaseItemDto, the fields asked for)."""
    return {
        "Name": name,
        "ServerId": "f00dfeedf00dfeedf00dfeedf00dfeed",
        "Id": f"{abs(hash(path)):032x}"[:32],
        "Path": path,
        "RunTimeTicks": int(runtime * 10_000_000),
        "ProviderIds": ids or {},
        "Type": kind,
        "IsFolder": False,
        "MediaType": "Video",
        "MediaSources": [
            {"Protocol": "File", "Id": "ab", "Path": path, "Type": "Default", "Size": size,
             "Container": "mkv", "Name": name},
        ],
        "UserData": {
            "PlaybackPositionTicks": int(position * 10_000_000),
            "PlayCount": count,
            "IsFavorite": False,
            "Played": played,
            "Key": name,
            **({"LastPlayedDate": last} if last else {}),
        },
    }  # fmt: skip


def jellyfin_routes(items: list[dict[str, Any]], key: str = JELLYFIN_KEY) -> dict[str, Handler]:
    def authorised(request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        return f'Token="{key}"' in header or request.headers.get("X-Emby-Token") == key

    async def users(request: web.Request) -> web.Response:
        if not authorised(request):
            return web.Response(status=401, text="Unauthorized")
        return web.json_response(
            [
                {"Name": "admin", "Id": "0" * 32, "HasPassword": True},
                {"Name": "Alice", "Id": JELLYFIN_USER_ID, "HasPassword": True},
            ]
        )

    async def list_items(request: web.Request) -> web.Response:
        if not authorised(request):
            return web.Response(status=401, text="Unauthorized")
        if request.query.get("userId") != JELLYFIN_USER_ID:
            return web.Response(status=400, text="Error processing request.")
        start = int(request.query.get("StartIndex", "0"))
        limit = int(request.query.get("Limit", "100"))
        if request.query.get("Recursive", "").lower() != "true":
            return web.json_response({"Items": [], "TotalRecordCount": 0, "StartIndex": start})
        # as Jellyfin does: the optional fields (ItemFields) come only when asked for
        asked = set(request.query.get("Fields", "").split(","))
        optional = {"Path", "ProviderIds", "MediaSources"}
        page = [
            {key: value for key, value in item.items() if key not in optional - asked}
            for item in items[start : start + limit]
        ]
        return web.json_response(
            {"Items": page, "TotalRecordCount": len(items), "StartIndex": start}
        )

    return {"/Users": users, "/Items": list_items}


# -- Plex --------------------------------------------------------------------------------

PLEX_TOKEN = "plex-token-AbC123"


def plex_video(
    title: str,
    file: str,
    *,
    kind: str = "movie",
    size: int = 1000,
    count: int = 0,
    offset_ms: int = 0,
    viewed_at: int | None = None,
    guids: tuple[str, ...] = (),
    duration_ms: int = 400_000,
    rating_key: int = 1,
) -> str:
    """One ``<Video>`` of a section's ``/all`` as Plex Media Server answers it."""
    attributes = {
        "ratingKey": str(rating_key),
        "key": f"/library/metadata/{rating_key}",
        "guid": f"plex://{kind}/5d7768{rating_key:06d}",
        "type": kind,
        "title": title,
        "duration": str(duration_ms),
        "addedAt": "1700000000",
        "updatedAt": "1700000000",
    }
    if count:
        attributes["viewCount"] = str(count)
    if offset_ms:
        attributes["viewOffset"] = str(offset_ms)
    if viewed_at:
        attributes["lastViewedAt"] = str(viewed_at)
    if kind == "episode":
        attributes.update(grandparentTitle="Show", parentIndex="1", index="1")
    head = " ".join(f"{name}={quoteattr(value)}" for name, value in attributes.items())
    guid_lines = "".join(f"<Guid id={quoteattr(g)} />" for g in guids)
    return (
        f"<Video {head}>"
        f'<Media id="{rating_key}" duration="{duration_ms}" container="mkv">'
        f'<Part id="{rating_key}" key="/library/parts/{rating_key}/1700000000/file.mkv" '
        f'duration="{duration_ms}" file={quoteattr(file)} size="{size}" container="mkv" />'
        f"</Media>{guid_lines}</Video>"
    )


def plex_routes(
    movies: list[str], episodes: list[str], token: str = PLEX_TOKEN
) -> dict[str, Handler]:
    def xml(body: str, status: int = 200) -> web.Response:
        return web.Response(
            text='<?xml version="1.0" encoding="UTF-8"?>\n' + body,
            status=status,
            content_type="text/xml",
        )

    def authorised(request: web.Request) -> bool:
        return request.headers.get("X-Plex-Token") == token

    async def root(request: web.Request) -> web.Response:
        if not authorised(request):
            return xml("<html><head><title>Unauthorized</title></head></html>", 401)
        return xml(
            '<MediaContainer size="0" friendlyName="box" machineIdentifier="'
            '4f3e2d1c0b9a" myPlex="0" platform="Linux" version="1.40.1.8227" />'
        )

    async def library(request: web.Request) -> web.Response:
        if not authorised(request):
            return xml("<html/>", 401)
        return xml(
            '<MediaContainer size="1" identifier="com.plexapp.plugins.library" '
            'title1="Plex Library"><Directory key="sections" title="Library Sections" />'
            "</MediaContainer>"
        )

    async def sections(request: web.Request) -> web.Response:
        if not authorised(request):
            return xml("<html/>", 401)
        return xml(
            '<MediaContainer size="3" title1="Plex Library">'
            '<Directory key="1" type="movie" title="Movies" agent="tv.plex.agents.movie" '
            'scanner="Plex Movie" language="en-US" uuid="a-1" updatedAt="1700000000">'
            '<Location id="1" path="/data/movies" /></Directory>'
            '<Directory key="2" type="show" title="TV Shows" agent="tv.plex.agents.series" '
            'scanner="Plex TV Series" language="en-US" uuid="a-2" updatedAt="1700000000">'
            '<Location id="2" path="/data/tv" /></Directory>'
            '<Directory key="3" type="artist" title="Music" agent="tv.plex.agents.music" '
            'scanner="Plex Music" language="en-US" uuid="a-3" updatedAt="1700000000">'
            '<Location id="3" path="/data/music" /></Directory>'
            "</MediaContainer>"
        )

    async def section_all(request: web.Request) -> web.Response:
        if not authorised(request):
            return xml("<html/>", 401)
        key = request.match_info["key"]
        wanted = {"1": ("1", movies), "2": ("4", episodes)}.get(key)
        if wanted is None or request.query.get("type") != wanted[0]:
            return xml("<html/>", 400)
        videos = wanted[1]
        start = int(request.headers.get("X-Plex-Container-Start", "0"))
        size = int(request.headers.get("X-Plex-Container-Size", "100"))
        page = videos[start : start + size]
        return xml(
            f'<MediaContainer size="{len(page)}" totalSize="{len(videos)}" offset="{start}" '
            f'librarySectionID="{key}" librarySectionTitle="x">'
            + "".join(page)
            + "</MediaContainer>"
        )

    return {
        "/": root,
        "/library": library,
        "/library/sections": sections,
        "/library/sections/{key}/all": section_all,
    }
