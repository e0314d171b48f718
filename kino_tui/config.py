"""Settings from ``config.toml``: read with tomllib, edited in place with tomlkit."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kino_tui.core.errors import ConfigError
from kino_tui.core.fsutil import atomic_write_bytes
from kino_tui.core.models import ROOT_TYPES, LibraryRoot, RootType
from kino_tui.core.player_settings import PlayerSettings
from kino_tui.core.progress import ResumeRules

if TYPE_CHECKING:  # tomlkit is imported when a config is edited, not at every start
    import tomlkit

PLAYERS = ("mpv", "vlc")
PLAYBACK_MODES = ("auto", "window", "terminal")
RESUME_MODES = ("ask", "always", "never")
#: How the UI draws posters (``auto`` picks one without querying the terminal).
IMAGE_MODES = ("auto", "kitty", "sixel", "halfcell", "off")


@dataclass(frozen=True, slots=True)
class Settings:
    """Validated settings; everything has a default so an empty file is fine."""

    roots: tuple[LibraryRoot, ...] = ()
    player: str = "mpv"
    playback: PlayerSettings = field(default_factory=PlayerSettings)
    autoplay_next: bool = False
    next_up_days: int = 365
    next_up_specials: bool = False
    images: str = "auto"
    raw: dict[str, Any] = field(default_factory=dict)


def load_settings(path: Path) -> Settings:
    """Read and validate the config; a missing file means defaults."""
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read config {path}: {error}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(_describe_toml_error(path, error)) from None
    return _validate(path, text, data)


def _describe_toml_error(path: Path, error: tomllib.TOMLDecodeError) -> str:
    message = str(error)
    match = re.search(r"\(at line (\d+), column (\d+)\)", message)
    reason = message[: match.start()].strip() if match else message
    where = f", line {match.group(1)}" if match else ""
    return f"config error in {path}{where}: {reason}"


def _line_of(text: str, key: str) -> str:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return f", line {number}"
    return ""


def _validate(path: Path, text: str, data: dict[str, Any]) -> Settings:
    def fail(key: str, reason: str) -> ConfigError:
        return ConfigError(f"config error in {path}{_line_of(text, key)}: {reason}")

    player = data.get("player", "mpv")
    if player not in PLAYERS:
        raise fail("player", f"player must be one of {', '.join(PLAYERS)}, not {player!r}")
    raw_roots = data.get("roots", [])
    if not isinstance(raw_roots, list):
        raise fail("roots", "roots must be a list of [[roots]] tables")
    roots: list[LibraryRoot] = []
    for entry in raw_roots:
        if isinstance(entry, str):
            entry = {"path": entry}
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            raise fail("path", 'each [[roots]] entry needs a path = "..." string')
        root_type = entry.get("type", "mixed")
        if root_type not in ROOT_TYPES:
            raise fail(
                "type", f"root type must be one of {', '.join(ROOT_TYPES)}, not {root_type!r}"
            )
        roots.append(LibraryRoot(normalise_root(entry["path"]), root_type))
    return Settings(
        roots=tuple(roots),
        player=player,
        playback=_player_settings(data, player, fail),
        autoplay_next=_typed(data, "autoplay_next", bool, False, fail),
        next_up_days=_typed(data.get("next_up", {}), "days", int, 365, fail),
        next_up_specials=_typed(data.get("next_up", {}), "include_specials", bool, False, fail),
        images=_choice(data, "images", IMAGE_MODES, fail),
        raw=data,
    )


Fail = Callable[[str, str], ConfigError]


def _typed(table: Any, key: str, kind: type, default: Any, fail: Fail) -> Any:
    if not isinstance(table, dict) or key not in table:
        return default
    value = table[key]
    allowed = (int, float) if kind is float else kind
    if not isinstance(value, allowed) or (kind is not bool and isinstance(value, bool)):
        raise fail(key, f"{key} must be {_KIND_NAMES[kind]}, not {value!r}")
    return value


_KIND_NAMES = {bool: "true or false", int: "a whole number", float: "a number", str: "a string"}


def _choice(data: dict[str, Any], key: str, choices: tuple[str, ...], fail: Fail) -> str:
    value = data.get(key, choices[0])
    if value not in choices:
        raise fail(key, f"{key} must be one of {', '.join(choices)}, not {value!r}")
    return str(value)


def _string_list(table: dict[str, Any], key: str, fail: Fail) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(key, f'{key} must be a list of strings, like ["--fs"]')
    return tuple(value)


def _player_settings(data: dict[str, Any], player: str, fail: Fail) -> PlayerSettings:
    progress = data.get("progress", {})
    if not isinstance(progress, dict):
        raise fail("progress", "[progress] must be a table")
    defaults = ResumeRules()
    rules = ResumeRules(
        **{
            name: float(_typed(progress, name, float, getattr(defaults, name), fail))
            for name in ResumeRules.__dataclass_fields__
        }
    )
    commands: dict[str, tuple[str, ...]] = {}
    extra_args: dict[str, tuple[str, ...]] = {}
    terminal_vo = ""
    for name in PLAYERS:
        table = data.get(name, {})
        if not isinstance(table, dict):
            raise fail(name, f"[{name}] must be a table")
        command = _string_list(table, "command", fail)
        if command:
            commands[name] = command
        extra_args[name] = _string_list(table, "args", fail)
        if name == "mpv":
            terminal_vo = _typed(table, "terminal_vo", str, "", fail)
    return PlayerSettings(
        player=player,
        mode=_choice(data, "playback", PLAYBACK_MODES, fail),  # type: ignore[arg-type]
        resume=_choice(data, "resume", RESUME_MODES, fail),  # type: ignore[arg-type]
        rules=rules,
        commands=commands,
        extra_args=extra_args,
        terminal_vo=terminal_vo,
    )


def normalise_root(path: str | os.PathLike[str]) -> str:
    """An absolute, user-expanded path without a trailing slash (symlinks kept)."""
    return os.path.abspath(os.path.expanduser(os.fspath(path)))


def _load_document(path: Path) -> tomlkit.TOMLDocument:
    import tomlkit

    load_settings(path)  # refuse to edit a file we cannot read
    try:
        return tomlkit.parse(path.read_text("utf-8"))
    except FileNotFoundError:
        return tomlkit.document()


def _save_document(path: Path, document: tomlkit.TOMLDocument) -> None:
    import tomlkit

    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, tomlkit.dumps(document).encode("utf-8"))


def add_roots(path: Path, folders: list[str], root_type: RootType = "mixed") -> list[LibraryRoot]:
    """Add folders to the config (or change their type); return the roots added or changed."""
    import tomlkit

    document = _load_document(path)
    roots = document.get("roots")
    if roots is None:
        roots = tomlkit.aot()
        document["roots"] = roots
    changed = []
    for folder in folders:
        normalised = normalise_root(folder)
        existing = next((t for t in roots if normalise_root(t["path"]) == normalised), None)
        if existing is None:
            table = tomlkit.table()
            table["path"] = normalised
            table["type"] = root_type
            roots.append(table)
        elif existing.get("type", "mixed") != root_type:
            existing["type"] = root_type
        else:
            continue
        changed.append(LibraryRoot(normalised, root_type))
    _save_document(path, document)
    return changed


def remove_root(path: Path, folder: str) -> bool:
    """Remove a folder from the config; False when it was not a root."""
    import tomlkit

    document = _load_document(path)
    roots = document.get("roots")
    if not roots:
        return False
    normalised = normalise_root(folder)
    keep = [t for t in roots if normalise_root(t["path"]) != normalised]
    if len(keep) == len(roots):
        return False
    new_roots = tomlkit.aot()
    for table in keep:
        new_roots.append(table)
    document["roots"] = new_roots
    _save_document(path, document)
    return True
