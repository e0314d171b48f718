"""Every value from the other side, checked for type and range before it is used.

The box checks each request (:func:`request`, called by the server's dispatch) and the
laptop each answer (:func:`answer`, called by the connection), so a hostile or broken
peer gets an error answer and never a damaged ``watch.json`` or ``history.json``, a
negative position, or a traceback. A refused value raises :class:`BadRequest`; its
message names the field and shows at most a few characters of the value.
"""

from __future__ import annotations

import dataclasses
import itertools
import operator
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from kino_tui.core.models import KINDS, AudioTrack, MediaItem, Progress, Segment, SubtitleTrack
from kino_tui.service.remote.protocol import BadRequest

#: The longest play kino records (a week: longer is a wrong value, not a film).
MAX_SECONDS = 7 * 24 * 3600.0
MAX_PLAY_COUNT = 1_000_000
MAX_ID = 1024
MAX_PATH = 4096
MAX_TEXT = 2000
#: The most ids one request names (a mark of a whole library of music).
MAX_IDS = 200_000
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,100}")
ARTWORK_FIELDS = ("poster", "show_poster", "fanart", "thumb")
_NONE = type(None)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _refuse(what: str, value: Any, expected: str) -> BadRequest:
    return BadRequest(f"{what} is {_shown(value)}, not {expected}")


# -- single values ---------------------------------------------------------------------------


