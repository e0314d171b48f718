"""The ``[keys]`` table checked against the bindings the front ends have: ids that name no
binding, and keys given to a binding that another one on the same screen has."""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path

from kino_tui.config.lines import where


def binding_problems(path: Path, screens: Sequence[Mapping[str, str]]) -> list[str]:
    """One line for each ``[keys]`` id that names no binding (a typo such as
    ``browser.serch``, with the closest id), and for each remapped key that another
    binding active on the same screen already has (``"browser.sort" = "w"`` leaves
    nothing to mark watched). ``screens``: per screen, the id and default keys of every
    binding active on it (the front end knows them)."""
    try:
        text = path.read_text("utf-8")
        remaps = tomllib.loads(text).get("keys", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return []  # load_settings has said what is wrong with the file
    if not isinstance(remaps, dict):
        return []
    known = sorted({binding_id for screen in screens for binding_id in screen})
    lines = []
    for binding_id in remaps:
        if binding_id in known:
            continue
        close = difflib.get_close_matches(binding_id, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else " (the help screen, ?, lists them)"
        lines.append(
            f"config error in {path}{where(text, ('keys', binding_id))}: "
            f"no key binding has the id {binding_id!r}{hint}"
        )
    said: set[tuple[str, str]] = set()
    for screen in screens:
        for binding_id, key, other in _clashes(screen, remaps):
            if (binding_id, other) not in said:
                said.add((binding_id, other))
                lines.append(
                    f"config warning in {path}{where(text, ('keys', binding_id))}: "
                    f"{key!r} for {binding_id!r} is also {other!r}'s key on the same screen; "
                    "give one of them another key"
                )
    return lines


def _keys(value: str) -> set[str]:
    return {key.strip() for key in value.split(",") if key.strip()}


def _clashes(screen: Mapping[str, str], remaps: Mapping[str, object]) -> list[tuple[str, str, str]]:
    """(remapped id, key, other id) for each key a remap gives that another binding of
    the screen has (keys the defaults already share, as Enter is, are not a clash)."""
    found = []
    for binding_id, value in remaps.items():
        if binding_id not in screen or not isinstance(value, str):
            continue
        for other, default in screen.items():
            if other == binding_id:
                continue
            theirs = _keys(str(remaps[other])) if isinstance(remaps.get(other), str) else _keys(default)
            for key in sorted(_keys(value) & theirs):
                if key not in _keys(screen[binding_id]) or key not in _keys(default):
                    found.append((binding_id, key, other))
    return found
