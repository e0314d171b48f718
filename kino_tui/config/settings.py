"""Settings from ``config.toml``: read with tomllib, edited in place with tomlkit."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kino_tui.core.errors import ConfigError, RootOverlap
from kino_tui.core.fsutil import atomic_write_bytes
from kino_tui.core.models import ROOT_TYPES, LibraryRoot, RootType
from kino_tui.core.play.player_settings import PlayerSettings
from kino_tui.core.play.resume import ResumeRules
from kino_tui.core.play.tracks import SUBTITLE_MODES, TrackPreferences

if TYPE_CHECKING:  # tomlkit is imported when a config is edited, not at every start
    import tomlkit

PLAYERS = ("mpv", "vlc")
PLAYBACK_MODES = ("auto", "window", "terminal")
RESUME_MODES = ("ask", "always", "never")
#: How the UI draws posters (``auto`` picks one without querying the terminal).
IMAGE_MODES = ("auto", "kitty", "sixel", "halfcell", "off")


@dataclass(frozen=True, slots=True)
class RemoteSettings:
    """``[remote]``: where ``kino --remote`` goes and how."""

    host: str = ""
    command: tuple[str, ...] = ("kino",)
    ssh: tuple[str, ...] = ("ssh",)


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
    tracks: TrackPreferences = field(default_factory=TrackPreferences)
    #: ``[remote]``: the box ``kino --remote`` talks to by default, the kino to run there
    #: (as rsync's ``--rsync-path``), and the ssh command (argument lists, never a shell).
    remote: RemoteSettings = field(default_factory=RemoteSettings)
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


#: Every setting kino reads, by table; ``[keys]`` is free-form (binding ids) and
#: ``roots`` is the array of ``[[roots]]`` tables.
TOP_LEVEL_KEYS = (
    "player",
    "playback",
    "resume",
    "autoplay_next",
    "skip_intros",
    "images",
    "audio_languages",
    "subtitle_languages",
    "subtitles",
    "progress",
    "next_up",
    "mpv",
    "vlc",
    "keys",
    "remote",
    "roots",
)
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "progress": tuple(ResumeRules.__dataclass_fields__),
    "next_up": ("days", "include_specials"),
    "mpv": ("command", "args", "terminal_vo"),
    "vlc": ("command", "args"),
    "remote": ("host", "command", "ssh"),
    "roots": ("path", "type", "follow_links", "rescan_minutes"),
}
#: The longest ``rescan_minutes`` of a root (a week).
MAX_RESCAN_MINUTES = 7 * 24 * 60
#: The longest ``save_interval`` that still saves progress during a playback.
MAX_SAVE_INTERVAL = 3600.0

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


def _where(text: str, location: Location) -> str:
    """``, line N`` for the key at ``location`` (or the nearest table around it)."""
    lines = _locations(text)
    while location:
        if location in lines:
            return f", line {lines[location]}"
        location = location[:-1]
    return ""


def _number(value: float) -> str:
    return str(value) if isinstance(value, int) else f"{value:g}"


def _unknown(key: str, table: str | None, known: tuple[str, ...]) -> str:
    """Why ``key`` is refused in ``table`` (None: the top level), with a hint."""
    label = "[[roots]]" if table == "roots" else f"[{table}]"
    if table is not None and key in TOP_LEVEL_KEYS:
        first = "[[roots]] table" if table == "roots" else "[table]"
        return (
            f"{key!r} is a top-level setting, but here it is inside {label}: "
            f"top-level settings must come before the first {first}"
        )
    where = "" if table is None else f" in {label}"
    import difflib  # only to explain an unknown key

    close = difflib.get_close_matches(key, known, n=1)
    if close:
        return f"unknown setting {key!r}{where} (did you mean {close[0]!r}?)"
    owner = next(
        (name for name, keys in TABLE_KEYS.items() if name not in (table, "roots") and key in keys),
        None,
    )
    if owner is not None:
        if table is None:
            return f"unknown setting {key!r} (it belongs in [{owner}])"
        return (
            f"unknown setting {key!r}{where} (it belongs to [{owner}]; "
            f"{label} knows {', '.join(known)})"
        )
    return f"unknown setting {key!r}{where} (known: {', '.join(known)})"


def _check_known_keys(data: dict[str, Any], fail: Fail) -> None:
    """Refuse keys kino does not know (typos, settings in the wrong table)."""
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise fail((key,), _unknown(key, None, TOP_LEVEL_KEYS))
    for table, known in TABLE_KEYS.items():
        value = data.get(table)
        if value is None:
            continue
        if table == "roots":
            if not isinstance(value, list):
                raise fail(("roots",), "roots must be a list of [[roots]] tables")
            entries: list[tuple[Location, Any]] = [(("roots", i), e) for i, e in enumerate(value)]
        elif not isinstance(value, dict):
            raise fail((table,), f"[{table}] must be a table")
        else:
            entries = [((table,), value)]
        for location, entry in entries:
            for key in entry if isinstance(entry, dict) else ():
                if key not in known:
                    raise fail((*location, key), _unknown(key, table, known))
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        raise fail(("keys",), "[keys] must be a table of binding ids and keys")
    for name, binding in keys.items():
        if not isinstance(binding, str):
            hint = ""
            if isinstance(binding, dict):
                hint = f' (quote binding ids that hold dots: "{name}.…" = "ctrl+f")'
            raise fail(
                ("keys", name),
                f'key bindings must be strings, like "ctrl+f"; {name} is {binding!r}{hint}',
            )


def _validate(path: Path, text: str, data: dict[str, Any]) -> Settings:
    def fail(location: Location, reason: str) -> ConfigError:
        return ConfigError(f"config error in {path}{_where(text, location)}: {reason}")

    _check_known_keys(data, fail)
    player = data.get("player", "mpv")
    if player not in PLAYERS:
        raise fail(("player",), f"player must be one of {', '.join(PLAYERS)}, not {player!r}")
    roots: list[LibraryRoot] = []
    for index, entry in enumerate(data.get("roots", [])):
        if isinstance(entry, str):
            entry = {"path": entry}
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            raise fail(("roots", index, "path"), 'each [[roots]] entry needs a path = "..." string')
        root_type = entry.get("type", "mixed")
        if root_type not in ROOT_TYPES:
            raise fail(
                ("roots", index, "type"),
                f"root type must be one of {', '.join(ROOT_TYPES)}, not {root_type!r}",
            )
        location = ("roots", index)
        follow_links = _typed(entry, location, "follow_links", bool, False, fail)
        minutes = _typed(entry, location, "rescan_minutes", float, None, fail)
        if minutes is not None and not 0 <= minutes <= MAX_RESCAN_MINUTES:
            raise fail(
                (*location, "rescan_minutes"),
                f"rescan_minutes must be 0 (never) to {MAX_RESCAN_MINUTES}, not {minutes}",
            )
        roots.append(
            LibraryRoot(
                normalise_root(entry["path"]),
                root_type,
                follow_links,
                None if minutes is None else float(minutes),
            )
        )
    next_up = data.get("next_up", {})
    days = _typed(next_up, ("next_up",), "days", int, 365, fail)
    if days < 1:
        raise fail(("next_up", "days"), f"days must be 1 or more, not {days}")
    return Settings(
        roots=tuple(roots),
        player=player,
        playback=_player_settings(data, player, fail),
        autoplay_next=_typed(data, (), "autoplay_next", bool, False, fail),
        next_up_days=days,
        next_up_specials=_typed(next_up, ("next_up",), "include_specials", bool, False, fail),
        images=_choice(data, "images", IMAGE_MODES, fail),
        tracks=_track_preferences(data, fail),
        remote=_remote_settings(data.get("remote", {}), fail),
        raw=data,
    )


def _remote_settings(table: dict[str, Any], fail: Fail) -> RemoteSettings:
    host = _typed(table, ("remote",), "host", str, "", fail)
    if host.startswith("-"):
        raise fail(("remote", "host"), f"host must be a host name for ssh, not {host!r}")
    defaults = RemoteSettings()
    command = _string_list(table, ("remote",), "command", fail) or defaults.command
    ssh = _string_list(table, ("remote",), "ssh", fail) or defaults.ssh
    return RemoteSettings(host=host.strip(), command=command, ssh=ssh)


def _typed(table: Any, where: Location, key: str, kind: type, default: Any, fail: Fail) -> Any:
    if not isinstance(table, dict) or key not in table:
        return default
    value = table[key]
    allowed = (int, float) if kind is float else kind
    if not isinstance(value, allowed) or (kind is not bool and isinstance(value, bool)):
        raise fail((*where, key), f"{key} must be {_KIND_NAMES[kind]}, not {value!r}")
    return value


_KIND_NAMES = {bool: "true or false", int: "a whole number", float: "a number", str: "a string"}


def _choice(data: dict[str, Any], key: str, choices: tuple[str, ...], fail: Fail) -> str:
    value = data.get(key, choices[0])
    if value not in choices:
        raise fail((key,), f"{key} must be one of {', '.join(choices)}, not {value!r}")
    return str(value)


def _string_list(table: dict[str, Any], where: Location, key: str, fail: Fail) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail((*where, key), f'{key} must be a list of strings, like ["--fs"]')
    return tuple(value)


def _track_preferences(data: dict[str, Any], fail: Fail) -> TrackPreferences:
    """``audio_languages``, ``subtitle_languages`` (codes or names babelfish knows, kept
    as ISO 639-2/B codes) and ``subtitles``."""
    from kino_tui.core.metadata.languages import normalise_language

    languages: dict[str, tuple[str, ...]] = {}
    for key in ("audio_languages", "subtitle_languages"):
        value = data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail((key,), f'{key} must be a list of language codes, like ["jpn", "eng"]')
        codes = []
        for text in value:
            code = normalise_language(text)
            if code is None:
                raise fail(
                    (key,),
                    f"{key}: {text!r} is not a language kino knows "
                    '(use ISO 639 codes like "eng", "en" or "jpn", or names like "English")',
                )
            codes.append(code)
        languages[key] = tuple(dict.fromkeys(codes))
    return TrackPreferences(
        audio_languages=languages["audio_languages"],
        subtitle_languages=languages["subtitle_languages"],
        subtitles=_choice(data, "subtitles", SUBTITLE_MODES, fail),  # type: ignore[arg-type]
    )


def _resume_rules(progress: dict[str, Any], fail: Fail) -> ResumeRules:
    """``[progress]``: each value a number in its range."""
    defaults = ResumeRules()
    values = {
        name: float(_typed(progress, ("progress",), name, float, getattr(defaults, name), fail))
        for name in ResumeRules.__dataclass_fields__
    }

    def given(name: str) -> str:  # the value as written, for the message
        return _number(progress.get(name, values[name]))

    for name in ("min_resume_percent", "watched_percent"):
        if not 0 <= values[name] <= 100:
            raise fail(("progress", name), f"{name} must be between 0 and 100, not {given(name)}")
    for name in ("watched_within_seconds", "min_resume_seconds"):
        if values[name] < 0:
            raise fail(("progress", name), f"{name} must be 0 or more, not {given(name)}")
    if not 0 < values["save_interval"] <= MAX_SAVE_INTERVAL:
        raise fail(
            ("progress", "save_interval"),
            f"save_interval must be more than 0 and at most {_number(MAX_SAVE_INTERVAL)} "
            f"seconds, not {given('save_interval')}",
        )
    if values["min_resume_percent"] >= values["watched_percent"]:
        name = "min_resume_percent" if "min_resume_percent" in progress else "watched_percent"
        raise fail(
            ("progress", name),
            f"min_resume_percent ({given('min_resume_percent')}) must be less than "
            f"watched_percent ({given('watched_percent')})",
        )
    return ResumeRules(**values)


def _player_settings(data: dict[str, Any], player: str, fail: Fail) -> PlayerSettings:
    rules = _resume_rules(data.get("progress", {}), fail)
    commands: dict[str, tuple[str, ...]] = {}
    extra_args: dict[str, tuple[str, ...]] = {}
    terminal_vo = ""
    for name in PLAYERS:
        table = data.get(name, {})
        command = _string_list(table, (name,), "command", fail)
        if command:
            commands[name] = command
        extra_args[name] = _string_list(table, (name,), "args", fail)
        if name == "mpv":
            terminal_vo = _typed(table, (name,), "terminal_vo", str, "", fail)
    return PlayerSettings(
        player=player,
        mode=_choice(data, "playback", PLAYBACK_MODES, fail),  # type: ignore[arg-type]
        resume=_choice(data, "resume", RESUME_MODES, fail),  # type: ignore[arg-type]
        rules=rules,
        commands=commands,
        extra_args=extra_args,
        terminal_vo=terminal_vo,
        skip_intros=_typed(data, (), "skip_intros", bool, False, fail),
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


def _entry_path(entry: Any) -> str:
    """A ``[[roots]]`` entry's path (a plain string in ``roots = ["..."]``)."""
    return normalise_root(entry if isinstance(entry, str) else entry["path"])