def text(value: Any, what: str, limit: int = MAX_TEXT, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if type(value) is not str or len(value) > limit:
        raise _refuse(what, value, f"a text of at most {limit} characters")
    return value


def item_id(value: Any) -> str:
    if type(value) is not str or not 0 < len(value) <= MAX_ID:
        raise _refuse("the id", value, "an item id")
    return value


def ids(value: Any) -> list[str]:
    if type(value) is not list or len(value) > MAX_IDS:
        raise _refuse("the ids", value, f"a list of at most {MAX_IDS} ids")
    return [item_id(each) for each in value]


def seconds(value: Any, what: str, optional: bool = False) -> float | None:
    """A time in seconds: a finite number from 0 to a week."""
    if value is None and optional:
        return None
    if type(value) not in (int, float) or not (0 <= value <= MAX_SECONDS):  # NaN fails too
        raise _refuse(what, value, "a number of seconds from 0 to a week")
    return float(value)


def flag(value: Any, what: str) -> bool:
    if type(value) is not bool:
        raise _refuse(what, value, "true or false")
    return value


def count(value: Any, what: str, limit: int = MAX_PLAY_COUNT) -> int:
    if type(value) is not int or not 0 <= value <= limit:
        raise _refuse(what, value, f"a whole number from 0 to {limit}")
    return value


def date(value: Any, what: str) -> str | None:
    """An ISO 8601 date and time as kino writes them (``2026-01-02T03:04:05+00:00``)."""
    if value is None:
        return None
    if type(value) is str and 10 <= len(value) <= 40:
        try:
            datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return value
    raise _refuse(what, value, "a date and time")


# -- records ---------------------------------------------------------------------------------


def progress(data: Any) -> Progress:
    """A progress record (fields a newer kino may add are left out)."""
    if type(data) is not dict:
        raise _refuse("a progress record", data, "an object")
    return Progress(
        position=seconds(data.get("position", 0.0), "position") or 0.0,
        duration=seconds(data.get("duration"), "duration", optional=True),
        watched=flag(data.get("watched", False), "watched"),
        play_count=count(data.get("play_count", 0), "play_count"),
        last_played=date(data.get("last_played"), "last_played"),
    )


def progress_map(data: Any, optional: bool = False) -> dict[str, Progress | None]:
    if type(data) is not dict or len(data) > MAX_IDS:
        raise _refuse("the progress records", data, "an object of records by id")
    return {
        item_id(key): None if value is None and optional else progress(value)
        for key, value in data.items()
    }


#: What a play's history line may say; the item's own fields (id, path, title, series,
#: season…) are the box's, from its catalog, and cannot be given.
_HISTORY: dict[str, Callable[[Any, str], Any]] = {
    "player": lambda value, what: text(value, what, 64),
    "started_at": date,
    "ended_at": date,
    "position": lambda value, what: seconds(value, what, optional=True),
    "duration": lambda value, what: seconds(value, what, optional=True),
    "watched": flag,
    "error": lambda value, what: text(value, what, optional=True),
}


def history_record(data: Any) -> dict[str, Any]:
    if type(data) is not dict:
        raise _refuse("the history record", data, "an object")
    unknown = sorted(set(data) - set(_HISTORY))
    if unknown:
        raise BadRequest(f"a history record cannot set {_shown(unknown)}")
    return {name: check(data[name], name) for name, check in _HISTORY.items() if name in data}


# -- items (answers of the box) --------------------------------------------------------------


_JSON_TYPES: dict[str, type] = {
    **{"str": str, "Kind": str, "int": int, "float": float, "bool": bool},
    **{"None": _NONE, "list": list, "dict": dict},
}


def _types(annotation: str) -> frozenset[type]:
    """The JSON types of a field of this annotation (``str | None`` → str, None)."""
    names = {part.strip().split("[")[0] for part in annotation.split("|")}
    found = {_JSON_TYPES[name] for name in names}
    if float in found:
        found.add(int)  # JSON writes 2.0 as 2
    return frozenset(found)


def _field_types(cls: Any) -> dict[str, frozenset[type]]:
    if dataclasses.is_dataclass(cls):
        return {f.name: _types(str(f.type)) for f in dataclasses.fields(cls)}
    return {name: _types(getattr(kind, "__forward_arg__", str(kind)))
            for name, kind in cls.__annotations__.items()}  # fmt: skip


_ITEM_TYPES = _field_types(MediaItem)
_ITEM_TYPES["root"] = frozenset({str, _NONE})  # an item of no root (a file played by path)
_TRACK_TYPES = {
    "audio": _field_types(AudioTrack),
    "subtitles": _field_types(SubtitleTrack),
    "segments": _field_types(Segment),
}
_REQUIRED = frozenset({"id", "kind", "path", "root"})


def _present(records: Iterable[dict[str, Any]], name: str) -> Iterator[Any]:
    """The non-empty values of field ``name`` in ``records``."""
    return filter(None, map(operator.methodcaller("get", name), records))


def _check_fields(
    records: list[Any], types: dict[str, frozenset[type]], where: str, required: Iterable[str]
) -> None:
    """Records (objects) whose every known field has one of its types. Only C loops go
    over the records: a catalog of 50,000 items has a handful of distinct signatures
    (its field names and their value types), and those are checked."""
    if not set(map(type, records)) <= {dict}:
        raise BadRequest(f"the {where} are not all objects")
    signatures = set(
        zip(
            map(tuple, map(dict.keys, records)),
            map(tuple, map(map, itertools.repeat(type), map(dict.values, records))),
            strict=True,
        )
    )
    needed = frozenset(required)
    for names, kinds in signatures:
        if not needed.issubset(names):
            raise BadRequest(f"one of the {where} lacks one of {sorted(needed)}")
        for name, kind in zip(names, kinds, strict=True):
            allowed = types.get(name)  # None: a field of a newer kino, left out
            if allowed is not None and kind not in allowed:
                bad = next(r[name] for r in records if type(r.get(name, _NONE)) is kind)
                raise BadRequest(f"the {name} of one of the {where} is {_shown(bad)}")


def items(data: Any) -> list[dict[str, Any]]:
    """Items as the box sends them (``MediaItem.to_dict``), checked so that
    ``MediaItem.from_dict`` and everything after it gets the types it expects."""
    if type(data) is not list:
        raise _refuse("the items", data, "a list")
    _check_fields(data, _ITEM_TYPES, "items", _REQUIRED)
    if not set(map(operator.itemgetter("kind"), data)) <= set(KINDS):
        raise BadRequest("one of the items has a kind kino does not know")
    for name in ("parts", "genres"):
        inner = itertools.chain.from_iterable(_present(data, name))
        if not set(map(type, inner)) <= {str}:
            raise BadRequest(f"the {name} of one of the items are not all text")
    for name, types in _TRACK_TYPES.items():
        tracks = list(itertools.chain.from_iterable(_present(data, name)))
        _check_fields(tracks, types, f"{name} of the items", types)
        if set(itertools.chain.from_iterable(map(dict.keys, tracks))) - set(types):
            raise BadRequest(f"the {name} of one of the items have fields kino does not know")
    values = itertools.chain.from_iterable(map(dict.values, _present(data, "ids")))
    if not set(map(type, values)) <= {str}:
        raise BadRequest("the ids of one of the items are not all text")
    return data


def media_items(data: Any) -> list[MediaItem]:
    return [MediaItem.from_dict(each) for each in items(data)]


def texts(data: Any, what: str) -> list[str]:
    if type(data) is not list or not set(map(type, data)) <= {str}:
        raise _refuse(what, data, "a list of texts")
    return data


_PLAY_TYPES: dict[str, frozenset[type]] = {
    **dict.fromkeys(("id", "path", "kind", "title", "series", "player"), frozenset({str, _NONE})),
    **dict.fromkeys(("started_at", "ended_at", "error"), frozenset({str, _NONE})),
    **dict.fromkeys(("season", "episode"), frozenset({int, _NONE})),
    **dict.fromkeys(("position", "duration"), frozenset({int, float, _NONE})),
    "watched": frozenset({bool, _NONE}),
}


# -- requests (the box) and answers (the laptop), by method ----------------------------------


def _signature(value: Any) -> Any:
    if value is None:
        return None
    if type(value) is not list or len(value) != 3 or not set(map(type, value)) <= {int}:
        raise _refuse("the signature", value, "three whole numbers")
    return value


def _optional_id(value: Any) -> str | None:
    return None if value is None else item_id(value)


_REQUESTS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "load": lambda p: None,
    "warnings": lambda p: None,
    "history": lambda p: None,
    "sync_shared": lambda p: None,
    "find": lambda p: text(p.get("target"), "the target", MAX_PATH),
    "section": lambda p: text(p.get("key"), "the section", MAX_ID),
    "search": lambda p: text(p.get("query"), "the query", MAX_ID),
    "item_records": lambda p: ids(p.get("ids")),
    "progress": lambda p: _optional_id(p.get("id")),
    "progress_since": lambda p: _signature(p.get("signature")),
    "save_progress": lambda p: (item_id(p.get("id")), progress(p.get("progress"))),
    "mark": lambda p: (ids(p.get("ids")), flag(p.get("watched"), "watched")),
    "undo": lambda p: (
        ids(p.get("ids")),
        flag(p.get("watched"), "watched"),
        progress_map(p.get("previous"), optional=True),
    ),
    "add_history": lambda p: (item_id(p.get("id")), history_record(p.get("record"))),
    "stream": lambda p: (ids(p.get("ids")), p.get("token") is None or token(p["token"])),
    "stream_end": lambda p: token(p.get("token")),
    "check": lambda p: ids(p.get("ids")),
    "poster": lambda p: (item_id(p.get("id")), artwork_field(p.get("field"))),
    "artwork": lambda p: text(p.get("path"), "the artwork path", MAX_PATH),
    "make_frames": lambda p: None,
    "frame": lambda p: item_id(p.get("id")),
}


