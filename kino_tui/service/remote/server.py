"""``kino serve --stdio``: the box's :class:`~kino_tui.service.Library` over stdin/stdout.

Started by ``kino --remote`` through ssh, one process per connection. It reads requests
until its standard input ends (the connection closed, or died), then stops the stream
endpoint, removes its private directory and exits: nothing stays behind. It opens no
port: the stream endpoint (``stream.py``) is a Unix socket in a private directory,
reached only through the ssh connection's own forward.

Every request is checked before it is used (``checks.request``: types and ranges, a
refused value is an error answer); a line longer than :data:`protocol.MAX_REQUEST` is
read and dropped. SIGTERM and SIGHUP end it as the end of its input does; a serve that
was killed leaves a folder that the next one removes (``stream.remove_abandoned``).
"""

from __future__ import annotations

import base64
import os
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import asdict
from typing import Any, BinaryIO

from kino_tui import __version__
from kino_tui.core.catalog.rows import CatalogData
from kino_tui.core.errors import ItemNotFound, KinoError, PlayerError
from kino_tui.core.models import MediaItem, Progress
from kino_tui.service.library import Library
from kino_tui.service.marking import Marked
from kino_tui.service.remote import checks, protocol
from kino_tui.service.remote.access import (
    ARTWORK_FIELDS,
    Refused,
    check_servable,
    open_file,
    read_beneath,
    servable_path,
)
from kino_tui.service.remote.stream import StreamServer, remove_abandoned
from kino_tui.service.searching import SearchResult

#: The largest poster the box sends (a poster is a few hundred KiB; this refuses films).
MAX_POSTER_BYTES = 16 * 1024 * 1024