def _root_tables(document: tomlkit.TOMLDocument) -> tomlkit.items.AoT:
    """The ``[[roots]]`` array of tables, made one if the file has none (or wrote
    ``roots = [...]`` inline: that becomes ``[[roots]]`` tables at the end)."""
    import tomlkit

    roots = document.get("roots")
    if isinstance(roots, tomlkit.items.AoT):
        return roots
    tables = tomlkit.aot()
    for entry in roots or ():
        table = tomlkit.table()
        if isinstance(entry, str):
            table["path"] = entry
        else:
            for key, value in entry.items():
                table[key] = value
        tables.append(table)
    if roots is not None:
        del document["roots"]
    document.append("roots", tables)
    return tables


def _inside(inner: str, outer: str) -> bool:
    """True when ``inner`` is below ``outer`` (path boundaries: /a/bc is not in /a/b)."""
    return inner != outer and inner.startswith(outer.rstrip("/") + "/")


def _overlap(folder: str, other: str) -> str | None:
    """How two different normalised folders overlap: ``"alias"`` (one folder under two
    names), ``"inside"`` (folder is below other), ``"contains"``, or None. Both the paths
    as written and their real paths (symlinks resolved) are compared."""
    real, other_real = os.path.realpath(folder), os.path.realpath(other)
    if real == other_real:
        return "alias"
    if _inside(folder, other) or _inside(real, other_real):
        return "inside"
    if _inside(other, folder) or _inside(other_real, real):
        return "contains"
    return None