def token(value: Any) -> str:
    if type(value) is not str or not TOKEN.fullmatch(value):
        raise _refuse("the token", value, "a stream token")
    return value


def artwork_field(value: Any) -> str:
    if value not in ARTWORK_FIELDS:
        raise _refuse("the artwork field", value, " or ".join(ARTWORK_FIELDS))
    return str(value)


def request(method: str, params: dict[str, Any]) -> None:
    """Raise :class:`BadRequest` unless ``params`` suit ``method`` (the box, before it
    does anything with them)."""
    check = _REQUESTS.get(method)
    if check is None:
        raise BadRequest(f"unknown request {_shown(method)}")
    check(params)


def _progress_answer(params: dict[str, Any], result: Any) -> None:
    if params.get("id") is not None:
        progress(result)
    else:
        progress_map(result)


def _object(result: Any) -> dict[str, Any]:
    if type(result) is not dict:
        raise _refuse("the answer", result, "an object")
    return result


def _mark_answer(result: Any) -> None:
    progress_map(_object(result).get("marked"))
    progress_map(result.get("previous"), optional=True)


def _since_answer(result: Any) -> None:
    if result is None:
        return
    if _object(result).get("signature") is None:
        raise BadRequest("the answer has no signature")
    _signature(result.get("signature"))
    progress_map(result.get("progress"))


