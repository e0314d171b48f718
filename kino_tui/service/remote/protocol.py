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
from dataclasses import asdict
from typing import Any

from kino_tui.core import errors
from kino_tui.core.models import Progress

#: Bumped whenever a method changes shape; both ends must speak the same one.
PROTOCOL = 2  # 2: methods named as the Library's (load, undo, search, item_records)
#: The longest line either end reads (a whole catalog of 50,000 items is ~40 MB).
MAX_LINE = 512 * 1024 * 1024


class ProtocolError(errors.KinoError):
    """The other end said something that is not this protocol."""


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
    )
}


def encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, ensure_ascii=True, separators=(",", ":")).encode("ascii") + b"\n"


def decode(line: bytes) -> dict[str, Any]:
    try:
        message = json.loads(line)
    except ValueError:
        shown = line[:80].decode("utf-8", "replace")
        raise ProtocolError(f"not a kino protocol line: {shown!r}") from None
    if not isinstance(message, dict):
        raise ProtocolError("a kino protocol line must be a JSON object")
    return message


def error_to_wire(error: BaseException) -> dict[str, str]:
    name = type(error).__name__
    kind = name if name in _ERRORS else "KinoError"
    return {"type": kind, "message": str(error)}


def error_from_wire(error: Any) -> errors.KinoError:
    if not isinstance(error, dict):
        return ProtocolError(f"the box sent a malformed error: {error!r}")
    cls = _ERRORS.get(str(error.get("type")), errors.KinoError)
    return cls(f"on the box: {error.get('message')}")


def progress_to_wire(progress: Progress) -> dict[str, Any]:
    return asdict(progress)


def progress_from_wire(data: Any) -> Progress:
    if not isinstance(data, dict):
        raise ProtocolError(f"a progress record must be an object, not {data!r}")
    known = Progress.__dataclass_fields__
    return Progress(**{key: value for key, value in data.items() if key in known})