def _check_no_overlap(new: list[str], existing: list[str]) -> None:
    for index, folder in enumerate(new):
        for other in new[:index] + new[index + 1 :]:
            relation = _overlap(folder, other)
            if relation == "inside":
                raise RootOverlap(
                    f"{folder} is inside {other}, which is added too: add only {other}, "
                    f"or add {folder} without it"
                )
            if relation == "alias" and index > new.index(other):
                raise RootOverlap(
                    f"{folder} and {other} are the same folder under two names (a symlink): "
                    "add only one of them"
                )
        if folder in existing:
            continue  # already a root: its type may change
        for root in existing:
            relation = _overlap(folder, root)
            if relation == "alias":
                raise RootOverlap(
                    f"{folder} is the library folder {root} under another name (a symlink): "
                    f"use {root}, or remove it first"
                )
            if relation == "inside":
                raise RootOverlap(
                    f"{folder} is inside the library folder {root}, which already includes it: "
                    f"remove {root} first to add {folder} on its own, or scan {root} instead"
                )
            if relation == "contains":
                raise RootOverlap(
                    f"{folder} contains the library folder {root}: remove {root} first, "
                    f"then add {folder} (it will include {root})"
                )


def add_roots(
    path: Path, folders: list[str], root_type: RootType | None = None
) -> list[LibraryRoot]:
    """Add library folders to the config at ``path``; return the roots added or whose
    type changed (a folder already there with the same type is not returned).

    ``root_type`` None keeps the type of a folder that is already a root and gives new
    ones ``"mixed"``; a type given is set on every folder, new or not. Folders are
    normalised (:func:`normalise_root`) first. A folder inside, above, or (through a
    symlink) the same as an existing root, or two given folders nested in each other,
    raise :class:`RootOverlap` (a :class:`ConfigError`) and nothing is saved. The file
    is written only when something changed; its comments and layout are kept.
    """
    import tomlkit

    requested = list(dict.fromkeys(normalise_root(folder) for folder in folders))
    document = _load_document(path)
    current = document.get("roots") or []
    existing = {_entry_path(entry): entry for entry in current}
    _check_no_overlap(requested, list(existing))
    changed: list[LibraryRoot] = []
    for folder in requested:
        entry = existing.get(folder)
        if entry is None:
            chosen: RootType = root_type or "mixed"
            table = tomlkit.table()
            table["path"] = folder
            table["type"] = chosen
            _root_tables(document).append(table)
            changed.append(LibraryRoot(folder, chosen))
        elif root_type is not None and _entry_type(entry) != root_type:
            _retype(document, folder, root_type)
            changed.append(LibraryRoot(folder, root_type))
    if changed:
        _save_document(path, document)
    return changed


