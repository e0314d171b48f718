"""The ``[keys]`` table checked against the bindings the front ends have."""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Collection
from pathlib import Path

from kino_tui.config.lines import where


def unknown_binding_ids(path: Path, known: Collection[str]) -> list[str]:
    """One line for each id under ``[keys]`` that names no binding (a typo such as
    ``browser.serch``), with its line and the closest id. The front end knows its ids."""
    try:
        text = path.read_text("utf-8")
        keys = tomllib.loads(text).get("keys", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return []  # load_settings has said what is wrong with the file
    if not isinstance(keys, dict):
        return []
    lines = []
    for binding_id in keys:
        if binding_id in known:
            continue
        close = difflib.get_close_matches(binding_id, list(known), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else " (the help screen, ?, lists them)"
        lines.append(
            f"config error in {path}{where(text, ('keys', binding_id))}: "
            f"no key binding has the id {binding_id!r}{hint}"
        )
    return lines
