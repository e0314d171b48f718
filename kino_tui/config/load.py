"""Reading ``config.toml`` (tomllib) into :class:`~kino_tui.config.settings.Settings`:
every key and range checked, each error naming the file and the line.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from kino_tui.config.lines import Fail, Location, where
from kino_tui.config.settings import (
    IMAGE_MODES,
    PLAYBACK_MODES,
    PLAYERS,
    RESUME_MODES,
    RemoteSettings,
    Settings,
    SharedSettings,
)
from kino_tui.core.errors import ConfigError
from kino_tui.core.metadata.languages import normalise_language
from kino_tui.core.models import ROOT_TYPES, LibraryRoot
from kino_tui.core.pathnames import normalise_root
from kino_tui.core.play.player_settings import PlayerSettings
from kino_tui.core.play.resume import ResumeRules
from kino_tui.core.play.tracks import SUBTITLE_MODES, TrackPreferences


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
        raise ConfigError(_describe_toml_error(path, error, text)) from None
    return _validate(path, text, data)


def _describe_toml_error(path: Path, error: tomllib.TOMLDecodeError, text: str = "") -> str:
    message = str(error)
    match = re.search(r"\(at line (\d+), column (\d+)\)", message)
    reason = message[: match.start()].strip() if match else message
    where = f", line {match.group(1)}" if match else ""
    if match and reason == "Invalid value":
        lines = text.splitlines()
        number = int(match.group(1))
        line = lines[number - 1].strip() if 0 < number <= len(lines) else ""
        bare = re.fullmatch(r"([A-Za-z0-9_.\"-]+)\s*=\s*([^\"'\[\]{}#\s][^#]*?)\s*(#.*)?", line)
        if bare is not None:
            key, value = bare.group(1), bare.group(2)
            reason = (
                f"{line!r}: {value} is not a value TOML knows; a text needs quotes: "
                f'{key} = "{value}"'
            )
        elif line:
            reason = f"{line!r}: the value is not valid TOML"
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
    "export",
    "shared",
    "roots",
)
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "progress": tuple(ResumeRules.__dataclass_fields__),
    "next_up": ("days", "include_specials"),
    "mpv": ("command", "args", "terminal_vo"),
    "vlc": ("command", "args"),
    "remote": ("host", "command", "ssh", "timeout"),
    "export": ("nfo",),
    "shared": ("database", "box"),
    "roots": ("path", "type", "follow_links", "rescan_minutes", "name"),
}
#: The longest ``rescan_minutes`` of a root (a week).
MAX_RESCAN_MINUTES = 7 * 24 * 60
#: The longest ``save_interval`` that still saves progress during a playback.
MAX_SAVE_INTERVAL = 3600.0


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
        return ConfigError(f"config error in {path}{where(text, location)}: {reason}")

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
        name = _typed(entry, location, "name", str, None, fail)
        if name is not None and (not name.strip() or "/" in name):
            raise fail((*location, "name"), f"name must be a folder name without /, not {name!r}")
        roots.append(
            LibraryRoot(
                normalise_root(entry["path"]),
                root_type,
                follow_links,
                None if minutes is None else float(minutes),
                name.strip() if name else None,
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
        export_nfo=_typed(data.get("export", {}), ("export",), "nfo", bool, False, fail),
        shared=_shared_settings(data.get("shared", {}), fail),
        raw=data,
    )


def _remote_settings(table: dict[str, Any], fail: Fail) -> RemoteSettings:
    host = _typed(table, ("remote",), "host", str, "", fail)
    if host.startswith("-"):
        raise fail(("remote", "host"), f"host must be a host name for ssh, not {host!r}")
    defaults = RemoteSettings()
    command = _string_list(table, ("remote",), "command", fail) or defaults.command
    ssh = _string_list(table, ("remote",), "ssh", fail) or defaults.ssh
    timeout = float(_typed(table, ("remote",), "timeout", float, defaults.timeout, fail))
    if not 1 <= timeout <= 3600:
        raise fail(("remote", "timeout"), f"timeout must be 1 to 3600 seconds, not {timeout:g}")
    return RemoteSettings(host=host.strip(), command=command, ssh=ssh, timeout=timeout)


def _shared_settings(table: dict[str, Any], fail: Fail) -> SharedSettings:
    database = _typed(table, ("shared",), "database", str, "", fail).strip()
    if database and not database.startswith(("postgresql://", "postgres://")):
        raise fail(
            ("shared", "database"),
            'database must be a PostgreSQL URL, like "postgresql://kino@nas/kino" '
            "(the password goes in ~/.pgpass, not here)",
        )
    box = _typed(table, ("shared",), "box", str, "", fail).strip()
    return SharedSettings(database=database, box=box)


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


def _string_list(
    table: dict[str, Any], where: Location, key: str, fail: Fail, one_word: bool = True
) -> tuple[str, ...]:
    """A list of strings; a lone string is taken as a list of one only where one word
    is meant (``one_word``: a command's program). ``args = "--fs"`` is refused, with its
    line: a string would be one argument however many options it holds."""
    value = table.get(key, [])
    if isinstance(value, str) and not one_word:
        words = value.split() or [value]
        example = ", ".join(f'"{word}"' for word in words)
        raise fail(
            (*where, key),
            f"{key} must be a list of strings, not a string: write {key} = [{example}]",
        )
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail((*where, key), f'{key} must be a list of strings, like ["--fs"]')
    return tuple(value)


def _track_preferences(data: dict[str, Any], fail: Fail) -> TrackPreferences:
    """``audio_languages``, ``subtitle_languages`` (codes or names babelfish knows, kept
    as ISO 639-2/B codes) and ``subtitles``."""
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
        extra_args[name] = _string_list(table, (name,), "args", fail, one_word=False)
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
