"""The stream endpoint: item files over HTTP with ranges (seeking), for the laptop's player.

aiohttp serves the files (``web.FileResponse`` answers ``Range`` requests); kino writes
no HTTP of its own. It listens on a Unix socket in a private directory (mode 0700) on the
box, so it opens no port on any interface: the client reaches it through its own ssh
connection (``ssh -O forward -L 127.0.0.1:PORT:SOCKET``), added for one play.

- URLs are ``/<token>/<part|sub>/<item id>/<index>/<file name>``, each part quoted
  whole; the path is split by kino, so a name may hold any bytes (braces too). The name
  only helps the player guess the format.
- A token belongs to one play: it opens the files of that play's items (and of items
  queued to it later) and nothing else, and it is forgotten when the play ends.
- Each file is opened beneath a library root and sent from that descriptor
  (``access.open_file``; aiohttp is given ``/proc/self/fd/N``, the same open file).
- A connection that sends no complete request for :data:`IDLE_TIMEOUT` seconds (idle, or
  half a request) is closed; at most :data:`MAX_CONNECTIONS` are open at once.
- A serve killed by SIGKILL leaves its folder behind: the next serve removes folders
  whose socket no longer answers (:func:`remove_abandoned`).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import mimetypes
import os
import secrets
import shutil
import socket
import stat
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kino_tui.core.errors import ItemNotFound, KinoError
from kino_tui.service.remote.access import Refused

if TYPE_CHECKING:
    from aiohttp import web  # aiohttp loads with the first stream

#: ``open_file(kind, item id, index)`` → an open descriptor of the file to send (the
#: caller closes it), or raises :class:`Refused` / :class:`ItemNotFound`.
OpenFile = Callable[[str, str, int], int]
START_TIMEOUT = 15.0
#: Seconds a connection may stay open without a request being answered on it.
IDLE_TIMEOUT = 10.0
#: Connections open at once (a player uses one or two, three with subtitles).
MAX_CONNECTIONS = 32
PREFIX = "kino-stream-"
PID_FILE = "serve.pid"
#: A folder without a pid file younger than this is a serve still starting.
ABANDONED_AFTER = 60.0


def url_path(token: str, kind: str, item_id: str, index: int, name: bytes) -> str:
    """The path of a stream URL (each part quoted whole: any bytes are safe)."""
    quoted = urllib.parse.quote(name or b"file", safe="")
    return f"/{token}/{kind}/{urllib.parse.quote(item_id, safe='')}/{index}/{quoted}"


class StreamServer:
    """One aiohttp server on its own thread and event loop, for one ``serve`` process."""

    def __init__(self, open_file: OpenFile) -> None:
        self.open_file = open_file
        self.directory = Path(tempfile.mkdtemp(prefix=PREFIX))  # mode 0700
        (self.directory / PID_FILE).write_text(f"{os.getpid()}\n")
        self.socket_path = str(self.directory / "stream.sock")
        self._plays: dict[str, frozenset[str]] = {}  # token → the ids of its play
        self._plays_lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._guards: set[_Guard] = set()

    # -- plays ---------------------------------------------------------------------------
    def open_play(self, ids: Iterable[str], token: str | None = None) -> str:
        """A token for the files of these items; with the token of a play that is on,
        the items join it (queued to it)."""
        with self._plays_lock:
            if token is not None and token in self._plays:
                self._plays[token] = self._plays[token] | frozenset(ids)
                return token
            token = secrets.token_urlsafe(24)
            self._plays[token] = frozenset(ids)
            return token

    def end_play(self, token: str) -> None:
        with self._plays_lock:
            self._plays.pop(token, None)

    def _allowed(self, token: str, item_id: str) -> bool:
        with self._plays_lock:
            play = self._plays.get(token)
        return play is not None and item_id in play

    # -- the thread and its loop -------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="kino-stream", daemon=True)
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT) or self._failure is not None:
            raise KinoError(f"the stream endpoint could not start: {self._failure}")

    def stop(self) -> None:
        loop = self._loop
        if loop is not None and self._thread is not None and loop.is_running():
            loop.call_soon_threadsafe(loop.stop)
            self._thread.join(timeout=5)
        shutil.rmtree(self.directory, ignore_errors=True)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            runner, server = loop.run_until_complete(self._start())
        except BaseException as error:  # reported to start()
            self._failure = error
            self._ready.set()
            return
        self._ready.set()
        sweeper = loop.create_task(self._sweep())
        try:
            loop.run_forever()
        finally:
            sweeper.cancel()
            server.close()
            with contextlib.suppress(Exception):
                loop.run_until_complete(runner.cleanup())
            loop.close()

    async def _start(self) -> tuple[web.AppRunner, asyncio.AbstractServer]:
        from aiohttp import web  # only a serve that streams needs it

        app = web.Application()
        app.router.add_get("/{path:.*}", self._handle)
        runner = web.AppRunner(app, access_log=None, keepalive_timeout=IDLE_TIMEOUT)
        await runner.setup()
        factory = runner.server
        assert factory is not None
        loop = asyncio.get_running_loop()
        server = await loop.create_unix_server(
            lambda: _Guard(factory(), self._guards), self.socket_path, backlog=64
        )
        return runner, server

    async def _sweep(self) -> None:
        """Close the connections that have had no request on for :data:`IDLE_TIMEOUT`."""
        while True:
            await asyncio.sleep(1.0)
            now = time.monotonic()
            for guard in list(self._guards):
                if guard.busy == 0 and now - guard.since > IDLE_TIMEOUT:
                    guard.close()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        from aiohttp import web  # aiohttp loads with the first stream

        words = request.rel_url.raw_path.split("/")
        if len(words) != 6:
            raise web.HTTPNotFound(text="no such file\n")
        _, token, kind, quoted_id, index, name = words
        item_id = urllib.parse.unquote(quoted_id, errors="surrogateescape")
        if not self._allowed(token, item_id):
            raise web.HTTPForbidden(text="this token does not open this item\n")
        guard = _Guard.of(request)
        if guard is not None:
            guard.busy += 1
        try:
            try:
                descriptor = await asyncio.to_thread(self.open_file, kind, item_id, int(index))
            except ValueError:
                raise web.HTTPNotFound(text="no such file\n") from None
            except ItemNotFound:
                raise web.HTTPNotFound(text="no such item\n") from None
            except (Refused, OSError):
                raise web.HTTPForbidden(text="the box does not send this file\n") from None
            try:
                kind_of = mimetypes.guess_type(urllib.parse.unquote(name))[0]
                headers = {"Content-Type": kind_of or "application/octet-stream"}
                response = _sent_file()(f"/proc/self/fd/{descriptor}", headers=headers)
                await response.prepare(request)  # sends the file (or its range)
                return response
            finally:
                os.close(descriptor)
        finally:
            if guard is not None:
                guard.busy -= 1
                guard.since = time.monotonic()


@functools.cache
def _sent_file() -> type[web.FileResponse]:
    """aiohttp's file response, sent by the handler itself (while its descriptor is
    open): aiohttp's own later ``prepare()`` then does nothing."""
    from aiohttp import web

    class SentFile(web.FileResponse):
        async def prepare(self, request: web.BaseRequest) -> Any:
            if self.prepared:
                return None
            return await super().prepare(request)

    return SentFile