class Server:
    """Answers one client's requests, one at a time, in the order they come. Each protocol
    method is one :class:`Library` method (the table in ``__init__``): what a use case
    does is decided there, once, for both transports. Only sending files (the stream,
    posters, the check that the box can send a play's files) is the server's own."""

    def __init__(self, library: Library, reader: BinaryIO, writer: BinaryIO) -> None:
        self.library = library
        self.reader = reader
        self.writer = writer
        self.stream: StreamServer | None = None
        lib = library
        self._methods: dict[str, Callable[[dict[str, Any]], Any]] = {
            # the library's use cases, each one Library method
            "load": lambda p: _catalog(*lib.load()),
            "find": lambda p: _found(*lib.find_items(_text(p, "target"))),
            "section": lambda p: _found(*lib.section_items(_text(p, "key"))),
            "search": lambda p: _searched(*lib.search(_text(p, "query"))),
            "item_records": lambda p: list(lib.item_records(lib.items_by_id(_ids(p)))),
            "progress": lambda p: _progress(lib.progress_of(_optional_text(p, "id"))),
            "progress_since": lambda p: _changed(lib.progress_since(_signature(p))),
            "save_progress": lambda p: lib.save_progress(
                _text(p, "id"), protocol.progress_from_wire(p.get("progress"))
            ),
            "mark": lambda p: _marked(lib.mark_undoable(lib.items_by_id(_ids(p)), _flag(p))),
            "undo": lambda p: _progress(lib.undo_mark(_marked_from(lib, p))),
            "add_history": lambda p: lib.add_history(_text(p, "id"), _record(p)),
            "history": lambda p: lib.history(),
            "warnings": lambda p: lib.take_warnings(),
            "sync_shared": lambda p: lib.sync_shared(),
            # sending files: the transport's own
            "stream": self._stream,
            "stream_end": self._stream_end,
            "check": self._check,
            "poster": self._poster,
            "artwork": self._artwork,
            # frames (issue 21): the box takes them in the background while it serves
            "make_frames": self._make_frames,
            "frame": self._frame,
        }
        self._frames: tuple[threading.Thread, threading.Event] | None = None
        self._artwork_paths: tuple[CatalogData, frozenset[str]] | None = None

    def run(self) -> int:
        self._send({"kino": "serve", "protocol": protocol.PROTOCOL, "version": __version__})
        try:
            while True:
                line = self.reader.readline(protocol.MAX_REQUEST)
                if not line:
                    return 0  # the connection ended: so does the server
                if not line.endswith(b"\n") and len(line) >= protocol.MAX_REQUEST:
                    self._send(self._too_long())
                elif line.strip():
                    self._send(self._answer(line))
        except (BrokenPipeError, ConnectionResetError):
            return 0
        finally:
            if self.stream is not None:
                self.stream.stop()
            if self._frames is not None:  # an ffmpeg under way is killed, nothing marked
                thread, cancel = self._frames
                cancel.set()
                thread.join(timeout=5)

    def _too_long(self) -> dict[str, Any]:
        """Drop the rest of a line longer than any request (never kept whole)."""
        while True:
            rest = self.reader.readline(1 << 20)
            if not rest or rest.endswith(b"\n"):
                break
        refused = protocol.ProtocolError(
            f"a request longer than {protocol.MAX_REQUEST >> 20} MiB was too long: refused"
        )
        return {"id": None, "error": protocol.error_to_wire(refused)}

    def _answer(self, line: bytes) -> dict[str, Any]:
        try:
            request = protocol.decode(line)
        except protocol.ProtocolError as error:
            return {"id": None, "error": protocol.error_to_wire(error)}
        number = request.get("id")
        if type(number) is not int:
            number = None  # an answer never carries back what a request made up
        name = request.get("method")
        params = request.get("params") or {}
        try:
            if type(name) is not str or not isinstance(params, dict):
                raise protocol.ProtocolError("a request needs a method name and its params")
            checks.request(name, params)  # types and ranges, before anything is used
            return {"id": number, "result": self._methods[name](params)}
        except (KinoError, OSError, ValueError, TypeError, KeyError, RecursionError) as error:
            return {"id": number, "error": protocol.error_to_wire(error)}

    def _send(self, message: dict[str, Any]) -> None:
        self.writer.write(protocol.encode(message))
        self.writer.flush()

    def item(self, item_id: Any) -> MediaItem:
        """The box's item with this id (an id is only ever a key, never a path)."""
        (item,) = self.library.items_by_id([str(item_id)])
        return item

    # -- sending files --------------------------------------------------------------------
    def _stream(self, params: dict[str, Any]) -> dict[str, str]:
        """A token for the files of one play's items (``token``: add them to that play)."""
        ids = [item.id for item in self.library.items_by_id(params["ids"])]
        if self.stream is None:
            self.stream = StreamServer(self._open_file)
            self.stream.start()
        token = self.stream.open_play(ids, params.get("token"))
        return {"socket": self.stream.socket_path, "token": token}

    def _stream_end(self, params: dict[str, Any]) -> None:
        """The play is over: its token opens nothing any more."""
        if self.stream is not None:
            self.stream.end_play(params["token"])

    def _check(self, params: dict[str, Any]) -> None:
        """Can the box send every file of these items? (Before the laptop's player starts.)"""
        for item_id in params.get("ids") or ():
            item = self.item(item_id)
            for index in range(len(item.parts or [item.path])):
                try:
                    check_servable(item, index, self.library.settings.roots)
                except Refused as refused:
                    raise PlayerError(
                        f"{refused}: rescan the library on the box if it moved"
                    ) from None

    def _open_file(self, kind: str, item_id: str, index: int) -> int:
        path = servable_path(self.item(item_id), index, kind)
        return open_file(path, self.library.settings.roots)

    def _poster(self, params: dict[str, Any]) -> str:
        item = self.item(params.get("id"))
        field = str(params.get("field"))
        if field not in ARTWORK_FIELDS:
            raise ValueError(f"no artwork field {field!r}")
        path = getattr(item, field)
        if not path:
            raise ItemNotFound(f"{item.display_title} has no {field}")
        return self._read_artwork(path)

    def _make_frames(self, params: dict[str, Any]) -> bool:
        """Start taking the box's missing frames in the background (one run at a time);
        True when a run started, False when one is already under way."""
        if self._frames is not None and self._frames[0].is_alive():
            return False
        items = list(self.library.load_cached()[0].items.values())
        cancel = threading.Event()
        thread = threading.Thread(
            target=self.library.make_frames, args=(items, cancel), name="frames", daemon=True
        )
        self._frames = (thread, cancel)
        thread.start()
        return True

    def _frame(self, params: dict[str, Any]) -> str | None:
        """The frame the box took for an item, as base64; None while it has none."""
        path = self.library.frame_for(self.item(params.get("id")))
        if path is None:
            return None
        # the box's own cache file, named by the box from its catalog (never by the
        # laptop): opened without following a link, read up to the poster bound
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(descriptor, "rb") as file:
            data = file.read(MAX_POSTER_BYTES + 1)
        if len(data) > MAX_POSTER_BYTES:
            raise ValueError("the frame is too large")
        return base64.b64encode(data).decode("ascii")

    def _artwork(self, params: dict[str, Any]) -> str:
        """An artwork file by its path: only one the catalog names as an item's artwork."""
        data, _ = self.library.load_cached()
        if self._artwork_paths is None or self._artwork_paths[0] is not data:
            names = frozenset(
                path
                for item in data.items.values()
                for field in ARTWORK_FIELDS
                if (path := getattr(item, field))
            )
            self._artwork_paths = (data, names)
        path = str(params.get("path"))
        if path not in self._artwork_paths[1]:
            raise ItemNotFound(f"no item of the box has the artwork {path!r}")
        return self._read_artwork(path)

    def _read_artwork(self, path: str) -> str:
        """An artwork file as base64, opened beneath a library root (a poster is small;
        anything huge is refused)."""
        data = read_beneath(path, self.library.settings.roots, MAX_POSTER_BYTES)
        return base64.b64encode(data).decode("ascii")


