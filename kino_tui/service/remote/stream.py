"""The stream endpoint: item files over HTTP with ranges (seeking), for the laptop's player.

aiohttp serves the files (``web.FileResponse`` answers ``Range`` requests); kino writes
no HTTP of its own. It listens on a Unix socket in a private directory (mode 0700) on the
box, so it opens no port on any interface: the client reaches it through its own ssh
connection (``ssh -O forward -L 127.0.0.1:PORT:SOCKET``). Every URL carries a random
token made for this server: ``/<token>/<part|sub>/<item id>/<index>/<file name>``.
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kino_tui.core.errors import ItemNotFound, KinoError
from kino_tui.service.remote.access import Refused

if TYPE_CHECKING:
    from aiohttp import web  # aiohttp loads with the first stream

#: ``resolve(kind, item id, index)`` → the real path to send, or raises.
Resolve = Callable[[str, str, int], str]
START_TIMEOUT = 15.0


class StreamServer:
    """One aiohttp server on its own thread and event loop, for one ``serve`` process."""

    def __init__(self, resolve: Resolve) -> None:
        self.resolve = resolve
        self.token = secrets.token_urlsafe(24)
        self.directory = Path(tempfile.mkdtemp(prefix="kino-stream-"))  # mode 0700
        self.socket_path = str(self.directory / "stream.sock")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="kino-stream", daemon=True)
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT) or self._failure is not None:
            raise KinoError(f"the stream endpoint could not start: {self._failure}")

    def stop(self) -> None:
        loop = self._loop
        if loop is not None and self._thread is not None:
            loop.call_soon_threadsafe(loop.stop)
            self._thread.join(timeout=5)
        shutil.rmtree(self.directory, ignore_errors=True)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            runner = loop.run_until_complete(self._start())
        except BaseException as error:  # reported to start()
            self._failure = error
            self._ready.set()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(runner.cleanup())
            loop.close()

    async def _start(self) -> web.AppRunner:
        from aiohttp import web  # only a serve that streams needs it

        app = web.Application()
        app.router.add_get("/{token}/{kind}/{item}/{index}/{name}", self._handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.UnixSite(runner, self.socket_path).start()
        return runner

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        from aiohttp import web  # aiohttp loads with the first stream

        info = request.match_info
        if not hmac.compare_digest(info["token"].encode(), self.token.encode()):
            raise web.HTTPForbidden(text="wrong token\n")
        try:
            index = int(info["index"])
            path = await asyncio.to_thread(self.resolve, info["kind"], info["item"], index)
        except ValueError:
            raise web.HTTPNotFound(text="no such file\n") from None
        except ItemNotFound as error:
            raise web.HTTPNotFound(text=f"{error}\n") from None
        except Refused as error:
            raise web.HTTPForbidden(text=f"{error}\n") from None
        return web.FileResponse(path)
