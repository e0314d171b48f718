"""``kino serve --stdio``: the box's :class:`~kino_tui.service.Library` over stdin/stdout.

Started by ``kino --remote`` through ssh, one process per connection. It reads requests
until its standard input ends (the connection closed, or died), then stops the stream
endpoint, removes its private directory and exits: nothing stays behind. It opens no
port: the stream endpoint (``stream.py``) is a Unix socket in a private directory,
reached only through the ssh connection's own forward.
"""

from __future__ import annotations

import base64
import os
import sys
import threading
from collections.abc import Callable
from typing import Any, BinaryIO

from kino_tui import __version__
from kino_tui.core.catalog.store import CatalogData
from kino_tui.core.errors import ItemNotFound, KinoError, PlayerError
from kino_tui.core.models import MediaItem, Progress
from kino_tui.service import loading
from kino_tui.service.library import Library
from kino_tui.service.remote import protocol
from kino_tui.service.remote.access import ARTWORK_FIELDS, Refused, servable_file
from kino_tui.service.remote.stream import StreamServer

#: The largest poster the box sends (a poster is a few hundred KiB; this refuses films).
MAX_POSTER_BYTES = 16 * 1024 * 1024


class Server:
    """Answers one client's requests, one at a time, in the order they come."""

    def __init__(self, library: Library, reader: BinaryIO, writer: BinaryIO) -> None:
        self.library = library
        self.reader = reader
        self.writer = writer
        self.stream: StreamServer | None = None
        self._data: CatalogData | None = None
        self._data_signature: tuple[int, int] | None = None
        self._data_lock = threading.Lock()
        self._load_warnings: list[str] = []  # from loads the client has not seen yet
        self._methods: dict[str, Callable[[dict[str, Any]], Any]] = {
            "items": self._items,
            "find": self._find,
            "section": self._section,
            "progress": self._progress,
            "progress_since": self._progress_since,
            "save_progress": self._save_progress,
            "mark": self._mark,
            "restore": self._restore,
            "add_history": self._add_history,
            "history": lambda params: self.library.history(),
            "warnings": self._warnings,
            "stream": self._stream,
            "check": self._check,
            "poster": self._poster,
            "artwork": self._artwork,
        }
        self._artwork_paths: tuple[CatalogData, frozenset[str]] | None = None

    def run(self) -> int:
        self._send({"kino": "serve", "protocol": protocol.PROTOCOL, "version": __version__})
        try:
            while True:
                line = self.reader.readline(protocol.MAX_LINE)
                if not line:
                    return 0  # the connection ended: so does the server
                if line.strip():
                    self._send(self._answer(line))
        except (BrokenPipeError, ConnectionResetError):
            return 0
        finally:
            if self.stream is not None:
                self.stream.stop()

    def _answer(self, line: bytes) -> dict[str, Any]:
        try:
            request = protocol.decode(line)
        except protocol.ProtocolError as error:
            return {"id": None, "error": protocol.error_to_wire(error)}
        number = request.get("id")
        method = self._methods.get(str(request.get("method")))
        params = request.get("params") or {}
        if method is None or not isinstance(params, dict):
            unknown = protocol.ProtocolError(f"unknown request {request.get('method')!r}")
            return {"id": number, "error": protocol.error_to_wire(unknown)}
        try:
            return {"id": number, "result": method(params)}
        except (KinoError, OSError, ValueError, TypeError, KeyError) as error:
            return {"id": number, "error": protocol.error_to_wire(error)}

    def _send(self, message: dict[str, Any]) -> None:
        self.writer.write(protocol.encode(message))
        self.writer.flush()

    # -- the catalog, read again only when the file changed ---------------------------
    def data(self) -> CatalogData:
        try:
            stat = self.library.catalog.path.stat()
            signature: tuple[int, int] | None = (stat.st_ino, stat.st_mtime_ns)
        except OSError:
            signature = None
        with self._data_lock:
            if self._data is None or signature != self._data_signature:
                data, warnings = self.library.load()
                self._data, self._data_signature = data, signature
                self._load_warnings += warnings
            return self._data

    def item(self, item_id: Any) -> MediaItem:
        """The box's item with this id (an id is only ever a key, never a path)."""
        item = self.data().items.get(str(item_id))
        if item is None:
            raise ItemNotFound(f"the box's catalog has no item with the id {item_id!r}")
        return item

    # -- methods ----------------------------------------------------------------------
    def _items(self, params: dict[str, Any]) -> dict[str, Any]:
        data, warnings = self.library.load()
        with self._data_lock:
            self._data = data
        return {"items": [item.to_dict() for item in data.items.values()], "warnings": warnings}

    def _warnings(self, params: dict[str, Any]) -> list[str]:
        with self._data_lock:
            lines, self._load_warnings = self._load_warnings, []
        return [*lines, *self.library.take_warnings()]

    def _find(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """The item with this id or path, or the items under a folder (``kino play``)."""
        return [item.to_dict() for item in loading.find_items(self.data(), str(params["target"]))]

    def _section(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        view = self.library.view(self.data())
        return [item.to_dict() for item in loading.section_items(view, str(params["key"]))]

    def _progress(self, params: dict[str, Any]) -> Any:
        if "id" in params:
            return protocol.progress_to_wire(self.library.watch.get(str(params["id"])))
        return {key: protocol.progress_to_wire(p) for key, p in self.library.watch.all().items()}

    def _progress_since(self, params: dict[str, Any]) -> Any:
        given = params.get("signature")
        signature = tuple(given) if isinstance(given, list) and len(given) == 3 else None
        changed = self.library.progress_since(signature)
        if changed is None:
            return None
        current, progress = changed
        return {
            "signature": list(current),
            "progress": {key: protocol.progress_to_wire(p) for key, p in progress.items()},
        }

    def _save_progress(self, params: dict[str, Any]) -> None:
        progress = protocol.progress_from_wire(params.get("progress"))
        self.library.watch.save(self.item(params.get("id")), progress)

    def _mark(self, params: dict[str, Any]) -> dict[str, Any]:
        """Mark items; the answer has each one's progress and what it was before (for
        the client's undo)."""
        ids = params.get("ids")
        if not isinstance(ids, list):
            raise ValueError("mark needs a list of ids")
        items = [self.item(item_id) for item_id in ids]
        before = self.library.watch.all()
        marked = self.library.mark_watched(items, bool(params.get("watched")))
        return {
            "marked": {key: protocol.progress_to_wire(p) for key, p in marked.items()},
            "previous": {
                item.id: protocol.progress_to_wire(before[item.id]) if item.id in before else None
                for item in items
            },
        }

    def _restore(self, params: dict[str, Any]) -> None:
        """Put items' progress back as a mark found it (None: no progress then)."""
        previous = params.get("previous")
        if not isinstance(previous, dict):
            raise ValueError("restore needs the previous records")
        for item_id, record in previous.items():
            progress = Progress() if record is None else protocol.progress_from_wire(record)
            self.library.watch.save(self.item(item_id), progress)

    def _add_history(self, params: dict[str, Any]) -> None:
        record = params.get("record")
        if not isinstance(record, dict):
            raise ValueError("add_history needs a record object")
        self.library.watch.add_history(self.item(params.get("id")), record)

    def _stream(self, params: dict[str, Any]) -> dict[str, str]:
        if self.stream is None:
            self.stream = StreamServer(self._servable)
            self.stream.start()
        return {"socket": self.stream.socket_path, "token": self.stream.token}

    def _check(self, params: dict[str, Any]) -> None:
        """Can the box send every file of these items? (Before the laptop's player starts.)"""
        for item_id in params.get("ids") or ():
            item = self.item(item_id)
            for index in range(len(item.parts or [item.path])):
                try:
                    self._servable("part", item.id, index)
                except Refused as refused:
                    raise PlayerError(
                        f"{refused}: rescan the library on the box if it moved"
                    ) from None

    def _servable(self, kind: str, item_id: str, index: int) -> str:
        return servable_file(self.item(item_id), index, self.library.settings.roots, kind)

    def _poster(self, params: dict[str, Any]) -> str:
        item = self.item(params.get("id"))
        field = str(params.get("field"))
        if field not in ARTWORK_FIELDS:
            raise ValueError(f"no artwork field {field!r}")
        path = getattr(item, field)
        if not path:
            raise ItemNotFound(f"{item.display_title} has no {field}")
        return _read_artwork(path)

    def _artwork(self, params: dict[str, Any]) -> str:
        """An artwork file by its path: only one the catalog names as an item's artwork."""
        data = self.data()
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
        return _read_artwork(path)


def _read_artwork(path: str) -> str:
    """An artwork file as base64 (a poster is small; anything huge is refused)."""
    with open(path, "rb") as file:
        data = file.read(MAX_POSTER_BYTES + 1)
    if len(data) > MAX_POSTER_BYTES:
        raise ValueError(f"{path} is too large for a poster")
    return base64.b64encode(data).decode("ascii")


def serve_stdio(library: Library) -> int:
    """Serve on this process's stdin and stdout until stdin ends. Anything else that
    writes to stdout (a stray print) goes to stderr instead: stdout is the protocol's."""
    protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    reader = os.fdopen(os.dup(sys.stdin.fileno()), "rb")
    with protocol_out, reader:
        return Server(library, reader, protocol_out).run()
