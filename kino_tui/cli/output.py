"""Printing for the command line: file-derived text made safe, JSON, and a closed pipe
(``kino ls | head -1``) ending the command quietly instead of in a traceback."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import orjson

from kino_tui.core.display import printable


def out(text: str = "") -> None:
    sys.stdout.write(printable(text) + "\n")


def error(message: str) -> None:
    sys.stderr.write(f"kino: {printable(message)}\n")


def warn_all(warnings: list[str]) -> None:
    for warning in warnings:
        error(warning)


def write_json(value: Any) -> None:
    try:
        data = orjson.dumps(value)
    except TypeError:  # non-UTF-8 file names: escape them the way Python's json does
        data = json.dumps(value, ensure_ascii=True).encode("ascii")
    sys.stdout.buffer.write(data + b"\n")
    sys.stdout.flush()


def silence_stdout() -> None:
    """The reader went away: send the rest (and the interpreter's final flush) nowhere."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