def _entry_type(entry: Any) -> str:
    return "mixed" if isinstance(entry, str) else str(entry.get("type", "mixed"))


def _retype(document: tomlkit.TOMLDocument, folder: str, root_type: RootType) -> bool:
    """Set the type of the root ``folder``; False when it is not a root."""
    for table in _root_tables(document) if document.get("roots") else ():
        if _entry_path(table) == folder:
            table["type"] = root_type
            return True
    return False


def set_root_type(path: Path, folder: str, root_type: RootType) -> bool:
    """Change the type of the library folder ``folder`` (normalised first); False when it
    is not a library folder (the file is then left as it is). True also when it already
    had that type; the file is written only when the type changed."""
    normalised = normalise_root(folder)
    document = _load_document(path)
    entry = next((e for e in document.get("roots") or () if _entry_path(e) == normalised), None)
    if entry is None:
        return False
    if _entry_type(entry) != root_type:
        _retype(document, normalised, root_type)
        _save_document(path, document)
    return True


def remove_root(path: Path, folder: str) -> bool:
    """Remove a library folder from the config; False when it was not a root."""
    import tomlkit

    document = _load_document(path)
    roots = document.get("roots")
    if not roots:
        return False
    normalised = normalise_root(folder)
    keep = [entry for entry in roots if _entry_path(entry) != normalised]
    if len(keep) == len(roots):
        return False
    new_roots = tomlkit.aot()
    for table in _root_tables(document):
        if _entry_path(table) != normalised:
            new_roots.append(table)
    document["roots"] = new_roots
    _save_document(path, document)
    return True


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
    import difflib

    lines = []
    for binding_id in keys:
        if binding_id in known:
            continue
        close = difflib.get_close_matches(binding_id, list(known), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else " (the help screen, ?, lists them)"
        lines.append(
            f"config error in {path}{_where(text, ('keys', binding_id))}: "
            f"no key binding has the id {binding_id!r}{hint}"
        )
    return lines