def _items_answer(result: Any) -> None:
    items(_object(result).get("items"))
    texts(result.get("warnings"), "the warnings")


def _records_answer(result: Any) -> None:
    """Items as ``kino ls --json`` prints them, each with its progress."""
    items(result)
    for record in result:
        progress(record.get("progress", {}))


_RESULT_TYPES: dict[str, frozenset[type]] = {
    **dict.fromkeys(("kind", "title", "id", "line"), frozenset({str})),
    "path": frozenset({str, _NONE}),
    "year": frozenset({int, _NONE}),
    "unwatched": frozenset({int}),
    **dict.fromkeys(("counts", "context"), frozenset({dict})),
}


def _search_answer(result: Any) -> None:
    results = _object(result).get("results")
    if type(results) is not list:
        raise _refuse("the results", results, "a list")
    _check_fields(results, _RESULT_TYPES, "search results", ("kind", "title", "id"))
    texts(result.get("warnings"), "the warnings")


def _history_answer(result: Any) -> None:
    if type(result) is not list:
        raise _refuse("the history", result, "a list")
    _check_fields(result, _PLAY_TYPES, "plays", ())


def _stream_answer(result: Any) -> None:
    socket = text(_object(result).get("socket"), "the socket", MAX_PATH)
    if not str(socket).startswith("/"):
        raise _refuse("the socket", socket, "an absolute path")
    token(result.get("token"))


def _nothing(result: Any) -> None:
    if result is not None:
        raise _refuse("the answer", result, "nothing")


_ANSWERS: dict[str, Callable[[dict[str, Any], Any], Any]] = {
    **dict.fromkeys(("load", "find", "section"), lambda p, r: _items_answer(r)),
    "search": lambda p, r: _search_answer(r),
    "item_records": lambda p, r: _records_answer(r),
    "warnings": lambda p, r: texts(r, "the warnings"),
    "progress": _progress_answer,
    "progress_since": lambda p, r: _since_answer(r),
    "mark": lambda p, r: _mark_answer(r),
    "undo": lambda p, r: progress_map(r),
    "history": lambda p, r: _history_answer(r),
    "stream": lambda p, r: _stream_answer(r),
    "sync_shared": lambda p, r: text(r, "the shared line", optional=True),
    "poster": lambda p, r: text(r, "the poster", 64 << 20),
    "artwork": lambda p, r: text(r, "the artwork", 64 << 20),
    "make_frames": lambda p, r: flag(r, "the answer"),
    "frame": lambda p, r: text(r, "the frame", 64 << 20, optional=True),
    **dict.fromkeys(
        ("save_progress", "add_history", "stream_end", "check"),
        lambda p, r: _nothing(r),
    ),
}


def answer(method: str, params: dict[str, Any], result: Any) -> None:
    """Raise :class:`BadRequest` unless ``result`` is what ``method`` answers (the
    laptop, before it uses it)."""
    check = _ANSWERS.get(method)
    if check is not None:
        check(params, result)