class _Guard(asyncio.Protocol):
    """Wraps aiohttp's protocol for one connection: counts it against the cap and
    remembers when it last had a request answered."""

    def __init__(self, inner: Any, guards: set[_Guard]) -> None:
        self.inner = inner
        self.guards = guards
        self.transport: asyncio.BaseTransport | None = None
        self.busy = 0
        self.since = time.monotonic()

    @staticmethod
    def of(request: web.Request) -> _Guard | None:
        transport = request.transport
        protocol = transport.get_protocol() if transport is not None else None
        return protocol if isinstance(protocol, _Guard) else None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if len(self.guards) >= MAX_CONNECTIONS:
            transport.close()
            self.inner = None
            return
        self.transport = transport
        self.guards.add(self)
        self.inner.connection_made(transport)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.guards.discard(self)
        if self.inner is not None:
            self.inner.connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.inner is not None:
            self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self.inner.eof_received() if self.inner is not None else None

    def pause_writing(self) -> None:
        if self.inner is not None:
            self.inner.pause_writing()

    def resume_writing(self) -> None:
        if self.inner is not None:
            self.inner.resume_writing()


def remove_abandoned(folder: str | None = None) -> None:
    """Remove this user's stream folders left by serves that were killed (SIGKILL gives
    no chance to clean up): the serve named in the folder is gone, or (a folder of an
    older kino, without that name) its socket no longer answers."""
    base = Path(folder or tempfile.gettempdir())
    uid = os.getuid()
    for path in base.glob(f"{PREFIX}*"):
        try:
            info = path.lstat()
        except OSError:
            continue
        if info.st_uid != uid or not stat.S_ISDIR(info.st_mode):
            continue
        if _abandoned(path, info.st_mtime):
            shutil.rmtree(path, ignore_errors=True)


def _abandoned(path: Path, changed: float) -> bool:
    try:
        pid = int((path / PID_FILE).read_text())
    except (OSError, ValueError):
        if time.time() - changed < ABANDONED_AFTER:
            return False
        return not _answers(path / "stream.sock")
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # a process of another user has that number now
    return False


def _answers(socket_path: Path) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(2)
        try:
            probe.connect(str(socket_path))
        except OSError as error:
            return error.errno not in (errno.ECONNREFUSED, errno.ENOENT)
    return True
