"""Printing for the command line: file-derived text made safe, JSON, and a closed pipe
(``kino ls | head -1``) ending the command quietly instead of in a traceback."""

from __future__ import annotations

import base64
import itertools
import os
import sys
from collections.abc import Iterable
from typing import Any

import orjson

from kino_tui.core.display import is_utf8, printable


def out(text: str = "") -> None:
    sys.stdout.write(printable(text) + "\n")


def error(message: str) -> None:
    sys.stderr.write(f"kino: {printable(message)}\n")


def warn_all(warnings: Iterable[str]) -> None:
    for warning in warnings:
        error(warning)


def write_json(value: Any) -> None:
    """Print ``value`` as one line of JSON that is always valid UTF-8 (see
    :func:`utf8_safe` for file names that are not)."""
    try:
        data = orjson.dumps(value)
    except TypeError:  # file names that are not UTF-8 (surrogate escapes)
        data = orjson.dumps(utf8_safe(value))
    sys.stdout.buffer.write(data + b"\n")
    sys.stdout.flush()


def write_json_array(values: Iterable[Any], chunk: int = 2000) -> None:
    """Print ``values`` as one JSON array (the bytes :func:`write_json` prints for their
    list), made and written a few thousand at a time, so a listing of 250,000 items is
    never held whole."""
    write = sys.stdout.buffer.write
    write(b"[")
    first = True
    iterator = iter(values)
    batch = list(itertools.islice(iterator, chunk))
    while batch:
        try:
            data = orjson.dumps(batch)
        except TypeError:  # file names that are not UTF-8 (surrogate escapes)
            data = orjson.dumps(utf8_safe(batch))
        if not first:
            write(b",")
        write(memoryview(data)[1:-1])  # (not a copy of a few megabytes)
        first = False
        batch = list(itertools.islice(iterator, chunk))
    write(b"]\n")
    sys.stdout.flush()


def _raw(text: str) -> bytes:
    """The bytes a name read from the file system had (``os.fsdecode`` undone)."""
    try:
        return os.fsencode(text)
    except UnicodeEncodeError:  # a surrogate that was never a byte: keep it visible
        return text.encode("utf-8", "backslashreplace")


def _shown(text: str) -> str:
    return text if is_utf8(text) else _raw(text).decode("utf-8", "backslashreplace")


def _base64(text: str) -> str:
    return base64.b64encode(_raw(text)).decode("ascii")


def utf8_safe(value: Any) -> Any:
    """The JSON contract for names that are not UTF-8: each such string shows every
    byte that is not UTF-8 as ``\\xNN`` (as kino's screen does), and the object that
    holds it gets ``<field>_bytes``: the base64 of the real bytes (for a list, such as
    ``parts``, the base64 of every element). Fields whose text is UTF-8 are unchanged
    and get no ``_bytes`` field."""
    if isinstance(value, dict):
        safe: dict[Any, Any] = {}
        for key, item in value.items():
            name = _shown(key) if isinstance(key, str) else key
            safe[name] = utf8_safe(item)
            if isinstance(item, str) and not is_utf8(item):
                safe[f"{name}_bytes"] = _base64(item)
            elif isinstance(item, list | tuple) and any(
                isinstance(v, str) and not is_utf8(v) for v in item
            ):
                safe[f"{name}_bytes"] = [_base64(v) if isinstance(v, str) else None for v in item]
        return safe
    if isinstance(value, list | tuple):
        return [utf8_safe(item) for item in value]
    if isinstance(value, str):
        return _shown(value)
    return value


def silence_stdout() -> None:
    """The reader went away: send the rest (and the interpreter's final flush) nowhere."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
