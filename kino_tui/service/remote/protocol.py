"""The wire format between ``kino --remote`` and ``kino serve --stdio``.

One JSON object a line, in both directions. The server speaks first with a greeting
(``{"kino": "serve", "protocol": N, "version": "…"}``); the client refuses a protocol it
does not speak. Then each request ``{"id": n, "method": "…", "params": {…}}`` gets one
answer ``{"id": n, "result": …}`` or ``{"id": n, "error": {"type": "…", "message": "…"}}``.

JSON is written with ``ensure_ascii``: a file name that is not UTF-8 (surrogate escapes in
Python) travels as ``\\udcXX`` and comes back as the same string on the other side.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from typing import Any

from kino_tui.core import errors
from kino_tui.core.models import Progress

#: Bumped whenever a method changes shape; both ends must speak the same one.
#: 2: methods named as the Library's (load, undo, search, item_records); 3: a stream
#: token per play (``stream`` names the play's ids, ``stream_end``), every value checked.
PROTOCOL = 3
#: The longest answer the laptop reads (a whole catalog of 50,000 items is ~40 MB).
MAX_LINE = 512 * 1024 * 1024
#: The longest request the box reads (a mark of 100,000 ids is ~5 MB).
MAX_REQUEST = 16 * 1024 * 1024
#: The deepest nesting of arrays and objects either end accepts (kino's own messages
#: are at most 5 deep: answer, result, item, track list, track).
MAX_DEPTH = 16
#: The longest error message sent or shown: an error never echoes a request whole.
MAX_MESSAGE = 600


class ProtocolError(errors.KinoError):
    """The other end said something that is not this protocol."""


class BadRequest(ProtocolError):
    """A request (or an answer) with a value of the wrong type or out of range."""


class RemoteError(errors.KinoError):
    """The connection to the box failed or ended."""


#: Errors that cross the wire keep their type (anything else arrives as a KinoError).
_ERRORS: dict[str, type[errors.KinoError]] = {
    cls.__name__: cls
    for cls in (
        errors.KinoError,
        errors.ConfigError,
        errors.CatalogError,
        errors.LockTimeout,
        errors.PlayerError,
        errors.ItemNotFound,
        errors.DataFileUnwritable,
        errors.DataFileUnreadable,
        ProtocolError,
        BadRequest,
    )
}


def encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, ensure_ascii=True, separators=(",", ":")).encode("ascii") + b"\n"


_NOT_SYNTAX = bytes(set(range(256)) - set(b'[]{}"'))
_STRING = re.compile(rb'"[^"]*"')


def nesting(line: bytes, limit: int = MAX_DEPTH) -> int:
    """How deep the arrays and objects of a JSON line nest, up to ``limit + 1`` (0 when
    it has too few brackets to matter). Only C-speed passes (0.14 s of CPU for a 50 MB
    catalog): escapes dropped, then all but quotes and brackets, then the strings (two
    quotes side by side close a string and open the next, or are an empty one: either
    way nothing outside a string is lost), then the innermost pairs peeled, once a level."""
    if line.count(b"[") + line.count(b"{") <= limit:
        return 0
    unescaped = line.replace(b"\\\\", b"").replace(b'\\"', b"")
    syntax = unescaped.translate(None, _NOT_SYNTAX).replace(b'""', b"")
    brackets = _STRING.sub(b"", syntax)
    depth = 0
    while brackets and depth <= limit:
        brackets = brackets.replace(b"[]", b"").replace(b"{}", b"")
        depth += 1
    return depth


def decode(line: bytes) -> dict[str, Any]:
    """One message; raises :class:`ProtocolError` (quoting at most a few bytes of it)
    for anything that is not a JSON object nested at most :data:`MAX_DEPTH` deep."""
    if nesting(line) > MAX_DEPTH:
        raise ProtocolError(f"a line nested deeper than {MAX_DEPTH} levels: refused")
    try:
        message = json.loads(line)
    except (ValueError, RecursionError):
        shown = line[:60].decode("utf-8", "replace")
        raise ProtocolError(f"a line that is not kino's protocol: {shown!r}") from None
    if not isinstance(message, dict):
        raise ProtocolError("a line that is not a JSON object")
    return message


def shorten(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` cut to ``limit`` characters (an error message quoting a request)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def error_to_wire(error: BaseException) -> dict[str, str]:
    name = type(error).__name__
    kind = name if name in _ERRORS else "KinoError"
    return {"type": kind, "message": shorten(str(error))}


def error_from_wire(error: Any) -> errors.KinoError:
    if not isinstance(error, dict) or not isinstance(error.get("message"), str):
        return ProtocolError(f"the box sent a malformed error: {shorten(repr(error), 80)}")
    cls = _ERRORS.get(str(error.get("type")), errors.KinoError)
    return cls(f"on the box: {shorten(error['message'])}")


def progress_to_wire(progress: Progress) -> dict[str, Any]:
    return asdict(progress)


def progress_from_wire(data: Any) -> Progress:
    """A progress record from the other side, its every value checked (see ``checks``)."""
    from kino_tui.service.remote import checks  # checks imports this module

    return checks.progress(data)