# -- the wire shapes of the table's answers and parameters ----------------------------------
def _catalog(data: CatalogData, warnings: list[str]) -> dict[str, Any]:
    return {"items": [item.to_dict() for item in data.items.values()], "warnings": warnings}


def _found(items: list[MediaItem], warnings: list[str]) -> dict[str, Any]:
    return {"items": [item.to_dict() for item in items], "warnings": warnings}


def _searched(results: list[SearchResult], warnings: list[str]) -> dict[str, Any]:
    return {"results": [asdict(result) for result in results], "warnings": warnings}


def _progress(progress: Progress | dict[str, Progress]) -> Any:
    if isinstance(progress, Progress):
        return protocol.progress_to_wire(progress)
    return {key: protocol.progress_to_wire(one) for key, one in progress.items()}


def _changed(changed: tuple[tuple[int, int, int], dict[str, Progress]] | None) -> Any:
    if changed is None:
        return None
    signature, progress = changed
    return {"signature": list(signature), "progress": _progress(progress)}


def _marked(marked: Marked) -> dict[str, Any]:
    """A mark's answer: each item's progress now, and before (None: it had no record)."""
    return {
        "marked": _progress(marked.updates),
        "previous": {
            key: None if before is None else protocol.progress_to_wire(before)
            for key, before in marked.previous.items()
        },
    }


def _marked_from(library: Library, params: dict[str, Any]) -> Marked:
    """The mark an undo puts back, as the client kept it from :func:`_marked`."""
    previous = params.get("previous")
    if not isinstance(previous, dict):
        raise ValueError("undo needs the records from before the mark")
    before = {
        str(key): None if value is None else protocol.progress_from_wire(value)
        for key, value in previous.items()
    }
    return Marked(library.items_by_id(_ids(params)), _flag(params), {}, before)


def _text(params: dict[str, Any], key: str) -> str:
    value = params.get(key)
    if not isinstance(value, str):
        raise ValueError(f"{key} must be a string")
    return value


def _optional_text(params: dict[str, Any], key: str) -> str | None:
    return None if params.get(key) is None else _text(params, key)


def _ids(params: dict[str, Any]) -> list[str]:
    ids = params.get("ids")
    if not isinstance(ids, list) or not all(isinstance(one, str) for one in ids):
        raise ValueError("ids must be a list of strings")
    return ids


def _flag(params: dict[str, Any]) -> bool:
    value = params.get("watched")
    if not isinstance(value, bool):
        raise ValueError("watched must be true or false")
    return value


def _signature(params: dict[str, Any]) -> tuple[int, int, int] | None:
    given = params.get("signature")
    if isinstance(given, list) and len(given) == 3 and all(type(n) is int for n in given):
        return given[0], given[1], given[2]
    return None


def _record(params: dict[str, Any]) -> dict[str, Any]:
    record = params.get("record")
    if not isinstance(record, dict):
        raise ValueError("add_history needs a record object")
    return record


def _end(number: int, frame: object) -> None:
    """SIGTERM, SIGHUP: end as when the input ends (the stream stopped, its folder
    removed), with the status a signal gives."""
    raise SystemExit(128 + number)


def serve_stdio(library: Library) -> int:
    """Serve on this process's stdin and stdout until stdin ends. Anything else that
    writes to stdout (a stray print) goes to stderr instead: stdout is the protocol's."""
    remove_abandoned()  # the folders of a serve that was killed
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, _end)
    protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    reader = os.fdopen(os.dup(sys.stdin.fileno()), "rb")
    with protocol_out, reader:
        return Server(library, reader, protocol_out).run()
