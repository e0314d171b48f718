"""Keys as a user types them (``/``, ``?``, ``shift+tab``), read through the user's
``[keys]`` remapping, for the help screen, the key bar and notices."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding
from textual.keys import format_key

#: Names Textual draws as symbols that are clearer spelled out, or the other way round.
_NAMES = {
    "enter": "enter",
    "backspace": "backspace",
    "escape": "esc",
    "space": "space",
    "tab": "tab",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "pageup": "pgup",
    "pagedown": "pgdn",
}


def key_name(key: str) -> str:
    """``slash`` → ``/``, ``question_mark`` → ``?``, ``ctrl+p`` → ``ctrl+p``."""
    key = key.strip()
    if "+" in key and len(key) > 1:
        *modifiers, last = key.split("+")
        if last:  # "ctrl+p"; a lone "+" is the plus key
            return "+".join([*modifiers, key_name(last)])
    return _NAMES.get(key) or format_key(key)


def keys_of(app: App[object], binding: Binding) -> list[str]:
    """Every key of a binding, as typed, after the user's remapping."""
    keymap: dict[str, str] = getattr(app, "_keymap", {}) or {}
    keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
    return [key_name(k) for k in keys.split(",") if k.strip()]


def first_key(app: App[object], binding_id: str, default: str) -> str:
    """The key that runs the binding ``binding_id`` now (its first, after remapping)."""
    keymap: dict[str, str] = getattr(app, "_keymap", {}) or {}
    keys = keymap.get(binding_id, default)
    return key_name(keys.split(",")[0])
