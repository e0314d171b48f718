"""Where a key is in a TOML text: the line of each table and key (tomllib keeps no
positions), so every config error can say ``line N``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable

from kino_tui.core.errors import ConfigError

#: Where a value is in the file: its keys from the top, with the index of an array table
#: entry, e.g. ``("progress", "save_interval")`` or ``("roots", 1, "type")``.
Location = tuple[str | int, ...]
Fail = Callable[[Location, str], ConfigError]

_SEGMENT = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_DOTTED = rf"{_SEGMENT}(?:\s*\.\s*{_SEGMENT})*"
_HEADER = re.compile(rf"\s*(\[\[?)\s*({_DOTTED})\s*\]")
_KEY = re.compile(rf"\s*({_DOTTED})\s*=")


def _key_parts(dotted: str) -> tuple[str, ...]:
    parts = []
    for segment in re.findall(_SEGMENT, dotted):
        if segment[0] == '"':
            try:
                segment = tomllib.loads(f"k = {segment}")["k"]
            except tomllib.TOMLDecodeError:
                segment = segment[1:-1]
        elif segment[0] == "'":
            segment = segment[1:-1]
        parts.append(segment)
    return tuple(parts)


def _locations(text: str) -> dict[Location, int]:
    """The line of each key and table header in ``text`` (the first, if repeated),
    following ``[table]`` and ``[[array]]`` headers the way TOML does."""
    found: dict[Location, int] = {}
    current: Location = ()
    counts: dict[Location, int] = {}
    closing: str | None = None  # inside a multi-line string until this delimiter
    for number, line in enumerate(text.splitlines(), start=1):
        if closing is not None:
            if closing in line:
                closing = None
            continue
        header = _HEADER.match(line)
        key = None if header else _KEY.match(line)
        if header:
            table: Location = _key_parts(header.group(2))
            if header.group(1) == "[[":
                counts[table] = counts.get(table, -1) + 1
                table = (*table, counts[table])
            current = table
            found.setdefault(current, number)
        elif key:
            parts = _key_parts(key.group(1))
            for end in range(1, len(parts) + 1):  # a.b = 1 also defines the table a
                found.setdefault((*current, *parts[:end]), number)
        for delimiter in ('"""', "'''"):
            if line.count(delimiter) % 2:
                closing = delimiter
    return found


def where(text: str, location: Location) -> str:
    """``, line N`` for the key at ``location`` (or the nearest table around it)."""
    lines = _locations(text)
    while location:
        if location in lines:
            return f", line {lines[location]}"
        location = location[:-1]
    return ""
